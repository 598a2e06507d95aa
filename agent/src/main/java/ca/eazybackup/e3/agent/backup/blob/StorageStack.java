package ca.eazybackup.e3.agent.backup.blob;

import ca.eazybackup.e3.agent.transfer.RetryPolicy;
import ca.eazybackup.e3.agent.transfer.TokenBucket;
import java.util.function.BooleanSupplier;

/**
 * The one place the production storage stack is put together, as Kopia wraps its {@code repo/blob}
 * storage: throttling (the network, both directions) outside retrying outside the raw store.
 * Throttling is outermost so a retried call is charged once; retrying sits directly on the store so
 * every attempt sees the store's own classified errors.
 */
public final class StorageStack {
  private StorageStack() {}

  /**
   * @param raw the store (S3 or a folder)
   * @param retry the agent's retry policy
   * @param upload the run's upload bucket, or null for no limit
   * @param download the run's download bucket, or null for no limit
   * @param cancelled stops backoff waits when the run is cancelled
   */
  public static BlobStorage wrap(
      BlobStorage raw,
      RetryPolicy retry,
      TokenBucket upload,
      TokenBucket download,
      BooleanSupplier cancelled) {
    BlobStorage s = new RetryingBlobStorage(raw, retry, cancelled);
    if (upload != null || download != null) {
      s = new ThrottlingBlobStorage(s, upload, download);
    }
    return s;
  }

  /** The stack with one byte rate for each direction ({@code <= 0}: unlimited). */
  public static BlobStorage wrap(
      BlobStorage raw, RetryPolicy retry, long bytesPerSecond, BooleanSupplier cancelled) {
    return wrap(
        raw,
        retry,
        TokenBucket.of(bytesPerSecond, cancelled),
        TokenBucket.of(bytesPerSecond, cancelled),
        cancelled);
  }
}
