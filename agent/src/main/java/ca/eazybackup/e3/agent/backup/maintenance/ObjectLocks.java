package ca.eazybackup.e3.agent.backup.maintenance;

import ca.eazybackup.e3.agent.backup.blob.BlobRetention;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.repo.Repository;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Object lock for a job's repository: the job's setting ({@code policy_json.object_lock}) and
 * Kopia's "extend object locks" step of full maintenance (repo/maintenance/blob_retain.go).
 *
 * <p>After full maintenance has deleted what no snapshot needs, every blob still in a locked prefix
 * ({@link BlobRetention#isLocked}) is still referenced; each gets its lock moved to a full period
 * from now, so history stays undeletable for as long as maintenance keeps running. Kopia requires
 * the period to exceed the full-maintenance interval by 24 hours for the same reason.
 */
public final class ObjectLocks {
  private static final Logger LOG = LoggerFactory.getLogger(ObjectLocks.class);
  private static final List<String> PREFIXES = List.of("p", "q", "n", "x");
  private static final List<String> FORMAT_BLOBS = List.of("kopia.repository", "kopia.blobcfg");
  private static final int PARALLEL = 8;

  private ObjectLocks() {}

  /**
   * The job's object lock: {@code {"object_lock": {"mode": "GOVERNANCE"|"COMPLIANCE", "days": N}}}
   * in its {@code policy_json}; null when absent or {@code "mode"} is empty or {@code "off"}.
   *
   * @throws IllegalArgumentException a mode or period that cannot be used, with the reason
   */
  public static BlobRetention fromPolicy(JsonNode policy) {
    JsonNode n = policy == null ? null : policy.get("object_lock");
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      throw new IllegalArgumentException(
          "policy_json.object_lock must be {\"mode\": \"GOVERNANCE\"|\"COMPLIANCE\", \"days\": N}");
    }
    String mode = n.path("mode").asText("");
    if (mode.isBlank() || mode.equalsIgnoreCase("off")) {
      return null;
    }
    long days = n.path("days").asLong(0);
    try {
      return new BlobRetention(mode, Duration.ofDays(days));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "policy_json.object_lock: " + e.getMessage() + " (days must be 1 or more)", e);
    }
  }

  /**
   * Extends the lock of every blob in the locked prefixes of {@code repo} to its retention from
   * now; nothing when the repository has no object lock.
   *
   * @return how many blobs were extended
   */
  public static long extend(Repository repo) throws IOException {
    BlobRetention retention = repo.retention();
    if (retention == null) {
      return 0;
    }
    BlobStorage storage = repo.storage();
    List<String> ids = new ArrayList<>(FORMAT_BLOBS);
    for (String prefix : PREFIXES) {
      storage.list(prefix, b -> ids.add(b.blobId()));
    }
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (String id : ids) {
        done.add(
            pool.submit(
                () -> {
                  storage.extendRetention(id, retention);
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("cancelled while extending object locks");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    LOG.info(
        "event=object_locks_extended blobs={} mode={} periodHours={}",
        ids.size(),
        retention.mode(),
        retention.period().toHours());
    return ids.size();
  }
}
