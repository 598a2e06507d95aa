package ca.eazybackup.e3.agent.backup.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * scrypt (RFC 7914) on the JDK's HMAC-SHA256 alone. Bouncy Castle's {@code SCrypt} did this before,
 * but its jar is signed: the first class a fresh JVM loads from it verifies the jar's signature
 * (~0.3 s of CPU on the bench machine) and class-data sharing never archives signed jars' classes,
 * so every cold run of the agent paid that before its first key. Kopia derives the format key with
 * scrypt N=65536, r=8, p=1; the RFC's test vectors check this class.
 */
final class Scrypt {
  private Scrypt() {}

  /** scrypt(password, salt, N, r, p, dkLen); N a power of two above 1. */
  static byte[] generate(byte[] password, byte[] salt, int n, int r, int p, int dkLen) {
    if (n < 2 || (n & (n - 1)) != 0) {
      throw new IllegalArgumentException("scrypt N must be a power of two above 1, got " + n);
    }
    if (r < 1 || p < 1 || dkLen < 1) {
      throw new IllegalArgumentException("scrypt r, p and length must be positive");
    }
    Mac mac = hmac(password);
    int blockInts = 32 * r; // 128 * r bytes
    byte[] b = pbkdf2(mac, salt, p * 128 * r);
    int[] x = new int[blockInts];
    int[] v = new int[n * blockInts];
    int[] scratch = new int[16];
    int[] y = new int[blockInts];
    for (int i = 0; i < p; i++) {
      int off = i * 128 * r;
      for (int k = 0; k < blockInts; k++) {
        x[k] = le32(b, off + 4 * k);
      }
      roMix(x, v, y, scratch, n, r);
      for (int k = 0; k < blockInts; k++) {
        putLe32(b, off + 4 * k, x[k]);
      }
    }
    Arrays.fill(v, 0);
    byte[] out = pbkdf2(mac, b, dkLen);
    Arrays.fill(b, (byte) 0);
    return out;
  }

