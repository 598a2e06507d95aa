package ca.eazybackup.e3.agent.backup.splitter;

/**
 * DYNAMIC-*-RABINKARP: the restic-style Rabin fingerprint of chmduquesne/rollinghash v4 over GF(2),
 * window 64, polynomial {@code RandomPolynomial(1)} = 0x2e3e3e4a305605.
 */
final class RabinKarp64Splitter extends RollingSplitter {
  static final long POLYNOMIAL = 0x2e3e3e4a305605L;
  private static final int DEGREE = degree(POLYNOMIAL);
  private static final int SHIFT = DEGREE - 8;
  private static final long[] OUT = new long[256];
  private static final long[] MOD = new long[256];

  static {
    for (int b = 0; b < 256; b++) {
      // OUT[b] = hash of b followed by WINDOW-1 zero bytes: XOR-ing it removes b from the window.
      long h = mod(b, POLYNOMIAL);
      for (int i = 0; i < WINDOW - 1; i++) {
        h = mod(h << 8, POLYNOMIAL);
      }
      OUT[b] = h;
      // MOD[b] reduces the 8 bits above the degree with one XOR.
      MOD[b] = mod((long) b << DEGREE, POLYNOMIAL) | ((long) b << DEGREE);
    }
  }

  private long value;

  RabinKarp64Splitter(int avgSize) {
    super(avgSize);
  }

  @Override
  void roll(int out, int in) {
    value ^= OUT[out];
    int index = (int) (value >>> SHIFT) & 0xff;
    value = ((value << 8) | in) ^ MOD[index];
  }

  @Override
  long sum() {
    return value;
  }

  static int degree(long p) {
    return 63 - Long.numberOfLeadingZeros(p);
  }

  static long mod(long x, long d) {
    int dd = degree(d);
    while (x != 0 && degree(x) >= dd) {
      x ^= d << (degree(x) - dd);
    }
    return x;
  }
}
