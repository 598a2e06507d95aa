package ca.eazybackup.e3.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncBasicsTest {

  @Test
  void ordersKeysByCodePointLikeS3() {
    List<String> keys =
        new ArrayList<>(List.of("a/b", "a.txt", "a", "\uFFFD", "\uD83D\uDE00", "B"));
    keys.sort(KeyOrder.INSTANCE);
    assertThat(keys).containsExactly("B", "a", "a.txt", "a/b", "\uFFFD", "\uD83D\uDE00");
  }

  @Test
  void walksFilesInKeyOrderSoTheListingCanBeMerged(@TempDir Path dir) throws IOException {
    for (String f : List.of("a/b.txt", "a.txt", "a-/x", "ab", "z/y/x.bin", "A")) {
      Path p = dir.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, f);
    }
    List<String> walked = new ArrayList<>();
    new LocalWalk(SourceRoot.layout(List.of(dir.toString()), "pre/"), PathFilter.ALL, null)
        .forEachRemaining(f -> walked.add(f.key()));
    List<String> sorted = new ArrayList<>(walked);
    sorted.sort(KeyOrder.INSTANCE);
    assertThat(walked).hasSize(6).isEqualTo(sorted).first().isEqualTo("pre/A");
  }

  @Test
  void putsEachOfSeveralSourcesUnderItsOwnFolder() {
    List<SourceRoot> roots =
        SourceRoot.layout(List.of("/home/ann/Documents", "/srv/Photos", "/mnt/b/Documents"), "p/");
    assertThat(roots)
        .extracting(SourceRoot::keyPrefix)
        .containsExactly("p/Documents-2/", "p/Documents/", "p/Photos/");
    assertThat(SourceRoot.layout(List.of("/data"), "p/").get(0).keyPrefix()).isEqualTo("p/");
  }

  @Test
  void fetchesByPartsOnlyWhenTheMultipartEtagMatchesOurPartLayout() {
    long mib = SyncSettings.MIB;
    String hex = "0123456789abcdef0123456789abcdef";
    assertThat(
            RangedDownload.partsMatch(new RemoteObject("k", 200 * mib, hex + "-25", null), 8 * mib))
        .isTrue();
    assertThat(
            RangedDownload.partsMatch(new RemoteObject("k", 200 * mib, hex + "-40", null), 8 * mib))
        .as("uploaded with 5 MiB parts, e.g. by rclone")
        .isFalse();
    assertThat(RangedDownload.partsMatch(new RemoteObject("k", 200 * mib, hex, null), 8 * mib))
        .isFalse();
    assertThat(RangedDownload.partsMatch(new RemoteObject("k", 200 * mib, "x-25", null), 8 * mib))
        .isFalse();
  }

  @Test
  void combinesPartMd5sIntoTheMultipartEtag() {
    byte[] data = new byte[3 * 1024];
    new java.util.Random(3).nextBytes(data);
    Md5.Running running = new Md5.Running(1024);
    running.update(data, 0, data.length);
    List<byte[]> parts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      parts.add(Md5.of(data, i * 1024, 1024));
    }
    assertThat(Md5.multipartEtag(parts)).isEqualTo(running.finish().multipartEtag());
    assertThat(new Md5.Running(1024, false, true).finish().md5Hex()).isNull();
  }

  @Test
  void keepsMtimeAsRcloneWritesIt() {
    assertThat(MtimeMetadata.format(1_354_040_105_123_456_789L)).isEqualTo("1354040105.123456789");
    assertThat(MtimeMetadata.format(1_354_040_105_100_000_000L)).isEqualTo("1354040105.1");
    assertThat(MtimeMetadata.format(1_354_040_105_000_000_000L)).isEqualTo("1354040105");
    assertThat(MtimeMetadata.parse(Map.of("mtime", "1354040105.123456789")))
        .isEqualTo(1_354_040_105_123_456_789L);
    assertThat(MtimeMetadata.parse(Map.of("Mtime", "1354040105")))
        .isEqualTo(1_354_040_105_000_000_000L);
    assertThat(MtimeMetadata.parse(Map.of("mtime", "yesterday"))).isNull();
  }

  @Test
  void choosesPartSizesThatKeepEveryObjectUnderTenThousandParts() {
    SyncSettings s = settings(8);
    assertThat(s.partSizeFor(200 * SyncSettings.MIB)).isEqualTo(8 * SyncSettings.MIB);
    for (long size : new long[] {80_000 * SyncSettings.MIB, 5L << 40, 123_456_789_012L}) {
      long part = s.partSizeFor(size);
      assertThat(part).isGreaterThanOrEqualTo(5 * SyncSettings.MIB);
      assertThat((size + part - 1) / part).isLessThanOrEqualTo(10_000);
    }
  }

  @Test
  void normalizesThePrefixAndRefusesDotDot() {
    assertThat(SyncSettings.normalizePrefix("/a//b\\c/")).isEqualTo("a/b/c/");
    assertThat(SyncSettings.normalizePrefix("")).isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SyncSettings.normalizePrefix("a/../b"))
        .isInstanceOf(SyncException.class);
  }

  @Test
  void computesTheMultipartEtagS3Returns() throws IOException {
    byte[] data = new byte[(int) (11 * SyncSettings.MIB)];
    new java.util.Random(1).nextBytes(data);
    Md5.Sums sums = Md5.sums(new java.io.ByteArrayInputStream(data), 5 * SyncSettings.MIB);
    java.security.MessageDigest all = Md5.digest();
    for (int off = 0; off < data.length; off += (int) (5 * SyncSettings.MIB)) {
      all.update(Md5.of(data, off, (int) Math.min(5 * SyncSettings.MIB, data.length - off)));
    }
    assertThat(sums.multipartEtag()).isEqualTo(Md5.hex(all.digest()) + "-3");
    assertThat(sums.md5Hex()).isEqualTo(Md5.hex(Md5.of(data, 0, data.length)));
  }

  @Test
  void mapsEveryDocumentedOverwriteValue() {
    assertThat(OverwriteRule.parse("overwrite")).isEqualTo(OverwriteRule.ALWAYS);
    assertThat(OverwriteRule.parse("never")).isEqualTo(OverwriteRule.SKIP);
    assertThat(OverwriteRule.parse(null)).isEqualTo(OverwriteRule.IF_CHANGED);
    assertThat(OverwriteRule.parse("rename")).isEqualTo(OverwriteRule.RENAME);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> OverwriteRule.parse("merge"))
        .isInstanceOf(SyncException.class)
        .hasMessageContaining("if-newer");
  }

  private static SyncSettings settings(int partMib) {
    return new SyncSettings(
        new ca.eazybackup.e3.agent.s3.S3Target("http://x", null, "a", "b"),
        "b",
        "",
        false,
        List.of("/x"),
        PathFilter.ALL,
        false,
        false,
        16 * SyncSettings.MIB,
        partMib * SyncSettings.MIB,
        4,
        0,
        0,
        3,
        false);
  }
}
