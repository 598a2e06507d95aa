package ca.eazybackup.e3.perf.jmh;

import ca.eazybackup.e3.agent.backup.splitter.Splitter;
import ca.eazybackup.e3.agent.backup.splitter.Splitters;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The content-defined splitter over 16 MiB: the rolling hash every backed-up byte passes. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SplitterBench {
  /** Bytes per operation; perf/run's report turns the time per operation into MB/s. */
  public static final int BYTES = 16 << 20;

  @Param({"DYNAMIC-4M-BUZHASH", "DYNAMIC-4M-RABINKARP"})
  public String splitter;

  private byte[] data;

  @Setup
  public void setUp() {
    data = Data.mixed(BYTES, 1);
  }

  /** Returns the number of chunks, so the JIT cannot drop the work. */
  @Benchmark
  public int split() {
    Splitter s = Splitters.factory(splitter).get();
    int chunks = 0;
    int off = 0;
    while (off < data.length) {
      int n = s.nextSplitPoint(data, off, data.length - off);
      if (n < 0) {
        break;
      }
      off += n;
      chunks++;
    }
    return chunks;
  }
}
