package ca.eazybackup.e3.s3fixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestTreeTest {
  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;

  @TempDir Path tmp;

  @Test
  void sameSeedGivesTheSameTreeAndADifferentSeedADifferentOne() {
    TreeManifest a = TestTree.generate(TreeSpec.small(), 42, tmp.resolve("a"));
    TreeManifest b = TestTree.generate(TreeSpec.small(), 42, tmp.resolve("b"));
    TreeManifest c = TestTree.generate(TreeSpec.small(), 43, tmp.resolve("c"));

    assertThat(a).isEqualTo(b);
    assertThat(a.verify(tmp.resolve("b")).none()).isTrue();
    assertThat(TreeManifest.scan(tmp.resolve("a"))).isEqualTo(a);
    assertThat(c.paths()).isEqualTo(a.paths());
    assertThat(a.compare(c).different()).isNotEmpty();
  }

  @Test
  void smallTreeHasNestingEmptyFilesAndAwkwardNamesUnderTwoMegabytes() {
    TreeManifest m = TestTree.generate(TreeSpec.small(), 7, tmp);

    assertThat(m.fileCount()).isBetween(20, 99);
    assertThat(m.totalBytes()).isLessThan(2_000_000);
    assertThat(m.paths())
        .contains(
            "symbols/a+b = c.txt",
            "Photos/été 2024/plage à Nice.jpg",
            "日本語フォルダ/ファイル名.txt",
            "Привет мир/файл с пробелами.txt",
            "deep/a/b/c/d/e/f/g/h/deep file.txt");
    assertThat(m.entries()).anyMatch(e -> e.size() == 0);
    assertThat(Files.isRegularFile(tmp.resolve("My Documents/Résumé final.txt"))).isTrue();
    assertThat(m.paths()).noneMatch(p -> p.matches(".*[<>:\"\\\\|?*].*"));
  }

  @Test
  void demoTreeIsAFewHundredFilesOfTwentyToFortyMegabytes() {
    List<TreeSpec.PlannedFile> plan = TreeSpec.demo().plan(1);
    long bytes = plan.stream().mapToLong(TreeSpec.PlannedFile::size).sum();

    assertThat(plan.size()).isBetween(150, 300);
    assertThat(bytes).isBetween(20_000_000L, 40_000_000L);
    assertThat(plan).anyMatch(f -> f.size() >= 8 * MIB);
  }

  @Test
  void peerBaselinePlanMatchesTheBenchmarkDataset() {
    List<TreeSpec.PlannedFile> plan = TreeSpec.peerBaseline().plan(42);
    Map<String, List<TreeSpec.PlannedFile>> byTop =
        plan.stream().collect(Collectors.groupingBy(f -> f.path().split("/")[0]));

    assertThat(plan).hasSize(20_052);
    assertThat(byTop.get("small"))
        .hasSize(20_000)
        .allMatch(f -> f.size() >= KIB && f.size() <= 16 * KIB);
    assertThat(plan.stream().filter(f -> f.path().startsWith("small/g0/")))
        .hasSize(2000)
        .allMatch(f -> f.path().split("/").length == 3);
    for (int g = 1; g <= 9; g++) {
      for (int s = 0; s <= 9; s++) {
        String dir = "small/g" + g + "/s" + s + "/";
        assertThat(plan.stream().filter(f -> f.path().startsWith(dir))).hasSize(200);
      }
    }
    assertThat(byTop.get("medium"))
        .hasSize(50)
        .allMatch(f -> f.size() >= MIB && f.size() <= 8 * MIB);
    assertThat(byTop.get("large"))
        .extracting(TreeSpec.PlannedFile::path, TreeSpec.PlannedFile::size)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("large/big0.bin", 200 * MIB),
            org.assertj.core.groups.Tuple.tuple("large/big1.bin", 200 * MIB));
    assertThat(plan).allMatch(f -> f.content() == TreeSpec.Content.MIXED);
    long total = plan.stream().mapToLong(TreeSpec.PlannedFile::size).sum();
    assertThat(total).isBetween(750_000_000L, 900_000_000L);
  }

  @Test
  void mixedContentIsHalfRandomHalfRepeatedTextPerBlock() {
    TreeContent content = new TreeContent(TreeSpec.Content.MIXED, 5);
    byte[] block = new byte[TreeContent.BLOCK];
    content.fill(block, block.length);
    String textHalf =
        new String(block, TreeContent.BLOCK / 2, 200, java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(textHalf).startsWith("The quick brown fox");
  }

  @Test
  void modifyOnePercentChangesEveryHundredthFileInPlace() {
    TreeManifest before = TestTree.generate(TreeSpec.manySmallFiles(1000), 3, tmp);

    List<String> changed = TestTree.modifyOnePercent(tmp, 9);

    TreeManifest.Differences diff = before.verify(tmp);
    assertThat(changed).hasSize(10).containsExactlyElementsOf(diff.different());
    assertThat(diff.missing()).isEmpty();
    assertThat(diff.extra()).isEmpty();
    assertThat(changed.get(0)).isEqualTo(before.paths().get(0));
    assertThat(TreeManifest.scan(tmp).totalBytes()).isEqualTo(before.totalBytes());
  }

  @Test
  void manySmallFilesAreSpreadOverFoldersOfAThousand() {
    TreeManifest m = TestTree.generate(TreeSpec.manySmallFiles(1200), 1, tmp);

    assertThat(m.fileCount()).isEqualTo(1200);
    assertThat(m.paths().stream().map(p -> p.substring(0, p.lastIndexOf('/'))).distinct())
        .hasSize(2);
    assertThat(m.entries()).allMatch(e -> e.size() >= 1 && e.size() <= 64);
  }

  @Test
  void verifyReportsMissingExtraAndChangedFiles() throws Exception {
    TreeManifest m = TestTree.generate(TreeSpec.small(), 11, tmp);
    Files.delete(tmp.resolve("docs/doc 00.txt"));
    Files.writeString(tmp.resolve("docs/new.txt"), "new");
    byte[] blob = Files.readAllBytes(tmp.resolve("data/nested/deeper/blob-3.bin"));
    blob[blob.length / 2] ^= 1;
    Files.write(tmp.resolve("data/nested/deeper/blob-3.bin"), blob);

    TreeManifest.Differences diff = m.verify(tmp);

    assertThat(diff.missing()).containsExactly("docs/doc 00.txt");
    assertThat(diff.extra()).containsExactly("docs/new.txt");
    assertThat(diff.different()).containsExactly("data/nested/deeper/blob-3.bin");
    assertThat(diff.summary()).contains("missing=1", "extra=1", "different=1");
  }

  @Test
  void refusesToGenerateIntoANonEmptyDirectory() throws Exception {
    Files.writeString(tmp.resolve("already.txt"), "x");
    assertThatThrownBy(() -> TestTree.generate(TreeSpec.small(), 1, tmp))
        .isInstanceOf(S3FixtureException.class)
        .hasMessageContaining("non-empty");
  }
}
