package ca.eazybackup.e3.agent.backup.blob;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A flat key → bytes store, the whole storage abstraction of the repository (Kopia's
 * repo/blob/storage.go). S3 and filesystem implement it; retry, throttling, metrics and fault
 * injection are decorators, not flags.
 */
public interface BlobStorage extends AutoCloseable {

  /** Reads {@code length} bytes from {@code offset}; {@code length < 0} reads to the end. */
  byte[] get(String blobId, long offset, long length) throws IOException;

  /** Writes the whole blob; visible to readers only once complete. */
  void put(String blobId, byte[] data) throws IOException;

  /** Deletes; no error when absent. */
  void delete(String blobId) throws IOException;

  /** Lists blobs whose id starts with {@code prefix}. */
  void list(String prefix, Consumer<BlobMetadata> each) throws IOException;

  Optional<BlobMetadata> stat(String blobId) throws IOException;

  /**
   * Writes the whole blob locked by S3 Object Lock until {@code retention} ends (Kopia's {@code
   * PutOptions.RetentionMode/RetentionPeriod}). Stores without object lock refuse it.
   */
  default void put(String blobId, byte[] data, BlobRetention retention) throws IOException {
    if (retention == null) {
      put(blobId, data);
      return;
    }
    throw noObjectLock();
  }

  /** Moves an existing blob's lock to {@code retention} from now (Kopia's ExtendBlobRetention). */
  default void extendRetention(String blobId, BlobRetention retention) throws IOException {
    throw noObjectLock();
  }

  /**
   * Checks, before anything is written, that blobs can be locked here; fails with a message that
   * says what to do when they cannot (no object lock on this store or bucket).
   */
  default void checkObjectLock() throws IOException {
    throw noObjectLock();
  }

  private BlobStorageException noObjectLock() {
    return new BlobStorageException(
        "object lock was requested but " + this + " does not support it", null, false);
  }

  @Override
  void close() throws IOException;
}
