package ca.eazybackup.e3.agent.transfer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Time that moves only when someone waits: throttling and backoff observable without waiting. */
public final class FakeTicker implements Ticker {
  private long now = 1_000_000_000L;
  private final List<Duration> parks = new ArrayList<>();

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  @Override
  public synchronized void park(long nanos) {
    parks.add(Duration.ofNanos(nanos));
    now += nanos;
  }

  /** Total time spent waiting. */
  public synchronized Duration waited() {
    return parks.stream().reduce(Duration.ZERO, Duration::plus);
  }

  public synchronized int parks() {
    return parks.size();
  }
}
