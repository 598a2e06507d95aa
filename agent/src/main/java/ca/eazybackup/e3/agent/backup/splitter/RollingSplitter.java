package ca.eazybackup.e3.agent.backup.splitter;

/**
 * Kopia's content-defined rule over a 64-byte rolling window: cut after a byte once the chunk has
 * at least {@code min} bytes and {@code hash & (avg-1) == 0}, or when it reaches {@code max}. Bytes
 * of a chunk that are more than 64 bytes before {@code min} cannot influence any cut, so they are
 * skipped without hashing (the window only ever depends on its last 64 bytes).
 */
abstract class RollingSplitter implements Splitter {
  static final int WINDOW = 64;

  private final long mask;
  private final int minSize;
  private final int maxSize;
  final byte[] window = new byte[WINDOW];
  int oldest;
  private int count;

  RollingSplitter(int avgSize) {
    this.mask = avgSize - 1L;
    this.minSize = avgSize / 2;
    this.maxSize = avgSize * 2;
  }

  /** Rolls {@code out} out of the window and {@code in} into it; returns nothing. */
  abstract void roll(int out, int in);

  /** The current hash value, widened to a long without sign extension. */
  abstract long sum();

  private void rollIn(byte b) {
    int out = window[oldest] & 0xff;
    window[oldest] = b;
    oldest = (oldest + 1) & (WINDOW - 1);
    roll(out, b & 0xff);
  }

  @Override
  public final int nextSplitPoint(byte[] data, int off, int len) {
    int pos = 0;
    int skippable = minSize - count - 1;
    if (skippable > 0) {
      int fast = Math.min(skippable, len);
      for (int i = Math.max(0, fast - WINDOW); i < fast; i++) {
        rollIn(data[off + i]);
      }
      count += fast;
      pos = fast;
    }
    int checkable = Math.min(maxSize - count, len - pos);
    if (checkable > 0) {
      int cut = scan(data, off + pos, checkable, mask);
      if (cut >= 0) {
        count = 0;
        return pos + cut;
      }
      pos += checkable;
      count += checkable;
    }
    if (count >= maxSize) {
      count = 0;
      return pos;
    }
    return -1;
  }

  /**
   * Rolls in up to {@code n} bytes from {@code data[start]}, stopping after the first whose hash
   * satisfies {@code mask}; returns how many bytes that took, or -1 when all {@code n} were rolled
   * in without a cut. Subclasses may replace this byte-at-a-time loop with a faster one.
   */
  int scan(byte[] data, int start, int n, long mask) {
    for (int i = 0; i < n; i++) {
      rollIn(data[start + i]);
      if ((sum() & mask) == 0) {
        return i + 1;
      }
    }
    return -1;
  }

  /** After rolling in {@code data[start, start+n)}: the window holds its last 64 bytes. */
  final void advanceWindow(byte[] data, int start, int n) {
    if (n >= WINDOW) {
      System.arraycopy(data, start + n - WINDOW, window, 0, WINDOW);
      oldest = 0;
    } else {
      for (int i = 0; i < n; i++) {
        window[(oldest + i) & (WINDOW - 1)] = data[start + i];
      }
      oldest = (oldest + n) & (WINDOW - 1);
    }
  }

  @Override
  public final int maxSegmentSize() {
    return maxSize;
  }
}
