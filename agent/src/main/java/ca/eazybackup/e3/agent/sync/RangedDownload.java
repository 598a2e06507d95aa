package ca.eazybackup.e3.agent.sync;

import ca.eazybackup.e3.agent.progress.ProgressReporter;
import ca.eazybackup.e3.agent.transfer.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Downloads one large object with parallel ranged GETs into a preallocated file. The ranges are the
 * parts of our own multipart upload, so each range's MD5 is one part's and together they must give
 * the object's multipart ETag: the download is verified as it streams, with no second pass. A
 * failed range is fetched again on its own (up to the job's attempts per file).
 */
final class RangedDownload {
  private static final Logger log = LoggerFactory.getLogger(RangedDownload.class);

  private final S3Client s3;
  private final String bucket;
  private final Transfers transfers;
  private final ProgressReporter progress;
  private final int attempts;

  RangedDownload(
      S3Client s3,
      String bucket,
      Transfers transfers,
      ProgressReporter progress,
      int attemptsPerRange) {
    this.s3 = s3;
    this.bucket = bucket;
    this.transfers = transfers;
    this.progress = progress;
    this.attempts = attemptsPerRange;
  }

  /** The object's user metadata; the whole-object MD5 (hex) when it was computed. */
  record Result(Map<String, String> metadata, String md5Hex) {}

  /**
   * Whether {@code o}'s ETag is a multipart one with as many parts as our layout for its size
   * gives, so each range's MD5 is one part's.
   */
  static boolean partsMatch(RemoteObject o, long partSize) {
    int dash = o.etag().lastIndexOf('-');
    if (dash < 0 || !RemoteObject.isMd5Hex(o.etag().substring(0, dash))) {
      return false;
    }
    try {
      return Long.parseLong(o.etag().substring(dash + 1)) == (o.size() + partSize - 1) / partSize;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Fetches {@code o} into {@code temp}. When the ranges are the object's parts, the part MD5s are
   * checked against its multipart ETag; otherwise this thread hashes each range, in order, as soon
   * as it has landed (from the page cache, overlapping the later ranges' downloads), and the caller
   * checks the whole MD5 against a plain ETag or rclone's md5chksum.
   */
  Result fetch(RemoteObject o, Path temp, long partSize) throws IOException {
    int count = (int) ((o.size() + partSize - 1) / partSize);
    boolean byParts = partsMatch(o, partSize);
    AtomicReference<Map<String, String>> metadata = new AtomicReference<>();
    try (RandomAccessFile file = new RandomAccessFile(temp.toFile(), "rw")) {
      file.setLength(o.size());
      FileChannel channel = file.getChannel();
      List<Future<byte[]>> parts = new ArrayList<>(count);
      try {
        for (int i = 0; i < count; i++) {
          long from = i * partSize;
          long to = Math.min(o.size(), from + partSize) - 1;
          parts.add(transfers.parts.submit(() -> fetchRange(o, channel, from, to, metadata)));
        }
      } catch (RejectedExecutionException stopped) {
        parts.forEach(p -> p.cancel(true));
        throw new InterruptedIOException("restore cancelled");
      }
      List<byte[]> md5s = new ArrayList<>(count);
      MessageDigest whole = byParts ? null : Md5.digest();
      ByteBuffer buf = whole == null ? null : ByteBuffer.allocate(1 << 20);
      for (int i = 0; i < count; i++) {
        md5s.add(await(parts.get(i), parts));
        if (whole != null) {
          long from = i * partSize;
          hashBack(channel, from, Math.min(o.size(), from + partSize), whole, buf);
        }
      }
      if (byParts) {
        String etag = Md5.multipartEtag(md5s);
        if (!etag.equalsIgnoreCase(o.etag())) {
          throw new SyncRestore.VerifyException(
              o.key() + ": parts give ETag " + etag + ", S3 lists " + o.etag());
        }
        return new Result(metadata.get(), null);
      }
      return new Result(metadata.get(), Md5.hex(whole.digest()));
    }
  }

  private static void hashBack(
      FileChannel channel, long from, long end, MessageDigest md5, ByteBuffer buf)
      throws IOException {
    long pos = from;
    while (pos < end) {
      buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
      int n = channel.read(buf, pos);
      if (n < 0) {
        throw new SyncRestore.VerifyException("short read hashing back at " + pos);
      }
      md5.update(buf.array(), 0, n);
      pos += n;
    }
  }

  private static byte[] await(Future<byte[]> part, List<Future<byte[]>> all) throws IOException {
    try {
      return part.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      all.forEach(p -> p.cancel(true));
      throw new InterruptedIOException("restore cancelled");
    } catch (CancellationException e) {
      throw new InterruptedIOException("restore cancelled");
    } catch (ExecutionException e) {
      all.forEach(p -> p.cancel(true));
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof SdkException sdk) {
        throw sdk;
      }
      throw new IOException(e.getCause());
    }
  }

  private byte[] fetchRange(
      RemoteObject o,
      FileChannel channel,
      long from,
      long to,
      AtomicReference<Map<String, String>> metadata)
      throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return fetchRangeOnce(o, channel, from, to, metadata);
      } catch (SdkException | IOException e) {
        // A reset mid-body surfaces as a plain IOException; a cancel as an interrupt.
        if (attempt >= attempts
            || transfers.cancelled.getAsBoolean()
            || Thread.currentThread().isInterrupted()
            || e instanceof java.nio.channels.ClosedChannelException
            || !RetryPolicy.isRetriable(e)) {
          throw e;
        }
        log.info(
            "event=sync_restore_range_retry key={} range={}-{} attempt={} reason={}",
            o.key(),
            from,
            to,
            attempt,
            e.toString());
        RetryPolicy.DEFAULT.pause(attempt, transfers.cancelled);
      }
    }
  }

  private byte[] fetchRangeOnce(
      RemoteObject o,
      FileChannel channel,
      long from,
      long to,
      AtomicReference<Map<String, String>> metadata)
      throws IOException {
    MessageDigest md5 = Md5.digest();
    long position = from;
    try (ResponseInputStream<GetObjectResponse> body =
            s3.getObject(
                GetObjectRequest.builder()
                    .bucket(bucket)
                    .key(o.key())
                    .range("bytes=" + from + "-" + to)
                    .build());
        InputStream in = transfers.meterNetwork(body)) {
      metadata.compareAndSet(null, body.response().metadata());
      byte[] buf = new byte[1 << 17];
      ByteBuffer wrap = ByteBuffer.wrap(buf);
      int n;
      while ((n = in.read(buf)) > 0) {
        if (position + n > to + 1) {
          throw new SyncRestore.VerifyException(
              o.key() + ": range " + from + "-" + to + " ran long");
        }
        md5.update(buf, 0, n);
        wrap.clear().limit(n);
        while (wrap.hasRemaining()) {
          position += channel.write(wrap, position);
        }
        progress.bytesDone(n);
      }
    }
    if (position != to + 1) {
      throw new SyncRestore.VerifyException(
          o.key() + ": range " + from + "-" + to + " ended at " + position);
    }
    return md5.digest();
  }
}