  /** HMAC-SHA256 keyed by the password; an empty key is padded exactly as one zero byte is. */
  private static Mac hmac(byte[] password) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(password.length == 0 ? new byte[1] : password, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** PBKDF2-HMAC-SHA256 with one iteration, as scrypt uses it. */
  private static byte[] pbkdf2(Mac mac, byte[] salt, int length) {
    byte[] out = new byte[length];
    byte[] counter = new byte[4];
    for (int block = 1, pos = 0; pos < length; block++, pos += 32) {
      counter[0] = (byte) (block >>> 24);
      counter[1] = (byte) (block >>> 16);
      counter[2] = (byte) (block >>> 8);
      counter[3] = (byte) block;
      mac.update(salt);
      byte[] t = mac.doFinal(counter);
      System.arraycopy(t, 0, out, pos, Math.min(32, length - pos));
    }
    return out;
  }

  private static void roMix(int[] x, int[] v, int[] y, int[] scratch, int n, int r) {
    int blockInts = 32 * r;
    for (int i = 0; i < n; i++) {
      System.arraycopy(x, 0, v, i * blockInts, blockInts);
      blockMix(x, y, scratch, r);
    }
    int last = (2 * r - 1) * 16;
    for (int i = 0; i < n; i++) {
      int j = x[last] & (n - 1);
      int vj = j * blockInts;
      for (int k = 0; k < blockInts; k++) {
        x[k] ^= v[vj + k];
      }
      blockMix(x, y, scratch, r);
    }
  }

  /** BlockMix_salsa20/8 of b in place (y is scratch of the same size). */
  private static void blockMix(int[] b, int[] y, int[] x, int r) {
    System.arraycopy(b, (2 * r - 1) * 16, x, 0, 16);
    for (int i = 0; i < 2 * r; i++) {
      for (int k = 0; k < 16; k++) {
        x[k] ^= b[i * 16 + k];
      }
      salsa8(x);
      // even blocks to the first half, odd ones to the second
      System.arraycopy(x, 0, y, ((i & 1) * r + (i >> 1)) * 16, 16);
    }
    System.arraycopy(y, 0, b, 0, 32 * r);
  }

  private static void salsa8(int[] b) {
    int x0 = b[0], x1 = b[1], x2 = b[2], x3 = b[3];
    int x4 = b[4], x5 = b[5], x6 = b[6], x7 = b[7];
    int x8 = b[8], x9 = b[9], x10 = b[10], x11 = b[11];
    int x12 = b[12], x13 = b[13], x14 = b[14], x15 = b[15];
    for (int i = 0; i < 8; i += 2) {
      x4 ^= Integer.rotateLeft(x0 + x12, 7);
      x8 ^= Integer.rotateLeft(x4 + x0, 9);
      x12 ^= Integer.rotateLeft(x8 + x4, 13);
      x0 ^= Integer.rotateLeft(x12 + x8, 18);
      x9 ^= Integer.rotateLeft(x5 + x1, 7);
      x13 ^= Integer.rotateLeft(x9 + x5, 9);
      x1 ^= Integer.rotateLeft(x13 + x9, 13);
      x5 ^= Integer.rotateLeft(x1 + x13, 18);
      x14 ^= Integer.rotateLeft(x10 + x6, 7);
      x2 ^= Integer.rotateLeft(x14 + x10, 9);
      x6 ^= Integer.rotateLeft(x2 + x14, 13);
      x10 ^= Integer.rotateLeft(x6 + x2, 18);
      x3 ^= Integer.rotateLeft(x15 + x11, 7);
      x7 ^= Integer.rotateLeft(x3 + x15, 9);
      x11 ^= Integer.rotateLeft(x7 + x3, 13);
      x15 ^= Integer.rotateLeft(x11 + x7, 18);
      x1 ^= Integer.rotateLeft(x0 + x3, 7);
      x2 ^= Integer.rotateLeft(x1 + x0, 9);
      x3 ^= Integer.rotateLeft(x2 + x1, 13);
      x0 ^= Integer.rotateLeft(x3 + x2, 18);
      x6 ^= Integer.rotateLeft(x5 + x4, 7);
      x7 ^= Integer.rotateLeft(x6 + x5, 9);
      x4 ^= Integer.rotateLeft(x7 + x6, 13);
      x5 ^= Integer.rotateLeft(x4 + x7, 18);
      x11 ^= Integer.rotateLeft(x10 + x9, 7);
      x8 ^= Integer.rotateLeft(x11 + x10, 9);
      x9 ^= Integer.rotateLeft(x8 + x11, 13);
      x10 ^= Integer.rotateLeft(x9 + x8, 18);
      x12 ^= Integer.rotateLeft(x15 + x14, 7);
      x13 ^= Integer.rotateLeft(x12 + x15, 9);
      x14 ^= Integer.rotateLeft(x13 + x12, 13);
      x15 ^= Integer.rotateLeft(x14 + x13, 18);
    }
    b[0] += x0;
    b[1] += x1;
    b[2] += x2;
    b[3] += x3;
    b[4] += x4;
    b[5] += x5;
    b[6] += x6;
    b[7] += x7;
    b[8] += x8;
    b[9] += x9;
    b[10] += x10;
    b[11] += x11;
    b[12] += x12;
    b[13] += x13;
    b[14] += x14;
    b[15] += x15;
  }

  private static int le32(byte[] b, int off) {
    return (b[off] & 0xff)
        | (b[off + 1] & 0xff) << 8
        | (b[off + 2] & 0xff) << 16
        | (b[off + 3] & 0xff) << 24;
  }

  private static void putLe32(byte[] b, int off, int v) {
    b[off] = (byte) v;
    b[off + 1] = (byte) (v >>> 8);
    b[off + 2] = (byte) (v >>> 16);
    b[off + 3] = (byte) (v >>> 24);
  }
}
