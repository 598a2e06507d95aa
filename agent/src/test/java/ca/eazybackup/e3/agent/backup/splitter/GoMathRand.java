package ca.eazybackup.e3.agent.backup.splitter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Go's math/rand source (additive lagged Fibonacci, Mitchell &amp; Reeds) and Rand.Read, only to
 * regenerate the exact input Kopia's splitter tests use. The seeding constants come from
 * src/test/resources/kopia/go-rng-cooked.txt.
 */
final class GoMathRand {
  private static final int LEN = 607;
  private static final int TAP = 273;
  private static final long MASK = Long.MAX_VALUE;
  private static final int INT32MAX = Integer.MAX_VALUE;
  private final long[] vec = new long[LEN];
  private int tap;
  private int feed;
  private long readVal;
  private int readPos;

  GoMathRand(long seed) {
    long[] cooked = cooked();
    tap = 0;
    feed = LEN - TAP;
    seed = seed % INT32MAX;
    if (seed < 0) {
      seed += INT32MAX;
    }
    if (seed == 0) {
      seed = 89482311;
    }
    int x = (int) seed;
    for (int i = -20; i < LEN; i++) {
      x = seedrand(x);
      if (i >= 0) {
        long u = (long) x << 40;
        x = seedrand(x);
        u ^= (long) x << 20;
        x = seedrand(x);
        u ^= x;
        u ^= cooked[i];
        vec[i] = u;
      }
    }
  }

  private static int seedrand(int x) {
    int hi = x / 44488;
    int lo = x % 44488;
    x = 48271 * lo - 3399 * hi;
    if (x < 0) {
      x += INT32MAX;
    }
    return x;
  }

  long int63() {
    if (--tap < 0) {
      tap += LEN;
    }
    if (--feed < 0) {
      feed += LEN;
    }
    long x = vec[feed] + vec[tap];
    vec[feed] = x;
    return x & MASK;
  }

  /** Go's Rand.Read: 7 bytes of each Int63, low byte first. */
  void read(byte[] p) {
    for (int n = 0; n < p.length; n++) {
      if (readPos == 0) {
        readVal = int63();
        readPos = 7;
      }
      p[n] = (byte) readVal;
      readVal >>= 8;
      readPos--;
    }
  }

  private static long[] cooked() {
    try (InputStream in = GoMathRand.class.getResourceAsStream("/kopia/go-rng-cooked.txt")) {
      String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      long[] values =
          Arrays.stream(text.split("\n"))
              .filter(l -> !l.startsWith("#"))
              .flatMap(l -> Arrays.stream(l.trim().split("\\s+")))
              .filter(s -> !s.isEmpty())
              .mapToLong(Long::parseLong)
              .toArray();
      if (values.length != LEN) {
        throw new IllegalStateException("expected 607 cooked values, got " + values.length);
      }
      return values;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
