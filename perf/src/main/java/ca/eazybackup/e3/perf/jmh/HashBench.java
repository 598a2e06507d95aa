package ca.eazybackup.e3.perf.jmh;

import ca.eazybackup.e3.agent.backup.hashing.HashFunction;
import ca.eazybackup.e3.agent.backup.hashing.Hashing;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The content hash of one 1 MiB chunk: HMAC-SHA256-128 (new repositories) and BLAKE2B-256-128
 * (Kopia's default, for repositories Kopia made).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HashBench {
  public static final int BYTES = 1 << 20;

  @Param({"HMAC-SHA256-128", "BLAKE2B-256-128"})
  public String hash;

  private HashFunction fn;
  private byte[] data;

  @Setup
  public void setUp() {
    fn = Hashing.create(hash, new byte[32]);
    data = Data.mixed(BYTES, 2);
  }

  @Benchmark
  public byte[] hashChunk() {
    return fn.hash(data, 0, data.length);
  }
}
