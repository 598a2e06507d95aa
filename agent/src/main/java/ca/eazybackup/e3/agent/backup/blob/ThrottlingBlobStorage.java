package ca.eazybackup.e3.agent.backup.blob;

import ca.eazybackup.e3.agent.transfer.TokenBucket;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Limits the network, both directions: a put takes its bytes from the upload bucket before it is
 * sent, a get pays for what it received from the download bucket. The buckets are the agent's one
 * {@link TokenBucket}, shared by every thread of a run; null means unlimited.
 */
public final class ThrottlingBlobStorage implements BlobStorage {
  private final BlobStorage inner;
  private final TokenBucket upload;
  private final TokenBucket download;

  public ThrottlingBlobStorage(BlobStorage inner, TokenBucket upload, TokenBucket download) {
    this.inner = inner;
    this.upload = upload;
    this.download = download;
  }

  @Override
  public byte[] get(String blobId, long offset, long length) throws IOException {
    byte[] b = inner.get(blobId, offset, length);
    if (download != null) {
      download.take(b.length);
    }
    return b;
  }

  @Override
  public void put(String blobId, byte[] data) throws IOException {
    if (upload != null) {
      upload.take(data.length);
    }
    inner.put(blobId, data);
  }

  @Override
  public void put(String blobId, byte[] data, BlobRetention retention) throws IOException {
    if (upload != null) {
      upload.take(data.length);
    }
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
