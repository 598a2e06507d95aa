package ca.eazybackup.e3.agent.backup.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexBuilderTest {
  private static final HexFormat HEX = HexFormat.of();

  private static ContentInfo info(
      String id, String pack, long off, long packed, long orig, int comp, boolean del, long ts) {
    return new ContentInfo(
        new ContentId(id), pack, off, packed, orig, comp, del, Instant.ofEpochSecond(ts));
  }

  // Layout: kopia repo/content/index/index_v2.go (header 17 B, entries, packs 5 B, formats 6 B,
  // names; packs and formats numbered by first appearance in sorted order). Bytes derived by hand
  // from that layout.
  @Test
  void writesByteExactV2IndexForKnownEntries() {
    IndexBuilder b = new IndexBuilder();
    b.add(info("k00000000000000000000000000000002", "q2", 32, 38, 10, 0x1101, true, 1600000001));
    b.add(info("00000000000000000000000000000001", "p1", 32, 128, 100, 0, false, 1600000000));
    String expected =
        "02"
            + "11"
            + "0011"
            + "00000002"
            + "00000002"
            + "02"
            + "00000000"
            + "00"
            + "00000000000000000000000000000001"
            + "5f5e1000"
            + "00000020"
            + "000064"
            + "000080"
            + "0000"
            + "00"
            + "6b"
            + "00000000000000000000000000000002"
            + "5f5e1001"
            + "80000020"
            + "00000a"
            + "000026"
            + "0001"
            + "01"
            + "02"
            + "0000006b"
            + "02"
            + "0000006d"
            + "00000000"
            + "02"
            + "00"
            + "00001101"
            + "02"
            + "00"
            + HEX.formatHex("p1q2".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(HEX.formatHex(b.build(IndexBuilder.V2, 2))).isEqualTo(expected);
  }

  @Test
  void v2RoundTripsEveryField() throws Exception {
    IndexBuilder b = new IndexBuilder();
    List<ContentInfo> in = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String hash = String.format("%032x", i * 7919L);
      String id = (i % 3 == 0 ? "k" : i % 3 == 1 ? "" : "m") + hash;
      ContentInfo c =
          info(
              id,
              "p" + (i % 5) + "-s1",
              32 + i * 100L,
              128 + i,
              100 + i,
              i % 2 == 0 ? 0 : 0x1100,
              i % 7 == 0,
              1_700_000_000L + i);
      in.add(c);
      b.add(c);
    }
    PackIndex idx = PackIndexes.open(b.build(IndexBuilder.V2, 2));
    assertThat(idx.size()).isEqualTo(300);
    for (ContentInfo c : in) {
      assertThat(idx.get(c.id())).isEqualTo(c);
    }
    assertThat(idx.get(new ContentId("ffffffffffffffffffffffffffffffff"))).isNull();
    List<ContentId> order = new ArrayList<>();
    idx.forEach(c -> order.add(c.id()));
    assertThat(order).isSorted();
  }

  @Test
  void v2UsesWideEntriesForLongContentsAndManyPacks() throws Exception {
    IndexBuilder b = new IndexBuilder();
    ContentInfo big =
        info(
            "00000000000000000000000000000001",
            "p1",
            32,
            100_000_000,
            200_000_000,
            0x1100,
            false,
            1);
    b.add(big);
    byte[] data = b.build(IndexBuilder.V2, 2);
    assertThat(PackIndexes.u16(data, 2)).isEqualTo(19);
    assertThat(PackIndexes.open(data).get(big.id())).isEqualTo(big);

    IndexBuilder many = new IndexBuilder();
    for (int i = 0; i < 65_537; i++) {
      many.add(info(String.format("%032x", i), "p" + i, 0, 40, 12, 0, false, 5));
    }
    byte[] m = many.build(IndexBuilder.V2, 2);
    assertThat(PackIndexes.u16(m, 2)).isEqualTo(18);
    assertThat(PackIndexes.open(m).get(new ContentId(String.format("%032x", 65_536))).packBlobId())
        .isEqualTo("p65536");
  }

  // Layout: kopia repo/content/index/index_v1.go (8-byte header, 20-byte values, originalLength =
  // packed - 28)
  @Test
  void v1RoundTripsAndDerivesOriginalLengthFromOverhead() throws Exception {
    IndexBuilder b = new IndexBuilder();
    ContentInfo a =
        info(
            "00000000000000000000000000000009", "pabc", 4096, 1028, 1000, 0, false, 1_600_000_000L);
    ContentInfo d =
        info("k00000000000000000000000000000009", "qdef", 32, 60, 32, 0, true, 1_600_000_001L);
    b.add(a).add(d);
    byte[] data = b.build(IndexBuilder.V1, 1);
    assertThat(HEX.formatHex(data, 0, 8)).isEqualTo("0111001400000002");
    PackIndex idx = PackIndexes.open(data);
    assertThat(idx.get(a.id())).isEqualTo(a);
    assertThat(idx.get(d.id())).isEqualTo(d);
  }

  @Test
  void trailingRandomBytesOfLocalIndexesAreIgnored() throws Exception {
    IndexBuilder b = new IndexBuilder();
    ContentInfo a = info("00000000000000000000000000000009", "p1", 32, 40, 12, 0, false, 7);
    b.add(a);
    assertThat(PackIndexes.open(b.buildWithRandomSuffix(IndexBuilder.V2, 2)).get(a.id()))
        .isEqualTo(a);
  }

  // Merge rule: kopia repo/content/index/merged.go contentInfoGreaterThan
  @Test
  void newerEntryWinsThenLiveOverDeletedThenLargerPack() {
    ContentInfo old = info("00000000000000000000000000000001", "p1", 0, 40, 12, 0, false, 10);
    ContentInfo newerDeleted =
        info("00000000000000000000000000000001", "p1", 0, 40, 12, 0, true, 11);
    assertThat(IndexMerge.winner(old, newerDeleted)).isEqualTo(newerDeleted);
    ContentInfo sameTimeDeleted =
        info("00000000000000000000000000000001", "p9", 0, 40, 12, 0, true, 10);
    assertThat(IndexMerge.winner(sameTimeDeleted, old)).isEqualTo(old);
    ContentInfo otherPack = info("00000000000000000000000000000001", "p2", 0, 40, 12, 0, false, 10);
    assertThat(IndexMerge.winner(old, otherPack)).isEqualTo(otherPack);
  }

  @Test
  void rejectsGarbageAndEmptyV2() {
    assertThatThrownBy(() -> PackIndexes.open(new byte[] {9, 0, 0, 0, 0, 0, 0, 0}))
        .isInstanceOf(InvalidIndexException.class);
    assertThatThrownBy(() -> PackIndexes.open(HEX.parseHex("0211001100000009000000000100000000")))
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> new IndexBuilder().build(IndexBuilder.V2, 2))
        .hasMessageContaining("empty");
  }
}
