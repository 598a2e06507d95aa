package ca.eazybackup.e3.agent.nas.vfs;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bytes a volume holds, for WebDAV's {@code quota-used-bytes}. S3 has no figure to ask: the
 * objects under the prefix are summed once by a background walk (one ListObjects per 1,000 keys),
 * and from then on every write, delete and copy made through this volume moves the figure by what
 * it changed, so no walk is needed to follow the drive's own use. A walk runs again only after
 * {@link #reconcileNanos} (changes made in S3 by others, which the volume cannot see otherwise),
 * and only when a client asks for the figure. Until the first walk ends the figure is unknown.
 *
 * <p>A change made while a walk runs may be counted twice or not at all (the walk may or may not
 * have listed its key yet); the next walk corrects it. Explorer's free-space bar needs no more.
 */
final class UsedSpace {
  private static final Logger log = LoggerFactory.getLogger(UsedSpace.class);

  /** How often a figure kept up by deltas is checked against a full walk. */
  static final long DEFAULT_RECONCILE_NANOS = 6L * 3600 * 1_000_000_000L;

  /** Sums the volume's objects; throws on an S3 failure. */
  interface Walk {
    long sum() throws Exception;
  }

  private final Walk walk;
  private final String volume;
  private final LongSupplier nanoTime;
  private final AtomicLong used = new AtomicLong(-1);
  private final AtomicBoolean walking = new AtomicBoolean();
  private final AtomicLong walks = new AtomicLong();
  private volatile long reconcileNanos = DEFAULT_RECONCILE_NANOS;
  private volatile long walkedAtNanos;
  private volatile boolean walkedOnce;

  UsedSpace(Walk walk, String volume, LongSupplier nanoTime) {
    this.walk = walk;
    this.volume = volume;
    this.nanoTime = nanoTime;
  }

  /** The figure now ({@code -1}: not summed yet); starts a background walk when one is due. */
  long used() {
    long now = nanoTime.getAsLong();
    if ((!walkedOnce || now - walkedAtNanos > reconcileNanos)
        && walking.compareAndSet(false, true)) {
      walkedOnce = true;
      walkedAtNanos = now;
      Thread t = new Thread(this::walkNow, "nas-space");
      t.setDaemon(true);
      t.start();
    }
    return used.get();
  }

  private void walkNow() {
    try {
      long total = walk.sum();
      used.set(total);
      walks.incrementAndGet();
    } catch (Exception e) {
      walkedOnce = used.get() >= 0; // a first walk that failed is tried again at the next ask
      log.debug("nas.space_sum_failed volume={} error={}", volume, e.toString());
    } finally {
      walking.set(false);
    }
  }

  /** A change made through the volume: {@code delta} bytes more (or fewer) in S3. */
  void add(long delta) {
    if (delta != 0) {
      used.getAndUpdate(u -> u < 0 ? u : Math.max(0, u + delta));
    }
  }

  /** Walks finished so far (tests). */
  long walks() {
    return walks.get();
  }

  /** Tests: how long a figure kept by deltas is trusted. */
  void reconcileEvery(long nanos) {
    this.reconcileNanos = nanos;
  }
}
