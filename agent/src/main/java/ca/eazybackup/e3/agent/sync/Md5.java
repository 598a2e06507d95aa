package ca.eazybackup.e3.agent.sync;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/** MD5 helpers: S3's Content-MD5 (base64) and ETags (hex, {@code hex-N} for multipart). */
final class Md5 {
  private Md5() {}

  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no MD5", e);
    }
  }

  static byte[] of(byte[] data, int off, int len) {
    MessageDigest md = digest();
    md.update(data, off, len);
    return md.digest();
  }

  static String base64(byte[] md5) {
    return Base64.getEncoder().encodeToString(md5);
  }

  static String hex(byte[] md5) {
    return HexFormat.of().formatHex(md5);
  }

  /** Plain MD5 (hex) and the multipart ETag for {@code partSize}, from one read of the stream. */
  record Sums(String md5Hex, String multipartEtag) {}

  static Sums sums(InputStream in, long partSize) throws IOException {
    Running running = new Running(partSize);
    byte[] buf = new byte[1 << 16];
    int n;
    while ((n = in.read(buf)) > 0) {
      running.update(buf, 0, n);
    }
    return running.finish();
  }

  /** Computes {@link Sums} incrementally, e.g. while a download is written to disk. */
  static final class Running {
    private final long partSize;
    private final MessageDigest whole = digest();
    private final MessageDigest part = digest();
    private final MessageDigest parts = digest();
    private long inPart;
    private int count;

    Running(long partSize) {
      this.partSize = partSize;
    }

    void update(byte[] buf, int off, int len) {
      int end = off + len;
      while (off < end) {
        int take = (int) Math.min(end - off, partSize - inPart);
        whole.update(buf, off, take);
        part.update(buf, off, take);
        inPart += take;
        off += take;
        if (inPart == partSize) {
          parts.update(part.digest());
          count++;
          inPart = 0;
        }
      }
    }

    Sums finish() {
      if (inPart > 0 || count == 0) {
        parts.update(part.digest());
        count++;
      }
      return new Sums(hex(whole.digest()), hex(parts.digest()) + "-" + count);
    }
  }
}
