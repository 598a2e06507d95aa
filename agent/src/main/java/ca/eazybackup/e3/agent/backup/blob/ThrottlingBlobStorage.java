package ca.eazybackup.e3.agent.backup.blob;

import ca.eazybackup.e3.agent.transfer.TokenBucket;
import java.io.IOException;

/**
 * Limits the network, both directions: a put takes its bytes from the upload bucket before it is
 * sent, a get pays for what it received from the download bucket. The buckets are the agent's one
 * {@link TokenBucket}, shared by every thread of a run; null means unlimited.
 */
public final class ThrottlingBlobStorage extends ForwardingBlobStorage {
  private final TokenBucket upload;
  private final TokenBucket download;

  public ThrottlingBlobStorage(BlobStorage inner, TokenBucket upload, TokenBucket download) {
    super(inner);
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
}
