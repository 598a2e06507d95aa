package ca.eazybackup.e3.agent.backup.snapshot.diff;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.backup.snapshot.DirEntry;
import ca.eazybackup.e3.agent.backup.testing.MemoryContentStore;
import ca.eazybackup.e3.agent.backup.testing.TestRepo;
import ca.eazybackup.e3.s3fixtures.TestTree;
import ca.eazybackup.e3.s3fixtures.TreeManifest;
import ca.eazybackup.e3.s3fixtures.TreeSpec;
import ca.eazybackup.e3.s3fixtures.TreeSpec.Content;
import ca.eazybackup.e3.s3fixtures.TreeSpec.FileGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two snapshots of a generated tree with changes between them, compared by {@link SnapshotDiff} and
 * by brute force over the two source trees' manifests (SHA-256 of every file).
 */
class SnapshotDiffTest {
  @TempDir Path tmp;
  Path src;
  TestRepo repo;

  @BeforeEach
  void generate() {
    src = tmp.resolve("src");
    List<FileGroup> groups = new ArrayList<>();
    for (char c = 'a'; c <= 'j'; c++) {
      groups.add(
          FileGroup.numbered("stable/" + c + "/inner", "s%02d.txt", 15, 10, 4000, Content.TEXT));
    }
    groups.add(FileGroup.numbered("changing", "c%03d.bin", 150, 100, 20_000, Content.RANDOM));
    groups.add(FileGroup.numbered("gone/deep", "g%d.txt", 5, 10, 500, Content.TEXT));
    groups.add(FileGroup.named("", List.of("flip", "grow.txt", "drop.txt"), 50, 80, Content.TEXT));
    TestTree.generate(new TreeSpec("diff", groups), 99, src);
    repo = new TestRepo(new MemoryContentStore(), tmp.resolve("spill"), src.toString());
  }

  private DirEntry backup() throws Exception {
    return repo.backup(src).manifest().rootEntry();
  }

  private static void later(Path p) throws Exception {
    Files.setLastModifiedTime(p, FileTime.from(Instant.now().plusSeconds(60)));
  }

  @Test
  void addedRemovedAndModifiedEqualABruteForceComparisonOfTheSourceTrees() throws Exception {
    TreeManifest before = TreeManifest.scan(src);
    DirEntry first = backup();

    TestTree.modifyOnePercent(src.resolve("changing"), 5);
    Files.writeString(src.resolve("changing/new file.txt"), "new");
    Files.createDirectories(src.resolve("fresh/sub"));
    Files.writeString(src.resolve("fresh/sub/a.txt"), "fresh a");
    Files.writeString(src.resolve("fresh/b.txt"), "fresh b, longer");
    try (Stream<Path> gone = Files.walk(src.resolve("gone"))) {
      gone.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    Files.delete(src.resolve("drop.txt"));
    Files.delete(src.resolve("flip"));
    Files.createDirectories(src.resolve("flip"));
    Files.writeString(src.resolve("flip/inner.txt"), "now a folder");
    Files.writeString(src.resolve("grow.txt"), "grown ".repeat(100));
    later(src.resolve("grow.txt"));
    TreeManifest after = TreeManifest.scan(src);
    DirEntry second = backup();

    List<Change> changes = new ArrayList<>();
    DiffTotals totals = SnapshotDiff.compare(repo.objects(), first, second, changes::add);

    Set<String> expected = new TreeSet<>();
    long addedBytes = 0;
    long removedBytes = 0;
    for (TreeManifest.Entry e : after.entries()) {
      var old = before.entry(e.path());
      if (old.isEmpty()) {
        expected.add("added " + e.path() + " 0 " + e.size());
        addedBytes += e.size();
      } else if (!old.get().sha256().equals(e.sha256())) {
        expected.add("modified " + e.path() + " " + old.get().size() + " " + e.size());
      }
    }
    for (TreeManifest.Entry e : before.entries()) {
      if (after.entry(e.path()).isEmpty()) {
        expected.add("removed " + e.path() + " " + e.size() + " 0");
        removedBytes += e.size();
      }
    }
    Set<String> found = new TreeSet<>();
    for (Change c : changes) {
      if (!c.isFolder()) {
        found.add(c.kind().wireName() + " " + c.path() + " " + c.oldSize() + " " + c.newSize());
      }
    }
    assertThat(found).isEqualTo(expected);
    assertThat(expected).hasSizeGreaterThan(10);
    assertThat(totals.addedBytes()).isEqualTo(addedBytes);
    assertThat(totals.removedBytes()).isEqualTo(removedBytes);

    // folders added and removed are reported too, with their totals
    assertThat(changes)
        .filteredOn(Change::isFolder)
        .extracting(c -> c.kind().wireName() + " " + c.path() + " files=" + c.files())
        .containsExactlyInAnyOrder(
            "removed gone files=5",
            "removed gone/deep files=5",
            "added fresh files=2",
            "added fresh/sub files=1",
            "added flip files=1");
  }

  @Test
  void identicalSubtreesAreSkippedUnread() throws Exception {
    DirEntry first = backup();
    Files.writeString(src.resolve("changing/c000.bin"), "changed");
    later(src.resolve("changing/c000.bin"));
    DirEntry second = backup();

    List<Change> changes = new ArrayList<>();
    DiffTotals totals = SnapshotDiff.compare(repo.objects(), first, second, changes::add);

    assertThat(changes).extracting(Change::path).containsExactly("changing/c000.bin");
    // the roots and "changing" are read; "stable" and "gone" (with their 21 folders) are not
    assertThat(totals.directoriesRead()).isEqualTo(4);
    assertThat(totals.subtreesSkipped()).isEqualTo(2);
  }

  @Test
  void aSnapshotComparedWithItselfReadsNothing() throws Exception {
    DirEntry root = backup();
    List<Change> changes = new ArrayList<>();
    DiffTotals totals = SnapshotDiff.compare(repo.objects(), root, root, changes::add);
    assertThat(changes).isEmpty();
    assertThat(totals.identical()).isTrue();
    assertThat(totals.directoriesRead()).isZero();
  }
}
