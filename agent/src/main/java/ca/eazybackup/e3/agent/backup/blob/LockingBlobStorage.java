package ca.eazybackup.e3.agent.backup.blob;

import java.io.IOException;

/**
 * Writes the blobs Kopia locks ({@link BlobRetention#isLocked}) with the repository's object lock
 * retention, as Kopia's {@code WrapLockingStorage} does once {@code kopia.blobcfg} names one; every
 * other call passes through. A delete of a locked blob is sent as usual: on a bucket with object
 * lock it only adds a delete marker, and the locked version stays until its retention ends.
 */
public final class LockingBlobStorage extends ForwardingBlobStorage {
  private final BlobRetention retention;

  public LockingBlobStorage(BlobStorage inner, BlobRetention retention) {
    super(inner);
    this.retention = retention;
  }

  public BlobRetention retention() {
    return retention;
  }

  @Override
  public void put(String blobId, byte[] data) throws IOException {
    if (BlobRetention.isLocked(blobId)) {
      inner.put(blobId, data, retention);
    } else {
      inner.put(blobId, data);
    }
  }
}
