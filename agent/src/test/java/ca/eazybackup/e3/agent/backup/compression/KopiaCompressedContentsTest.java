package ca.eazybackup.e3.agent.backup.compression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Contents compressed the way Kopia's s2 and lz4 compressors do, by the Go libraries Kopia uses
 * (tools/kopia-compression-vectors), decode to the original bytes.
 */
class KopiaCompressedContentsTest {

  /** The generator's data, byte for byte: repetitive lines, then incompressible bytes. */
  static byte[] original() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i < 60_000; i++) {
      b.writeBytes(
          ((i % 1000) + " the quick brown fox jumps over the lazy dog\n")
              .getBytes(StandardCharsets.US_ASCII));
    }
    int x = 12345;
    for (int i = 0; i < 20_000; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      b.write(x & 0xff);
    }
    return b.toByteArray();
  }

  static byte[] vector(String name) throws IOException {
    try (InputStream in =
        KopiaCompressedContentsTest.class.getResourceAsStream(
            "/kopia-compression/" + name + ".bin")) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"s2-default", "s2-better", "s2-parallel-4", "lz4"})
  void aContentKopiaCompressedDecodesToTheOriginalBytes(String name) throws Exception {
    byte[] original = original();
    assertThat(original).hasSize(2_893_400);
    byte[] z = vector(name);

    assertThat(Compressors.decompress(z, 0, z.length)).isEqualTo(original);
    Compressor c = Compressors.byHeaderId(Compressors.headerId(name));
    assertThat(c.decompress(z, 0, z.length, original.length)).isEqualTo(original);
    // at an offset inside a larger buffer, as a pack read hands it over
    byte[] padded = new byte[z.length + 7];
    System.arraycopy(z, 0, padded, 3, z.length);
    assertThat(Compressors.decompress(padded, 3, z.length)).isEqualTo(original);
  }

  @Test
  void aSmallS2ContentOfOneBlockDecodes() throws Exception {
    byte[] z = vector("s2-default-small");
    assertThat(Compressors.decompress(z, 0, z.length)).isEqualTo(Arrays.copyOf(original(), 5000));
  }

  @Test
  void aFlippedByteIsAnErrorNotWrongData() throws Exception {
    for (String name : new String[] {"s2-default", "lz4"}) {
      byte[] z = vector(name);
      z[z.length / 2] ^= 0x40;
      assertThatThrownBy(() -> Compressors.decompress(z, 0, z.length))
          .as(name)
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void s2RepeatOffsetsFollowTheExtendedLengthTable() throws Exception {
    // literal "abcd", copy offset 4 length 4 (tag 01: len-4=0, offset 4), then S2 repeats of the
    // last offset, lengths per the README's table: code 0 → 4, code 5 → 8 + next byte (18),
    // code 6 → 260 + 2 bytes LE (261), code 7 → 65540 + 3 bytes LE (65542)
    int total = 4 + 4 + 4 + 18 + 261 + 65_542;
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    writeUvarint(block, total);
    block.write(3 << 2); // literal of 4
    block.writeBytes("abcd".getBytes(StandardCharsets.US_ASCII));
    block.write(0b000_000_01);
    block.write(4);
    block.write(0b000_000_01); // repeat, 4
    block.write(0);
    block.write(0b000_101_01); // repeat, 4 + byte
    block.write(0);
    block.write(10);
    block.write(0b000_110_01); // repeat, 256 + u16
    block.write(0);
    block.write(1);
    block.write(0);
    block.write(0b000_111_01); // repeat, 65536 + u24
    block.write(0);
    block.write(2);
    block.write(0);
    block.write(0);
    byte[] b = block.toByteArray();

    byte[] expected = new byte[total];
    for (int i = 0; i < total; i++) {
      expected[i] = (byte) ('a' + i % 4);
    }
    assertThat(S2Stream.decodeBlock(b, 0, b.length)).isEqualTo(expected);

    // framed as an s2 stream with its checksum, behind Kopia's s2-better header
    ByteArrayOutputStream s = new ByteArrayOutputStream();
    s.writeBytes(new byte[] {0, 0, 0x12, 0x01});
    chunk(s, 0xff, "S2sTwO".getBytes(StandardCharsets.US_ASCII));
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int crc = S2Stream.maskedCrc(expected);
    body.writeBytes(
        new byte[] {(byte) crc, (byte) (crc >> 8), (byte) (crc >> 16), (byte) (crc >> 24)});
    body.writeBytes(b);
    chunk(s, 0x00, body.toByteArray());
    chunk(s, 0xfe, new byte[9]); // padding, skipped
    byte[] stream = s.toByteArray();
    assertThat(Compressors.decompress(stream, 0, stream.length)).isEqualTo(expected);
  }

  @Test
  void aRepeatBeforeAnyCopyIsCorrupt() {
    byte[] b = {8, 3 << 2, 'a', 'b', 'c', 'd', 0b000_000_01, 0};
    assertThatThrownBy(() -> S2Stream.decodeBlock(b, 0, b.length))
        .hasMessageContaining("corrupt s2");
  }

  @Test
  void s2AndLz4AreReadButNotWritten() {
    for (String name : new String[] {"s2-default", "s2-better", "lz4"}) {
      assertThat(Compressors.canWrite(name)).as(name).isFalse();
      assertThatThrownBy(() -> Compressors.byName(name))
          .isInstanceOf(UnsupportedCompressorException.class)
          .hasMessageContaining("only reads it");
    }
    assertThat(Compressors.canWrite("zstd")).isTrue();
  }

  private static void chunk(ByteArrayOutputStream s, int type, byte[] body) {
    s.write(type);
    s.write(body.length);
    s.write(body.length >> 8);
    s.write(body.length >> 16);
    s.writeBytes(body);
  }

  private static void writeUvarint(ByteArrayOutputStream b, int v) {
    while (v >= 0x80) {
      b.write(v & 0x7f | 0x80);
      v >>>= 7;
    }
    b.write(v);
  }
}
