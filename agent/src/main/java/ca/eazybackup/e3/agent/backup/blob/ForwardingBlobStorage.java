package ca.eazybackup.e3.agent.backup.blob;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A storage decorator's base: every call goes to {@code inner} unless the decorator overrides it,
 * so a decorator states only what it changes (object lock on some writes, reads fetched ahead,
 * bandwidth, injected faults).
 */
public abstract class ForwardingBlobStorage implements BlobStorage {
  protected final BlobStorage inner;

  protected ForwardingBlobStorage(BlobStorage inner) {
    this.inner = inner;
  }

  @Override
  public byte[] get(String blobId, long offset, long length) throws IOException {
    return inner.get(blobId, offset, length);
  }

  @Override
  public void put(String blobId, byte[] data) throws IOException {
    inner.put(blobId, data);
  }

  @Override
  public void put(String blobId, byte[] data, BlobRetention retention) throws IOException {
    inner.put(blobId, data, retention);
  }

  @Override
  public void extendRetention(String blobId, BlobRetention retention) throws IOException {
    inner.extendRetention(blobId, retention);
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
