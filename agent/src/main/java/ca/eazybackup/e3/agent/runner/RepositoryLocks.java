package ca.eazybackup.e3.agent.runner;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.engine.Cancellation;
import ca.eazybackup.e3.agent.engine.RunCancelledException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One holder at a time per repository (a kopia repository or a sync destination: endpoint, bucket
 * and prefix, or a local folder): a restore or maintenance that arrives while a backup of the same
 * repository runs waits for it (and the other way round) instead of failing or racing it —
 * maintenance deleting packs a running backup still writes would lose data.
 *
 * <p>A semaphore, not a lock: the holder may release from another thread (the engine thread, when
 * an engine abandoned after the cancel grace finally stops).
 */
final class RepositoryLocks {
  private final Map<String, Semaphore> locks = new ConcurrentHashMap<>();

  /** A held repository; {@link #close()} releases it once, from any thread. */
  static final class Lease implements AutoCloseable {
    private final Semaphore semaphore;
    private final AtomicBoolean released = new AtomicBoolean();

    private Lease(Semaphore semaphore) {
      this.semaphore = semaphore;
    }

    @Override
    public void close() {
      if (released.compareAndSet(false, true)) {
        semaphore.release();
      }
    }
  }

  /** What identifies a job's repository; jobs that share it share the key. */
  static String keyOf(RunAssignment job) {
    if (job.destLocalPath() != null && !job.destLocalPath().isBlank()) {
      return "local:" + job.destLocalPath().toLowerCase(Locale.ROOT);
    }
    String prefix = job.destPrefix() == null ? "" : job.destPrefix().replaceAll("^/+|/+$", "");
    return "s3:"
        + String.valueOf(job.destEndpoint()).toLowerCase(Locale.ROOT)
        + "/"
        + job.destBucket()
        + "/"
        + prefix;
  }

  /**
   * Takes the repository, waiting while another run holds it; {@code onWait} is called once if it
   * has to wait. A cancel while waiting ends the wait.
   */
  Lease acquire(String key, Cancellation cancellation, Runnable onWait)
      throws RunCancelledException, InterruptedException {
    Semaphore s = locks.computeIfAbsent(key, k -> new Semaphore(1, true));
    if (!s.tryAcquire()) {
      onWait.run();
      while (!s.tryAcquire(100, TimeUnit.MILLISECONDS)) {
        cancellation.throwIfCancelled();
      }
    }
    return new Lease(s);
  }

  /** True while some run holds {@code key} (tests, doctor). */
  boolean isHeld(String key) {
    Semaphore s = locks.get(key);
    return s != null && s.availablePermits() == 0;
  }
}
