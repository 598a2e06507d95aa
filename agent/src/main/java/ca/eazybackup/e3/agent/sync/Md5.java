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

  /** Combines the per-part MD5s of a multipart upload into its ETag ({@code hex-N}). */
  static String multipartEtag(java.util.List<byte[]> partMd5s) {
    MessageDigest all = digest();
    partMd5s.forEach(all::update);
    return hex(all.digest()) + "-" + partMd5s.size();
  }

  /**
   * Computes {@link Sums} incrementally, e.g. while a download is written to disk. Either sum can
   * be switched off (it is then null): a download needs only the one its ETag can be checked
   * against, and each MD5 costs a full pass of CPU over the bytes.
   */
  static final class Running {
    private final long partSize;
    private final MessageDigest whole;
    private final MessageDigest part;
    private final MessageDigest parts;
    private long inPart;
    private int count;

    Running(long partSize) {
      this(partSize, true, true);
    }

    Running(long partSize, boolean wantWhole, boolean wantParts) {
      this.partSize = partSize;
      this.whole = wantWhole ? digest() : null;
      this.part = wantParts ? digest() : null;
      this.parts = wantParts ? digest() : null;
    }

    void update(byte[] buf, int off, int len) {
      if (part == null) {
        if (whole != null) {
          whole.update(buf, off, len);
        }
        return;
      }
      int end = off + len;
      while (off < end) {
        int take = (int) Math.min(end - off, partSize - inPart);
        if (whole != null) {
          whole.update(buf, off, take);
        }
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
      String multipart = null;
      if (parts != null) {
        if (inPart > 0 || count == 0) {
          parts.update(part.digest());
          count++;
        }
        multipart = hex(parts.digest()) + "-" + count;
      }
      return new Sums(whole == null ? null : hex(whole.digest()), multipart);
    }
  }
}
