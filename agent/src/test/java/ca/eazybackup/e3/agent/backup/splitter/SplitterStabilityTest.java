package ca.eazybackup.e3.agent.backup.splitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Vectors from Kopia's repo/splitter/splitter_test.go (TestSplitterStability, v0.9.8): 5,000,000
 * bytes of Go math/rand seeded with 5, split by each algorithm; expected count/min/max per case.
 */
class SplitterStabilityTest {
  private static byte[] data;

  @BeforeAll
  static void generate() {
    data = new byte[5_000_000];
    new GoMathRand(5).read(data);
  }

  record Stats(int count, int min, int max) {}

  static Stats wholeBuffer(byte[] in, Splitter s) {
    int off = 0;
    int count = 0;
    int min = Integer.MAX_VALUE;
    int max = 0;
    while (off < in.length) {
      int n = s.nextSplitPoint(in, off, in.length - off);
      if (n < 0) {
        break;
      }
      count++;
      min = Math.min(min, n);
      max = Math.max(max, n);
      off += n;
    }
    return new Stats(count, min, max);
  }

  /** Feeds random-sized slices, as Kopia's getSplitPointsRandomSlices does. */
  static Stats randomSlices(byte[] in, Splitter s) {
    Random r = new Random(1);
    int off = 0;
    int chunkStart = 0;
    int count = 0;
    int min = Integer.MAX_VALUE;
    int max = 0;
    while (off < in.length) {
      int len = Math.min(in.length - off, 1 + r.nextInt(3 * s.maxSegmentSize()));
      int n = s.nextSplitPoint(in, off, len);
      if (n < 0) {
        off += len;
        continue;
      }
      off += n;
      int size = off - chunkStart;
      chunkStart = off;
      count++;
      min = Math.min(min, size);
      max = Math.max(max, size);
    }
    return new Stats(count, min, max);
  }

  @ParameterizedTest(name = "{0} avg {1}: {2} chunks, min {3}, max {4}")
  @CsvSource({
    "buzhash, 32, 124235, 16, 64",
    "buzhash, 1024, 3835, 512, 2048",
    "buzhash, 2048, 1924, 1024, 4096",
    "buzhash, 32768, 112, 16413, 65536",
    "buzhash, 65536, 57, 32932, 131072",
    "rabinkarp, 32, 124108, 16, 64",
    "rabinkarp, 1024, 3771, 512, 2048",
    "rabinkarp, 2048, 1887, 1028, 4096",
    "rabinkarp, 32768, 121, 16896, 65536",
    "rabinkarp, 65536, 53, 35875, 131072",
    "fixed, 1000, 5000, 1000, 1000",
    "fixed, 10000, 500, 10000, 10000"
  })
  void cutsKopiasStabilityInputExactlyAsKopiaDoes(
      String algo, int size, int count, int min, int max) {
    Supplier<Splitter> factory =
        switch (algo) {
          case "buzhash" -> () -> Splitters.buzhash(size);
          case "rabinkarp" -> () -> Splitters.rabinKarp(size);
          default -> () -> Splitters.fixed(size);
        };
    assertThat(factory.get().maxSegmentSize()).isEqualTo(max);
    assertThat(wholeBuffer(data, factory.get())).isEqualTo(new Stats(count, min, max));
    assertThat(randomSlices(data, factory.get())).isEqualTo(new Stats(count, min, max));
  }

  @Test
  void buzhashTableIsTheRollinghashLibrarysTable() throws Exception {
    ByteBuffer bb = ByteBuffer.allocate(1024);
    for (int v : Buzhash32Splitter.TABLE) {
      bb.putInt(v);
    }
    byte[] sha = MessageDigest.getInstance("SHA-256").digest(bb.array());
    assertThat(java.util.HexFormat.of().formatHex(sha))
        .isEqualTo("9f95254df5585a4957a754ceac4fba2a8af24ad015e84f56db59dfc1e218f6dd");
  }

  /** Computed vector (research/kopia-format.md §11): SHA-256 counter stream cut to 32 MiB. */
  @Test
  void cutsTheThirtyTwoMebibyteCounterStreamAtTheRecordedOffsets() throws Exception {
    byte[] in = new byte[32 << 20];
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (int i = 0, off = 0; off < in.length; i++, off += 32) {
      byte[] h = sha.digest(ByteBuffer.allocate(8).putLong(i).array());
      System.arraycopy(h, 0, in, off, Math.min(32, in.length - off));
    }
    Splitter s = Splitters.factory("DYNAMIC-4M-BUZHASH").get();
    List<Integer> chunks = new ArrayList<>();
    int off = 0;
    while (off < in.length) {
      int n = s.nextSplitPoint(in, off, in.length - off);
      if (n < 0) {
        chunks.add(in.length - off);
        break;
      }
      chunks.add(n);
      off += n;
    }
    assertThat(chunks)
        .containsExactly(7423781, 5669076, 4286232, 2887177, 8388608, 3750025, 1149533);
  }

  @Test
  void longZeroRunsCutAtTheMinimum() {
    Splitter s = Splitters.factory("DYNAMIC-1M-BUZHASH").get();
    byte[] zeros = new byte[3 << 20];
    assertThat(s.nextSplitPoint(zeros, 0, zeros.length)).isEqualTo(512 * 1024);
  }

  @Test
  void rejectsUnknownSplitterNamesAndMapsEmptyToFixed() {
    assertThat(Splitters.factory("").get().maxSegmentSize()).isEqualTo(4 << 20);
    assertThat(Splitters.factory("dynamic").get().maxSegmentSize()).isEqualTo(8 << 20);
    assertThatThrownBy(() -> Splitters.factory("DYNAMIC-3M-FOO"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported splitter");
  }
}
