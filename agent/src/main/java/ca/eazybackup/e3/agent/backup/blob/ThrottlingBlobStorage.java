package ca.eazybackup.e3.agent.backup.blob;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Limits upload and download bandwidth with token buckets (one per direction, a second's worth of
 * burst). A limit of 0 or less means unlimited.
 */
public final class ThrottlingBlobStorage implements BlobStorage {
  private final BlobStorage inner;
  private final TokenBucket upload;
  private final TokenBucket download;

  public ThrottlingBlobStorage(
      BlobStorage inner, long uploadBytesPerSecond, long downloadBytesPerSecond) {
    this(inner, uploadBytesPerSecond, downloadBytesPerSecond, Sleeper.REAL, System::nanoTime);
  }

  public ThrottlingBlobStorage(
      BlobStorage inner, long up, long down, Sleeper sleeper, LongSupplier nanoClock) {
    this.inner = inner;
    this.upload = up > 0 ? new TokenBucket(up, sleeper, nanoClock) : null;
    this.download = down > 0 ? new TokenBucket(down, sleeper, nanoClock) : null;
  }

  /** Token bucket: callers take tokens, waiting (outside the lock) when the bucket is short. */
  static final class TokenBucket {
    private final long rate;
    private final Sleeper sleeper;
    private final LongSupplier clock;
    private double tokens;
    private long last;

    TokenBucket(long rate, Sleeper sleeper, LongSupplier clock) {
      this.rate = rate;
      this.sleeper = sleeper;
      this.clock = clock;
      this.tokens = rate;
      this.last = clock.getAsLong();
    }

    void take(long n) throws InterruptedIOException {
      long waitNanos;
      synchronized (this) {
        long now = clock.getAsLong();
        tokens = Math.min(rate, tokens + (double) (now - last) * rate / 1e9);
        last = now;
        tokens -= n; // may go negative: the debt is paid by waiting
        waitNanos = tokens >= 0 ? 0 : (long) (-tokens * 1e9 / rate);
      }
      if (waitNanos > 0) {
        try {
          sleeper.sleep(Duration.ofNanos(waitNanos));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while throttling");
        }
      }
    }
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
}
