package ca.eazybackup.e3.agent.transfer;

import java.io.InterruptedIOException;
import java.util.function.BooleanSupplier;

/**
 * One byte-rate limit shared by every transfer of a run (so 8 parallel uploads together stay under
 * {@code bandwidth_limit_kbps}, not 8 times it). Virtual-scheduling form of a token bucket: each
 * {@link #take} books its bytes after the previous booking and waits until its slot comes, allowing
 * a burst of {@link #BURST_NANOS} worth of bytes after an idle spell. The sync engine, the kopia
 * engine's blob storage (both directions) and Cloud NAS all meter through this one class.
 */
public final class TokenBucket {
  static final long BURST_NANOS = 50_000_000L;
  private static final long MAX_PARK_NANOS = 100_000_000L;

  private final double nanosPerByte;
  private final BooleanSupplier cancelled;
  private final Ticker ticker;
  private long nextFree;

  /** {@code bytesPerSecond <= 0} means unlimited: {@link #of} returns null for it instead. */
  public TokenBucket(long bytesPerSecond, BooleanSupplier cancelled) {
    this(bytesPerSecond, cancelled, Ticker.SYSTEM);
  }

  /** A bucket on {@code ticker}'s time (tests pass a fake one). */
  public TokenBucket(long bytesPerSecond, BooleanSupplier cancelled, Ticker ticker) {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("bytesPerSecond must be positive: " + bytesPerSecond);
    }
    this.nanosPerByte = 1e9 / bytesPerSecond;
    this.cancelled = cancelled;
    this.ticker = ticker;
    this.nextFree = ticker.nanoTime();
  }

  /** A bucket for a positive limit, or null (unlimited) for {@code bytesPerSecond <= 0}. */
  public static TokenBucket of(long bytesPerSecond, BooleanSupplier cancelled) {
    return bytesPerSecond > 0 ? new TokenBucket(bytesPerSecond, cancelled) : null;
  }

  /** Waits until {@code bytes} may pass; throws when the run is cancelled meanwhile. */
  public void take(long bytes) throws InterruptedIOException {
    long due;
    synchronized (this) {
      long now = ticker.nanoTime();
      if (nextFree < now - BURST_NANOS) {
        nextFree = now - BURST_NANOS;
      }
      nextFree += (long) (bytes * nanosPerByte);
      due = nextFree - BURST_NANOS;
    }
    while (true) {
      if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("transfer cancelled");
      }
      long wait = due - ticker.nanoTime();
      if (wait <= 0) {
        return;
      }
      ticker.park(Math.min(wait, MAX_PARK_NANOS));
    }
  }
}
