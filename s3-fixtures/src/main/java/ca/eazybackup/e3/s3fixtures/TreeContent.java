package ca.eazybackup.e3.s3fixtures;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Fills buffers with a file's deterministic bytes, block by block. */
final class TreeContent {
  static final int BLOCK = 64 * 1024;
  private static final int HALF = BLOCK / 2;
  private static final byte[][] WORDS = words();
  private static final byte[] REPEATED = repeatedText();

  private final TreeSpec.Content kind;
  private final SplittableRandom rng;
  private long position;

  TreeContent(TreeSpec.Content kind, long seed) {
    this.kind = kind;
    this.rng = new SplittableRandom(seed);
  }

  /**
   * Fills {@code buf[0..len)} with the next bytes. Callers pass whole {@link #BLOCK}s except at the
   * end of the file, so the bytes do not depend on the buffer size used.
   */
  void fill(byte[] buf, int len) {
    switch (kind) {
      case RANDOM:
        randomBytes(buf, 0, len);
        break;
      case TEXT:
        text(buf, len);
        break;
      case MIXED:
        int randomPart = Math.min(len, HALF);
        randomBytes(buf, 0, randomPart);
        if (len > HALF) {
          System.arraycopy(REPEATED, 0, buf, HALF, len - HALF);
        }
        break;
    }
    position += len;
  }

  private void randomBytes(byte[] buf, int from, int len) {
    int i = from;
    int end = from + len;
    while (i + 8 <= end) {
      long v = rng.nextLong();
      for (int k = 0; k < 8; k++) {
        buf[i++] = (byte) v;
        v >>>= 8;
      }
    }
    if (i < end) {
      long v = rng.nextLong();
      while (i < end) {
        buf[i++] = (byte) v;
        v >>>= 8;
      }
    }
  }

  /** Random words and line breaks; the text continues across blocks. */
  private void text(byte[] buf, int len) {
    int i = 0;
    while (i < len) {
      byte[] word = WORDS[rng.nextInt(WORDS.length)];
      for (int k = 0; k < word.length && i < len; k++) {
        buf[i++] = word[k];
      }
      if (i < len) {
        buf[i++] = rng.nextInt(12) == 0 ? (byte) '\n' : (byte) ' ';
      }
    }
  }

  long position() {
    return position;
  }

  private static byte[][] words() {
    String[] w =
        ("backup restore snapshot agent bucket object upload download policy retention schedule"
                + " volume drive folder file the a of and to in is for on with as by that this"
                + " from at be are was it or not data cloud storage encrypted compressed chunk"
                + " index manifest repository maintenance verify checksum network share sync"
                + " Montreal cafe naive 2024 2025 invoice report summary meeting notes draft")
            .split(" ");
    byte[][] out = new byte[w.length][];
    for (int i = 0; i < w.length; i++) {
      out[i] = w[i].getBytes(StandardCharsets.UTF_8);
    }
    return out;
  }

  private static byte[] repeatedText() {
    byte[] paragraph =
        ("The quick brown fox jumps over the lazy dog while the backup agent uploads every"
                + " changed block to the bucket, then verifies the snapshot and prunes old"
                + " packs according to the retention policy. ")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[HALF];
    for (int i = 0; i < out.length; i++) {
      out[i] = paragraph[i % paragraph.length];
    }
    return out;
  }
}
