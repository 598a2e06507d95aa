package ca.eazybackup.e3.agent.backup.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.agent.backup.index.ContentId;
import ca.eazybackup.e3.agent.backup.snapshot.DirEntry;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManifest;
import ca.eazybackup.e3.agent.backup.testing.MemoryContentStore;
import ca.eazybackup.e3.agent.backup.testing.TestRepo;
import ca.eazybackup.e3.agent.backup.testing.Trees;
import ca.eazybackup.e3.agent.engine.Cancellation;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestorerTest {
  private static final Instant T = Instant.parse("2024-05-06T07:08:09Z");

  @TempDir Path tmp;
  private final MemoryContentStore store = new MemoryContentStore();
  private Path src;
  private TestRepo repo;
  private String manifestId;

  @BeforeEach
  void backupASampleTree() throws Exception {
    src = tmp.resolve("src");
    Trees.sample(src, 3_000_000);
    Trees.file(src.resolve("docs/old.txt"), "snapshot copy".getBytes(), T);
    repo = new TestRepo(store, tmp.resolve("spill"), src.toString());
    manifestId = repo.backup(src).manifestId();
  }

  private RestoreResult restore(Path out, List<String> paths, OverwriteMode mode, boolean delete)
      throws Exception {
    return repo.restore(manifestId, out, paths, mode, delete);
  }

  /** A copy of the tree at {@code out} whose docs/old.txt differs from the snapshot's. */
  private Path restoredWithEditedFile(Instant editedMtime, String editedContent) throws Exception {
    Path out = tmp.resolve("out");
    restore(out, List.of(), OverwriteMode.ALWAYS, false);
    Trees.file(out.resolve("docs/old.txt"), editedContent.getBytes(), editedMtime);
    return out;
  }

  private static String read(Path p) throws Exception {
    return Files.readString(p);
  }

  @Test
  void wholeRestoreIsByteIdenticalAcrossManySmallBatches() throws Exception {
    SnapshotManifest m = repo.snapshots().load(manifestId).orElseThrow();
    Path out = tmp.resolve("out");
    // Batches of 3 chunks: the multi-chunk file and the 30 small files span many batches.
    try (Restorer r = new Restorer(repo.objects(), repo.progress, new Cancellation(), 4, 3)) {
      RestoreResult res = r.restore(m.rootEntry(), out, List.of(), OverwriteMode.ALWAYS, false);
      assertThat(res.files()).isEqualTo(36);
      assertThat(res.bytes()).isEqualTo(m.rootEntry().summary().size());
    }
    assertThat(Trees.describe(out)).isEqualTo(Trees.describe(src));
    try (Stream<Path> s = Files.walk(out)) {
      assertThat(s.filter(p -> p.getFileName().toString().contains(".e3restore-"))).isEmpty();
    }
  }

  @Test
  void restoringOverAnExistingTreeReadsEachTargetFilesAttributesOnce() throws Exception {
    SnapshotManifest m = repo.snapshots().load(manifestId).orElseThrow();
    Path out = restoredWithEditedFile(T.plusSeconds(60), "edited");
    Files.delete(out.resolve("a.txt"));
    try (Restorer r = new Restorer(repo.objects(), repo.progress, new Cancellation(), 2)) {
      RestoreResult res = r.restore(m.rootEntry(), out, List.of(), OverwriteMode.IF_CHANGED, false);
      assertThat(res.files()).isEqualTo(2); // the edited and the deleted file
      assertThat(res.skippedExisting()).isEqualTo(34);
      assertThat(r.attributeReads.get()).isEqualTo(36);
    }
    assertThat(Trees.describe(out)).isEqualTo(Trees.describe(src));
  }

  @Test
  void permissionsAreRestoredWhetherOrNotTheyAreANewFilesDefault() throws Exception {
    Assumptions.assumeTrue(
        FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    Path modes = tmp.resolve("modes");
    Map<String, String> perms =
        Map.of("plain.txt", "rw-r--r--", "run.sh", "rwxr-xr-x", "secret.txt", "rw-------");
    for (Map.Entry<String, String> e : perms.entrySet()) {
      Trees.file(modes.resolve(e.getKey()), e.getKey().getBytes(), T);
      Files.setPosixFilePermissions(
          modes.resolve(e.getKey()), PosixFilePermissions.fromString(e.getValue()));
    }
    TestRepo r =
        new TestRepo(new MemoryContentStore(), tmp.resolve("spill-modes"), modes.toString());
    String id = r.backup(modes).manifestId();
    Path out = tmp.resolve("modes-out");
    r.restore(id, out, List.of(), OverwriteMode.ALWAYS, false);
    for (Map.Entry<String, String> e : perms.entrySet()) {
      assertThat(
              PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve(e.getKey()))))
          .as(e.getKey())
          .isEqualTo(e.getValue());
    }
  }

  @Test
  void selectedPathsRestoreOnlyThoseFilesAndFolders() throws Exception {
    Path out = tmp.resolve("part");
    RestoreResult res =
        restore(out, List.of("docs/deep", "/many/f7.txt", "a.txt"), OverwriteMode.ALWAYS, false);
    Map<String, String> got = Trees.describe(out);
    Map<String, String> all = Trees.describe(src);
    assertThat(got.keySet())
        .containsExactlyInAnyOrder(
            "/",
            "a.txt",
            "docs/",
            "docs/deep/",
            "docs/deep/x/",
            "docs/deep/x/y/",
            "docs/deep/x/y/z.dat",
            "many/",
            "many/f7.txt");
    for (String file : List.of("a.txt", "docs/deep/x/y/z.dat", "many/f7.txt")) {
      assertThat(got.get(file)).isEqualTo(all.get(file));
    }
    assertThat(res.files()).isEqualTo(3);
  }

  @Test
  void aPathThatLeavesTheSnapshotIsRefused() {
    assertThatThrownBy(
            () -> restore(tmp.resolve("x"), List.of("docs/../../etc"), OverwriteMode.ALWAYS, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leaves the snapshot");
  }

  @Test
  void alwaysReplacesAnExistingFile() throws Exception {
    Path out = restoredWithEditedFile(T.plusSeconds(3600), "edited later");
    RestoreResult res = restore(out, List.of(), OverwriteMode.ALWAYS, false);
    assertThat(read(out.resolve("docs/old.txt"))).isEqualTo("snapshot copy");
    assertThat(Files.getLastModifiedTime(out.resolve("docs/old.txt")).toInstant()).isEqualTo(T);
    assertThat(res.skippedExisting()).isZero();
  }

  @Test
  void neverKeepsEveryExistingFileAndRestoresOnlyMissingOnes() throws Exception {
    Path out = restoredWithEditedFile(T.minusSeconds(3600), "edited");
    Files.delete(out.resolve("a.txt"));
    RestoreResult res = restore(out, List.of(), OverwriteMode.NEVER, false);
    assertThat(read(out.resolve("docs/old.txt"))).isEqualTo("edited");
    assertThat(read(out.resolve("a.txt"))).isEqualTo("alpha");
    assertThat(res.files()).isEqualTo(1);
    assertThat(res.skippedExisting()).isEqualTo(35);
  }

  @Test
  void ifNewerReplacesOnlyFilesOlderThanTheSnapshotCopy() throws Exception {
    Path out = restoredWithEditedFile(T.minusSeconds(3600), "older edit");
    restore(out, List.of(), OverwriteMode.IF_NEWER, false);
    assertThat(read(out.resolve("docs/old.txt"))).isEqualTo("snapshot copy");

    Trees.file(out.resolve("docs/old.txt"), "newer edit".getBytes(), T.plusSeconds(3600));
    RestoreResult res = restore(out, List.of(), OverwriteMode.IF_NEWER, false);
    assertThat(read(out.resolve("docs/old.txt"))).isEqualTo("newer edit");
    assertThat(res.files()).isZero();
  }

  @Test
  void ifChangedReplacesFilesWhoseSizeOrMtimeDifferAndSkipsTheRest() throws Exception {
    Path out = restoredWithEditedFile(T, "same mtime, other size");
    RestoreResult res = restore(out, List.of(), OverwriteMode.IF_CHANGED, false);
    assertThat(read(out.resolve("docs/old.txt"))).isEqualTo("snapshot copy");
    assertThat(res.files()).isEqualTo(1);
    assertThat(res.skippedExisting()).isEqualTo(35);

    Files.setLastModifiedTime(out.resolve("a.txt"), FileTime.from(T.plusSeconds(5)));
    res = restore(out, List.of(), OverwriteMode.IF_CHANGED, false);
    assertThat(Files.getLastModifiedTime(out.resolve("a.txt")).toInstant())
        .isEqualTo(Files.getLastModifiedTime(src.resolve("a.txt")).toInstant());
    assertThat(res.files()).isEqualTo(1);
  }

  @Test
  void deleteExtraRemovesWhatTheSnapshotDoesNotHaveOnlyWhenAsked() throws Exception {
    Path out = tmp.resolve("out");
    restore(out, List.of(), OverwriteMode.ALWAYS, false);
    Trees.file(out.resolve("docs/extra.txt"), "x".getBytes(), T);
    Trees.file(out.resolve("stray/dir/file.txt"), "y".getBytes(), T);

    restore(out, List.of(), OverwriteMode.IF_CHANGED, false);
    assertThat(out.resolve("docs/extra.txt")).exists();

    RestoreResult res = restore(out, List.of(), OverwriteMode.IF_CHANGED, true);
    assertThat(res.deletedExtra()).isEqualTo(2);
    assertThat(Trees.describe(out)).isEqualTo(Trees.describe(src));
  }

  @Test
  void deleteExtraWithASelectionTouchesOnlyTheSelectedFolder() throws Exception {
    Path out = tmp.resolve("out");
    restore(out, List.of(), OverwriteMode.ALWAYS, false);
    Trees.file(out.resolve("docs/extra.txt"), "x".getBytes(), T);
    Trees.file(out.resolve("many/extra.txt"), "y".getBytes(), T);
    restore(out, List.of("many"), OverwriteMode.IF_CHANGED, true);
    assertThat(out.resolve("many/extra.txt")).doesNotExist();
    assertThat(out.resolve("docs/extra.txt")).exists();
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {"C:x", "notes.txt:hidden", "CON", "nul.txt", "COM1", "trailing.", "x|y"})
  void aSnapshotEntryWithAWindowsIllegalNameIsRefusedNamingIt(String name) throws Exception {
    Path hostile = tmp.resolve("hostile");
    Trees.file(hostile.resolve("ok.txt"), "fine".getBytes(), T);
    Trees.file(hostile.resolve(name), "evil".getBytes(), T);
    TestRepo r = new TestRepo(new MemoryContentStore(), tmp.resolve("spill2"), hostile.toString());
    String id = r.backup(hostile).manifestId();
    Path out = tmp.resolve("hostile-out");

    assertThatThrownBy(() -> r.restore(id, out, List.of(), OverwriteMode.ALWAYS, false))
        .isInstanceOf(RestoreException.class)
        .hasMessageContaining("'" + name + "'");
    assertThat(out.resolve(name)).doesNotExist();
  }

  @Test
  void aSymlinkFoundWhereTheSnapshotHasAFolderIsReplacedNotWrittenThrough() throws Exception {
    Path out = tmp.resolve("out");
    restore(out, List.of(), OverwriteMode.ALWAYS, false);
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    try (Stream<Path> walk = Files.walk(out.resolve("docs"))) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    Files.createSymbolicLink(out.resolve("docs"), elsewhere);

    restore(out, List.of(), OverwriteMode.ALWAYS, false);

    assertThat(elsewhere).as("nothing written through the link").isEmptyDirectory();
    assertThat(Files.isSymbolicLink(out.resolve("docs"))).isFalse();
    assertThat(Trees.describe(out)).isEqualTo(Trees.describe(src));
    assertThat(repo.progress.events).anyMatch(e -> e.contains("KOPIA_RESTORE_LINK_REPLACED"));
  }

  @Test
  void deleteExtraOnADriveRootIsRefusedBeforeAnythingIsTouched() throws Exception {
    try (java.nio.file.FileSystem win =
        com.google.common.jimfs.Jimfs.newFileSystem(
            com.google.common.jimfs.Configuration.windows())) {
      Path root = win.getPath("C:\\");
      Path precious = Files.writeString(win.getPath("C:\\pagefile.sys"), "system");

      assertThatThrownBy(() -> restore(root, List.of(), OverwriteMode.ALWAYS, true))
          .isInstanceOf(RestoreException.class)
          .hasMessageContaining("root");
      assertThat(Files.readString(precious)).isEqualTo("system");
      try (Stream<Path> l = Files.list(root)) {
        // "work" is jimfs' working folder; nothing of the snapshot was written.
        assertThat(l.map(p -> p.getFileName().toString()))
            .containsExactlyInAnyOrder("pagefile.sys", "work");
      }
    }
  }

  @Test
  void aCorruptedContentFailsNamingTheFileAndLeavesNothingUnderItsName() throws Exception {
    SnapshotManifest m = repo.snapshots().load(manifestId).orElseThrow();
    DirEntry bigEntry;
    try (Restorer r = new Restorer(repo.objects(), repo.progress, new Cancellation(), 1)) {
      bigEntry = r.child(r.child(m.rootEntry(), "big"), "blob.bin");
    }
    List<ContentId> chunks = new ArrayList<>();
    repo.objects().chunks(bigEntry.obj(), bigEntry.size()).forEach(c -> chunks.add(c.content()));
    store.corrupt(chunks.get(chunks.size() - 1));
    Path out = tmp.resolve("out");
    assertThatThrownBy(() -> restore(out, List.of(), OverwriteMode.ALWAYS, false))
        .isInstanceOf(RestoreException.class)
        .hasMessageContaining("big/blob.bin");
    assertThat(out.resolve("big/blob.bin")).doesNotExist();
    try (Stream<Path> s = Files.walk(out)) {
      assertThat(s.filter(p -> p.getFileName().toString().contains(".e3restore-"))).isEmpty();
    }
  }

  @Test
  void overwriteRuleNamesParse() {
    assertThat(OverwriteMode.parse("if-newer")).isEqualTo(OverwriteMode.IF_NEWER);
    assertThat(OverwriteMode.parse("IF_CHANGED")).isEqualTo(OverwriteMode.IF_CHANGED);
    assertThat(OverwriteMode.parse("")).isEqualTo(OverwriteMode.IF_CHANGED);
    assertThat(OverwriteMode.parse("skip")).isEqualTo(OverwriteMode.NEVER);
    assertThat(OverwriteMode.parse("always")).isEqualTo(OverwriteMode.ALWAYS);
    assertThatThrownBy(() -> OverwriteMode.parse("sometimes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("if-newer");
  }
}
