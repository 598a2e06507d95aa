package ca.eazybackup.e3.agent.backup.blob;

import ca.eazybackup.e3.agent.transfer.RetryPolicy;
import java.io.IOException;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Retries whole storage calls by the agent's {@link RetryPolicy}: what the S3 client's own request
 * retries cannot see (a body cut short mid-read, a failure the client already gave up on within the
 * window) is tried again; a missing blob, refused credentials or a missing bucket fail at once.
 * Listing is retried as a whole (callbacks may see an entry twice).
 */
public final class RetryingBlobStorage implements BlobStorage {
  private final BlobStorage inner;
  private final RetryPolicy policy;
  private final BooleanSupplier cancelled;

  public RetryingBlobStorage(BlobStorage inner, RetryPolicy policy, BooleanSupplier cancelled) {
    this.inner = inner;
    this.policy = policy;
    this.cancelled = cancelled;
  }

  @Override
  public byte[] get(String blobId, long offset, long length) throws IOException {
    return policy.run("get " + blobId, () -> inner.get(blobId, offset, length), cancelled);
  }

  @Override
  public void put(String blobId, byte[] data) throws IOException {
    policy.run(
        "put " + blobId,
        () -> {
          inner.put(blobId, data);
          return null;
        },
        cancelled);
  }

  @Override
  public void put(String blobId, byte[] data, BlobRetention retention) throws IOException {
    policy.run(
        "put " + blobId,
        () -> {
          inner.put(blobId, data, retention);
          return null;
        },
        cancelled);
  }

  @Override
  public void extendRetention(String blobId, BlobRetention retention) throws IOException {
    policy.run(
        "extend retention " + blobId,
        () -> {
          inner.extendRetention(blobId, retention);
          return null;
        },
        cancelled);
  }

  @Override
  public void checkObjectLock() throws IOException {
    policy.run(
        "check object lock",
        () -> {
          inner.checkObjectLock();
          return null;
        },
        cancelled);
  }

  @Override
  public void delete(String blobId) throws IOException {
    policy.run(
        "delete " + blobId,
        () -> {
          inner.delete(blobId);
          return null;
        },
        cancelled);
  }

  @Override
  public void list(String prefix, Consumer<BlobMetadata> each) throws IOException {
    policy.run(
        "list " + prefix,
        () -> {
          inner.list(prefix, each);
          return null;
        },
        cancelled);
  }

  @Override
  public Optional<BlobMetadata> stat(String blobId) throws IOException {
    return policy.run("stat " + blobId, () -> inner.stat(blobId), cancelled);
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }

  @Override
  public String toString() {
    return inner.toString();
  }
}
