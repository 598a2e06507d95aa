package ca.eazybackup.e3.perf.jmh;

import java.util.SplittableRandom;

/**
 * Benchmark input: deterministic bytes that compress about as well as the mixed dataset's files
 * (half random, half runs of text), so that zstd and the content store see realistic work.
 */
final class Data {
  private Data() {}

  static byte[] mixed(int size, long seed) {
    byte[] b = new byte[size];
    SplittableRandom r = new SplittableRandom(seed);
    byte[] text = "the quick brown fox jumps over the lazy dog 0123456789 ".getBytes();
    int i = 0;
    while (i < size) {
      int run = Math.min(size - i, 256 + r.nextInt(3840));
      if (r.nextBoolean()) {
        for (int j = 0; j < run; j++) {
          b[i + j] = (byte) r.nextInt(256);
        }
      } else {
        for (int j = 0; j < run; j++) {
          b[i + j] = text[(i + j) % text.length];
        }
      }
      i += run;
    }
    return b;
  }
}
