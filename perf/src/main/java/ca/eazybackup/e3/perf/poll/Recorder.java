package ca.eazybackup.e3.perf.poll;

import java.util.Arrays;

/**
 * Measured requests of one endpoint: latency from the due time (what an agent waits, the headline),
 * and its two parts — the client's own lag before the request went out (scheduler or connection
 * wait) and the time on the wire (request out → answer in).
 */
final class Recorder {
  private final String name;
  private final long measureFrom;
  private long[] total = new long[1 << 15];
  private long[] lag = new long[1 << 15];
  private long[] wire = new long[1 << 15];
  private long[] dueAt = new long[1 << 15];
  private int n;
  private long errors;

  Recorder(String name, long measureFrom) {
    this.name = name;
    this.measureFrom = measureFrom;
  }

  synchronized void add(Dispatcher.Timing t) {
    if (n == total.length) {
      total = Arrays.copyOf(total, n * 2);
      lag = Arrays.copyOf(lag, n * 2);
      wire = Arrays.copyOf(wire, n * 2);
      dueAt = Arrays.copyOf(dueAt, n * 2);
    }
    total[n] = t.answered() - t.due();
    lag[n] = Math.max(0, t.sent() - t.due());
    wire[n] = t.answered() - t.sent();
    dueAt[n] = t.due();
    n++;
  }

  synchronized void error() {
    errors++;
  }

  synchronized long count() {
    return n;
  }

  synchronized long errors() {
    return errors;
  }

  static String header() {
    return String.format(
        "%-28s %7s %7s %8s %8s | %8s %8s | %8s %6s",
        "endpoint (ms)", "p50", "p99", "p99.9", "max", "wire p99", "lag p99", "requests", "errors");
  }

  synchronized void print() {
    long[] s = sorted(total);
    System.out.printf(
        "%-28s %7.1f %7.1f %8.1f %8.1f | %8.1f %8.1f | %8d %6d%n",
        name,
        ms(percentile(s, 50)),
        ms(percentile(s, 99)),
        ms(percentile(s, 99.9)),
        ms(s.length == 0 ? -1 : s[s.length - 1]),
        ms(percentile(sorted(wire), 99)),
        ms(percentile(sorted(lag), 99)),
        n,
        errors);
  }

  /** Per second of the measured window: requests due and the worst latency, to spot stalls. */
  synchronized void printTimeline(int seconds) {
    long[] worst = new long[seconds];
    int[] count = new int[seconds];
    for (int i = 0; i < n; i++) {
      int sec = (int) ((dueAt[i] - measureFrom) / 1_000_000_000L);
      if (sec >= 0 && sec < seconds) {
        count[sec]++;
        worst[sec] = Math.max(worst[sec], total[i]);
      }
    }
    StringBuilder b = new StringBuilder(name + " worst ms per second:");
    for (int sec = 0; sec < seconds; sec++) {
      b.append(' ').append(Math.round(ms(worst[sec])));
    }
    System.out.println(b);
  }

  private long[] sorted(long[] a) {
    long[] s = Arrays.copyOf(a, n);
    Arrays.sort(s);
    return s;
  }

  /** Nearest-rank percentile; -1 without samples. */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return -1;
    }
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static double ms(long nanos) {
    return nanos < 0 ? Double.NaN : nanos / 1e6;
  }
}
