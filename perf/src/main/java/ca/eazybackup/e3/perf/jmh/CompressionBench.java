package ca.eazybackup.e3.perf.jmh;

import ca.eazybackup.e3.agent.backup.compression.Compressor;
import ca.eazybackup.e3.agent.backup.compression.Compressors;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** One 1 MiB chunk through the backup's compressor (zstd = level 3, the default) and back. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CompressionBench {
  public static final int BYTES = 1 << 20;

  @Param({"zstd", "zstd-fastest"})
  public String compressor;

  private Compressor c;
  private byte[] plain;
  private Compressor.Compressed packed;
  private byte[] out;

  @Setup
  public void setUp() throws IOException {
    c = Compressors.byName(compressor);
    plain = Data.mixed(BYTES, 4);
    packed = c.compressUntrimmed(plain, 0, plain.length);
    out = new byte[BYTES];
  }

  @Benchmark
  public Compressor.Compressed compress() throws IOException {
    return c.compressUntrimmed(plain, 0, plain.length);
  }

  @Benchmark
  public int decompress() throws IOException {
    int n = c.decompressInto(packed.buffer(), 0, packed.length(), out, 0, BYTES);
    if (n != BYTES) {
      throw new IOException("decompressed " + n + " bytes, want " + BYTES);
    }
    return n;
  }
}
