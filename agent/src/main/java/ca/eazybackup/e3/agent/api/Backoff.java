package ca.eazybackup.e3.agent.api;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Jittered exponential backoff ("full jitter"): attempt n waits a random time in [base·2ⁿ/2,
 * base·2ⁿ], capped. The jitter keeps a fleet of agents from hammering an addon that just came back
 * all in the same second.
 */
public final class Backoff {
  private final long baseMillis;
  private final long capMillis;
  private int attempt;

  public Backoff(Duration base, Duration cap) {
    this.baseMillis = Math.max(1, base.toMillis());
    this.capMillis = Math.max(baseMillis, cap.toMillis());
  }

  /** The wait before the next attempt; each call doubles the ceiling up to the cap. */
  public Duration next() {
    long ceiling = capMillis;
    if (attempt < 30) {
      ceiling = Math.min(capMillis, baseMillis << attempt);
    }
    attempt++;
    long floor = ceiling / 2;
    return Duration.ofMillis(floor + ThreadLocalRandom.current().nextLong(ceiling - floor + 1));
  }

  public void reset() {
    attempt = 0;
  }

  public int attempts() {
    return attempt;
  }
}
