package ca.eazybackup.e3.agent.backup.hashing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.junit.jupiter.api.Test;

class Blake2bTest {
  private static byte[] ours(byte[] key, int size, byte[] data, int off, int len, int step) {
    Blake2b d = new Blake2b(key, size);
    for (int i = 0; i < len; i += step) {
      d.update(data, off + i, Math.min(step, len - i));
    }
    byte[] out = new byte[size];
    d.doFinal(out, 0);
    return out;
  }

  private static byte[] bouncyCastle(byte[] key, int size, byte[] data, int off, int len) {
    Blake2bDigest d = new Blake2bDigest(key, size, null, null);
    d.update(data, off, len);
    byte[] out = new byte[size];
    d.doFinal(out, 0);
    return out;
  }

  @Test
  void matchesRfc7693AppendixA() {
    byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
    assertThat(HexFormat.of().formatHex(ours(null, 64, abc, 0, 3, 3)))
        .isEqualTo(
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
                + "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
  }

  @Test
  void matchesBouncyCastleAtBlockBoundariesWithAndWithoutKeysInAnyUpdateSizes() {
    Random rnd = new Random(11);
    byte[] data = new byte[70_000];
    rnd.nextBytes(data);
    int[] lengths = {0, 1, 63, 127, 128, 129, 255, 256, 257, 1000, 4096, 65_537};
    for (int keyLen : new int[] {0, 1, 32, 64}) {
      byte[] key = new byte[keyLen];
      rnd.nextBytes(key);
      byte[] k = keyLen == 0 ? null : key;
      for (int len : lengths) {
        for (int step : new int[] {1, 7, 128, 1 << 20}) {
          if (step == 1 && len > 1000) {
            continue;
          }
          int off = rnd.nextInt(100);
          assertThat(ours(k, 32, data, off, len, step))
              .as("key %d, length %d, updates of %d", keyLen, len, step)
              .isEqualTo(bouncyCastle(k, 32, data, off, len));
        }
      }
    }
  }

  @Test
  void aDigestIsReusableAfterDoFinal() {
    byte[] data = "kopia".getBytes(StandardCharsets.US_ASCII);
    Blake2b d = new Blake2b(new byte[] {1, 2, 3}, 32);
    byte[] first = new byte[32];
    d.update(data, 0, data.length);
    d.doFinal(first, 0);
    byte[] second = new byte[32];
    d.update(data, 0, data.length);
    d.doFinal(second, 0);
    assertThat(second).isEqualTo(first);
  }
}
