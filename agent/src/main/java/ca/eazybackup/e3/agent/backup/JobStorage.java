package ca.eazybackup.e3.agent.backup;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.blob.FilesystemBlobStorage;
import ca.eazybackup.e3.agent.backup.blob.S3BlobStorage;
import ca.eazybackup.e3.agent.backup.blob.StorageStack;
import ca.eazybackup.e3.agent.backup.maintenance.ObjectLocks;
import ca.eazybackup.e3.agent.backup.repo.RepositoryException;
import ca.eazybackup.e3.agent.engine.RunContext;
import ca.eazybackup.e3.agent.s3.S3Target;
import ca.eazybackup.e3.agent.transfer.RetryPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a job's repository lives: the raw store named by the job (S3 through the agent's one client
 * factory, or a folder for {@code dest_type: local}), and the production stack over it.
 */
final class JobStorage {
  private JobStorage() {}

  /** The raw store of the job's destination; the engine wraps it with {@link #stack}. */
  static BlobStorage openRaw(RunAssignment job, RunContext ctx) throws IOException {
    String type = job.destType() == null ? "s3" : job.destType().toLowerCase(Locale.ROOT);
    if (type.equals("local")) {
      if (job.destLocalPath() == null || job.destLocalPath().isBlank()) {
        throw new RepositoryException("dest_type is local but dest_local_path is empty");
      }
      Path root = Path.of(job.destLocalPath());
      if (job.destPrefix() != null && !job.destPrefix().isBlank()) {
        root = root.resolve(job.destPrefix());
      }
      Files.createDirectories(root);
      return FilesystemBlobStorage.open(root);
    }
    if (job.destBucket() == null || job.destBucket().isBlank()) {
      throw new RepositoryException("the job has no destination bucket (dest_bucket)");
    }
    S3Target target =
        new S3Target(
            job.destEndpoint(), job.destRegion(), job.destAccessKey(), job.destSecretKey());
    return S3BlobStorage.open(
        ctx.s3().client(target),
        target.endpoint(),
        job.destBucket(),
        job.destPrefix(),
        job.bucketAutoCreate(),
        ObjectLocks.fromPolicy(job.policy()) != null);
  }

  /**
   * Retry by the agent's policy and the job's bandwidth limit ({@code bandwidth_limit_kbps}, KiB/s)
   * on the network in both directions: uploads of a backup and downloads of a restore alike.
   */
  static BlobStorage stack(BlobStorage raw, RunAssignment job, RunContext ctx) {
    long bytesPerSecond = Math.max(0, job.bandwidthLimitKbps()) * 1024L;
    return StorageStack.wrap(
        raw, RetryPolicy.DEFAULT, bytesPerSecond, ctx.cancellation()::isCancelled);
  }
}
