package ca.eazybackup.e3.shims;

import java.time.Duration;

/**
 * How a service control program waits on a pending start or stop, after Microsoft's "Starting a
 * Service" and "Stopping a Service" samples and the SERVICE_STATUS docs: the service must raise its
 * checkpoint (or change state) before its last wait hint runs out, else it is taken as hung; poll
 * every tenth of the wait hint, but no less often than every 10 s. Shared by the real and the
 * simulated SCM so both give up on the same rule.
 */
public final class PendingWatch {
  private final Duration floor;
  private final Duration toleranceFloor;
  private int checkPoint = Integer.MIN_VALUE;
  private long lastProgressMillis;
  private long waitHintMillis;

  /** {@code floor}: the shortest poll interval (1 s in Microsoft's samples). */
  public PendingWatch(Duration floor, long nowMillis) {
    this(floor, floor, nowMillis);
  }

  /**
   * {@code pollFloor}: the shortest poll interval; {@code toleranceFloor}: the least time a
   * checkpoint may stand still whatever its wait hint. Microsoft's sample sleeps at least 1 s
   * before it first looks again, so a service reporting a wait hint of 0 is never taken as hung
   * sooner than that; a simulation may poll faster and still keep that tolerance.
   */
  public PendingWatch(Duration pollFloor, Duration toleranceFloor, long nowMillis) {
    this.floor = pollFloor;
    this.toleranceFloor = toleranceFloor;
    this.lastProgressMillis = nowMillis;
  }

  /**
   * Records what the service reported at {@code nowMillis}; returns false once the checkpoint stood
   * still for longer than the wait hint that came with it.
   */
  public boolean observe(int reportedCheckPoint, long reportedWaitHintMillis, long nowMillis) {
    if (reportedCheckPoint != checkPoint) {
      checkPoint = reportedCheckPoint;
      waitHintMillis = reportedWaitHintMillis;
      lastProgressMillis = nowMillis;
      return true;
    }
    return nowMillis - lastProgressMillis <= Math.max(waitHintMillis, toleranceFloor.toMillis());
  }

  /** How long the checkpoint has stood still (for the error message). */
  public long stalledMillis(long nowMillis) {
    return nowMillis - lastProgressMillis;
  }

  public long waitHintMillis() {
    return waitHintMillis;
  }

  /** A tenth of the wait hint, between {@code floor} and 10 s. */
  public Duration pollInterval() {
    long tenth = waitHintMillis / 10;
    return Duration.ofMillis(Math.max(floor.toMillis(), Math.min(10_000, tenth)));
  }
}
