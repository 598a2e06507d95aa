package ca.eazybackup.e3.agent.transfer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.function.BooleanSupplier;

/**
 * Meters a stream through a shared {@link TokenBucket} (if any) in slices of at most 64 KiB, and
 * stops with an {@link InterruptedIOException} as soon as the run is cancelled, which aborts the
 * HTTP request that reads it.
 */
public final class ThrottledInputStream extends FilterInputStream {
  private static final int SLICE = 64 * 1024;
  private final TokenBucket bucket;
  private final BooleanSupplier cancelled;

  public ThrottledInputStream(InputStream in, TokenBucket bucket, BooleanSupplier cancelled) {
    super(in);
    this.bucket = bucket;
    this.cancelled = cancelled;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (cancelled.getAsBoolean()) {
      throw new InterruptedIOException("transfer cancelled");
    }
    int n = super.read(b, off, Math.min(len, SLICE));
    if (n > 0 && bucket != null) {
      bucket.take(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    return super.skip(n);
  }
}
