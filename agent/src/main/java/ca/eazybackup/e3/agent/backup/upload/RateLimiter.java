package ca.eazybackup.e3.agent.backup.upload;

import ca.eazybackup.e3.agent.engine.Cancellation;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** A token bucket shared by all upload threads; one second of burst. */
final class RateLimiter {
  private final long bytesPerSecond;
  private final Cancellation cancel;
  private double tokens;
  private long last = System.nanoTime();

  RateLimiter(long bytesPerSecond, Cancellation cancel) {
    this.bytesPerSecond = bytesPerSecond;
    this.cancel = cancel;
    this.tokens = bytesPerSecond;
  }

  void acquire(long bytes) {
    if (bytesPerSecond <= 0) {
      return;
    }
    long waitNanos;
    synchronized (this) {
      long now = System.nanoTime();
      tokens = Math.min(bytesPerSecond, tokens + (now - last) * bytesPerSecond / 1e9);
      last = now;
      tokens -= bytes;
      waitNanos = tokens >= 0 ? 0 : (long) (-tokens * 1e9 / bytesPerSecond);
    }
    long deadline = System.nanoTime() + waitNanos;
    while (!cancel.isCancelled() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(
          Math.min(deadline - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(50)));
    }
  }
}
