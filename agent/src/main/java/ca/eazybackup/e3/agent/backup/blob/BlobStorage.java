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

  @Override
  void close() throws IOException;
}
