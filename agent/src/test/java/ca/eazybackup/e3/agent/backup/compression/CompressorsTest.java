package ca.eazybackup.e3.agent.backup.compression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompressorsTest {

  private static byte[] compressible() {
    StringBuilder sb = new StringBuilder();
    Random r = new Random(1);
    for (int i = 0; i < 5000; i++) {
      sb.append("line ").append(r.nextInt(100)).append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  // ids: kopia repo/compression/compression_ids.go
  @Test
  void headerIdsAreKopias() throws Exception {
    assertThat(Compressors.headerId("gzip")).isEqualTo(0x1000);
    assertThat(Compressors.headerId("zstd")).isEqualTo(0x1100);
    assertThat(Compressors.headerId("zstd-fastest")).isEqualTo(0x1101);
    assertThat(Compressors.headerId("zstd-best-compression")).isEqualTo(0x1103);
    assertThat(Compressors.headerId("s2-default")).isEqualTo(0x1200);
    assertThat(Compressors.headerId("pgzip")).isEqualTo(0x1300);
    assertThat(Compressors.headerId("lz4")).isEqualTo(0x1400);
    assertThat(Compressors.headerId("deflate-best-compression")).isEqualTo(0x1502);
    assertThat(Compressors.headerId("none")).isZero();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "gzip",
        "gzip-best-speed",
        "gzip-best-compression",
        "zstd",
        "zstd-fastest",
        "zstd-better-compression",
        "zstd-best-compression",
        "pgzip",
        "pgzip-best-speed",
        "pgzip-best-compression",
        "deflate-default",
        "deflate-best-speed",
        "deflate-best-compression"
      })
  void compressesWithFourByteHeaderAndRoundTrips(String name) throws Exception {
    byte[] data = compressible();
    Compressor c = Compressors.byName(name);
    byte[] z = c.compress(data, 0, data.length);
    assertThat(Compressors.readHeader(z, 0)).isEqualTo(Compressors.headerId(name));
    assertThat(z.length).isLessThan(data.length / 2);
    assertThat(Compressors.decompress(z, 0, z.length)).isEqualTo(data);
  }

  @ParameterizedTest
  @ValueSource(strings = {"zstd", "zstd-fastest", "gzip", "gzip-best-speed"})
  void decompressingToTheKnownLengthGivesTheSameBytesAndAWrongLengthFallsBack(String name)
      throws Exception {
    byte[] data = compressible();
    Compressor c = Compressors.byName(name);
    byte[] z = c.compress(data, 0, data.length);
    assertThat(c.decompress(z, 0, z.length, data.length)).isEqualTo(data);
    assertThat(c.decompress(z, 0, z.length, data.length - 1)).isEqualTo(data);
    assertThat(c.decompress(z, 0, z.length, data.length + 1)).isEqualTo(data);
    assertThat(c.decompress(z, 0, z.length, -1)).isEqualTo(data);
    Compressor.Compressed untrimmed = c.compressUntrimmed(data, 0, data.length);
    assertThat(java.util.Arrays.copyOf(untrimmed.buffer(), untrimmed.length())).isEqualTo(z);
  }

  /**
   * A reused scratch buffer (the content store's per-thread one) gives the same bytes as a fresh
   * array, over whatever an earlier content left in it; one too small is not written to.
   */
  @ParameterizedTest
  @ValueSource(strings = {"zstd", "zstd-fastest", "gzip"})
  void compressingIntoAScratchBufferGivesTheSameBytes(String name) throws Exception {
    Compressor c = Compressors.byName(name);
    byte[] data = compressible();
    byte[] z = c.compress(data, 0, data.length);
    int bound = c.maxCompressedLength(data.length);
    byte[] scratch = new byte[Math.max(bound, 16) + 100];
    java.util.Arrays.fill(scratch, (byte) 0x5a);
    Compressor.Compressed out = c.compressUntrimmed(data, 0, data.length, scratch);
    assertThat(java.util.Arrays.copyOf(out.buffer(), out.length())).isEqualTo(z);
    if (bound > 0) {
      assertThat(out.buffer()).isSameAs(scratch);
      byte[] small = new byte[8];
      Compressor.Compressed fresh = c.compressUntrimmed(data, 0, data.length, small);
      assertThat(fresh.buffer()).isNotSameAs(small);
      assertThat(small).containsOnly((byte) 0);
      assertThat(java.util.Arrays.copyOf(fresh.buffer(), fresh.length())).isEqualTo(z);
    }
  }

  @Test
  void knownLengthZstdDecodesAStreamedFrameWithoutContentSize() throws Exception {
    byte[] data = compressible();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(new byte[] {0, 0, 0x11, 0});
    try (com.github.luben.zstd.ZstdOutputStream z =
        new com.github.luben.zstd.ZstdOutputStream(out)) {
      z.write(data, 0, 1000);
      z.flush();
      z.write(data, 1000, data.length - 1000);
    }
    byte[] framed = out.toByteArray();
    assertThat(Compressors.byName("zstd").decompress(framed, 0, framed.length, data.length))
        .isEqualTo(data);
  }

  @Test
  void s2AndLz4AreKnownButRefusedForWritingClearly() {
    assertThatThrownBy(() -> Compressors.byName("s2-default"))
        .isInstanceOf(UnsupportedCompressorException.class)
        .hasMessageContaining("unsupported compressor s2-default");
    assertThatThrownBy(() -> Compressors.byName("lz4"))
        .hasMessageContaining("unsupported compressor lz4");
    assertThatThrownBy(() -> Compressors.byHeaderId(0x1999))
        .hasMessageContaining("unknown compression header id");
    assertThatThrownBy(() -> Compressors.byName("brotli"))
        .hasMessageContaining("unknown compressor");
  }

  @Test
  void wrongHeaderIsAnError() throws Exception {
    byte[] data = compressible();
    byte[] z = Compressors.byName("gzip").compress(data, 0, data.length);
    assertThatThrownBy(() -> Compressors.byName("zstd").decompress(z, 0, z.length))
        .hasMessageContaining("invalid compression header");
  }
}
