package ca.eazybackup.e3.agent.backup.splitter;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** Kopia's splitter names (repo/splitter/splitter.go) and a fresh splitter per object. */
public final class Splitters {
  /** What new repositories use, as Kopia's DefaultAlgorithm. */
  public static final String DEFAULT = "DYNAMIC-4M-BUZHASH";

  private static final int MIB = 1 << 20;
  private static final Map<String, Supplier<Splitter>> BY_NAME = new TreeMap<>();

  static {
    for (int n : new int[] {1, 2, 4, 8}) {
      int size = n * MIB;
      BY_NAME.put("FIXED-" + n + "M", () -> new FixedSplitter(size));
      BY_NAME.put("DYNAMIC-" + n + "M-BUZHASH", () -> new Buzhash32Splitter(size));
      BY_NAME.put("DYNAMIC-" + n + "M-RABINKARP", () -> new RabinKarp64Splitter(size));
    }
    BY_NAME.put("FIXED", () -> new FixedSplitter(4 * MIB));
    BY_NAME.put("DYNAMIC", () -> new Buzhash32Splitter(4 * MIB));
  }

  private Splitters() {}

  /**
   * A factory of fresh splitters for {@code name}; an empty name means FIXED, as in Kopia.
   *
   * @throws IllegalArgumentException for a name Kopia does not define
   */
  public static Supplier<Splitter> factory(String name) {
    String key = name == null || name.isBlank() ? "FIXED" : name.toUpperCase(Locale.ROOT);
    Supplier<Splitter> f = BY_NAME.get(key);
    if (f == null) {
      throw new IllegalArgumentException(
          "unsupported splitter '" + name + "': expected one of " + BY_NAME.keySet());
    }
    return f;
  }

  /** Buzhash with any power-of-two average, for tests against Kopia's small-size vectors. */
  static Splitter buzhash(int avgSize) {
    return new Buzhash32Splitter(avgSize);
  }

  static Splitter rabinKarp(int avgSize) {
    return new RabinKarp64Splitter(avgSize);
  }

  static Splitter fixed(int size) {
    return new FixedSplitter(size);
  }
}
