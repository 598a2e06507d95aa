package ca.eazybackup.e3.agent.backup.blob;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Writes the blobs Kopia locks ({@link BlobRetention#isLocked}) with the repository's object lock
 * retention, as Kopia's {@code WrapLockingStorage} does once {@code kopia.blobcfg} names one; every
 * other call passes through. A delete of a locked blob is sent as usual: on a bucket with object
 * lock it only adds a delete marker, and the locked version stays until its retention ends.
 */
public final class LockingBlobStorage implements BlobStorage {
  private final BlobStorage inner;
  private final BlobRetention retention;

  public LockingBlobStorage(BlobStorage inner, BlobRetention retention) {
    this.inner = inner;
    this.retention = retention;
  }

  public BlobRetention retention() {
    return retention;
  }

  @Override
  public byte[] get(String blobId, long offset, long length) throws IOException {
    return inner.get(blobId, offset, length);
  }

  @Override
  public void put(String blobId, byte[] data) throws IOException {
    if (BlobRetention.isLocked(blobId)) {
      inner.put(blobId, data, retention);
    } else {
      inner.put(blobId, data);
    }
  }

  @Override
  public void put(String blobId, byte[] data, BlobRetention r) throws IOException {
    inner.put(blobId, data, r);
  }

  @Override
  public void extendRetention(String blobId, BlobRetention r) throws IOException {
    inner.extendRetention(blobId, r);
  }

  @Override
  public void checkObjectLock() throws IOException {
    inner.checkObjectLock();
  }

  @Override
  public void delete(String blobId) throws IOException {
    inner.delete(blobId);
  }

  @Override
  public void list(String prefix, Consumer<BlobMetadata> each) throws IOException {
    inner.list(prefix, each);
  }

  @Override
  public Optional<BlobMetadata> stat(String blobId) throws IOException {
    return inner.stat(blobId);
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
