package ca.eazybackup.e3.agent.backup.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.agent.backup.restore.OverwriteMode;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManifest;
import ca.eazybackup.e3.agent.backup.testing.MemoryContentStore;
import ca.eazybackup.e3.agent.backup.testing.TestRepo;
import ca.eazybackup.e3.agent.backup.testing.Trees;
import ca.eazybackup.e3.agent.engine.Cancellation;
import ca.eazybackup.e3.agent.engine.RunCancelledException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploaderTest {
  @TempDir Path tmp;
  private final MemoryContentStore store = new MemoryContentStore();

  private TestRepo repo(Path src) {
    return new TestRepo(store, tmp.resolve("spill"), src.toString());
  }

  @Test
  void backupThenRestoreIsByteIdenticalWithMtimes() throws Exception {
    Path src = tmp.resolve("src");
    Trees.sample(src, 3_500_000);
    Files.createSymbolicLink(src.resolve("link"), Path.of("a.txt"));
    TestRepo repo = repo(src);
    var result = repo.backup(src);
    SnapshotManifest m = result.manifest();
    assertThat(m.isComplete()).isTrue();
    assertThat(m.stats().fileCount()).isEqualTo(35);
    assertThat(m.rootEntry().summary().files()).isEqualTo(35);
    assertThat(m.rootEntry().summary().symlinks()).isEqualTo(1);
    assertThat(repo.snapshots().load(result.manifestId())).isPresent();
    Path out = tmp.resolve("out");
    repo.restore(result.manifestId(), out, List.of(), OverwriteMode.ALWAYS, false);
    assertThat(Trees.describe(out)).isEqualTo(Trees.describe(src));
  }

  @Test
  void unchangedFilesAreNotReadAgain() throws Exception {
    Path src = tmp.resolve("src");
    Trees.sample(src, 2_000_000);
    TestRepo repo = repo(src);
    repo.backup(src);
    Trees.file(
        src.resolve("docs/readme.md"),
        "# changed readme\n".getBytes(),
        Instant.parse("2025-01-01T00:00:00Z"));
    var second = repo.backup(src);
    assertThat(second.bytesHashed()).isEqualTo("# changed readme\n".length());
    assertThat(second.manifest().stats().cachedFiles()).isEqualTo(34);
    assertThat(second.manifest().stats().nonCachedFiles()).isEqualTo(1);
    long writesBefore = store.writes.get();
    var third = repo.backup(src);
    assertThat(third.bytesHashed()).isZero();
    assertThat(third.manifest().rootEntry().obj()).isEqualTo(second.manifest().rootEntry().obj());
    // unchanged directories keep their previous object without being written again: the only
    // content written is the snapshot manifest
    assertThat(third.manifest().stats().dirCount()).isGreaterThan(2);
    assertThat(store.writes.get() - writesBefore).isEqualTo(1);
    assertThat(repo.snapshots().list(repo.source)).hasSize(3);
  }

  @Test
  void hugeFlatFolderSpillsToDiskAndStaysInKopiaOrder() throws Exception {
    Path src = tmp.resolve("src");
    Random r = new Random(3);
    for (int i = 0; i < 300; i++) {
      Trees.file(
          src.resolve("flat/n" + r.nextInt(1_000_000) + "-" + i),
          ("v" + i).getBytes(),
          Instant.ofEpochSecond(1_700_000_000L + i));
    }
    Files.createDirectories(src.resolve("flat/zz-dir"));
    TestRepo repo = repo(src);
    repo.spillThreshold = 16;
    var result = repo.backup(src);
    assertThat(result.manifest().stats().fileCount()).isEqualTo(300);
    var again = repo.backup(src);
    assertThat(again.bytesHashed()).isZero();
    Path out = tmp.resolve("out");
    repo.restore(again.manifestId(), out, List.of(), OverwriteMode.ALWAYS, false);
    assertThat(Trees.describe(out)).isEqualTo(Trees.describe(src));
    assertThat(Files.list(tmp.resolve("spill")).count()).isZero();
  }

  @Test
  void checkpointsAreSavedDuringTheRunAndRemovedAfterSuccess() throws Exception {
    Path src = tmp.resolve("src");
    Trees.sample(src, 100_000);
    TestRepo repo = repo(src);
    repo.checkpointInterval = Duration.ZERO;
    var result = repo.backup(src);
    assertThat(result.checkpoints()).isGreaterThan(5);
    assertThat(repo.snapshots().list(repo.source))
        .extracting(SnapshotManifest::id)
        .containsExactly(result.manifestId());
  }

  @Test
  void cancelledRunLeavesACheckpointThatTheNextRunReuses() throws Exception {
    Path src = tmp.resolve("src");
    Trees.sample(src, 100_000);
    for (int i = 0; i < 40; i++) {
      Trees.file(
          src.resolve("zlast/f" + i),
          Trees.random(10_000, i),
          Instant.ofEpochSecond(1_600_000_000L));
    }
    TestRepo repo = repo(src);
    Cancellation cancel = new Cancellation();
    repo.parallelism = 1;
    repo.progress.onItemDone =
        n -> {
          if (n == 20) {
            cancel.cancel("test cancel");
          }
        };
    assertThatThrownBy(() -> repo.backup(src, cancel)).isInstanceOf(RunCancelledException.class);
    List<SnapshotManifest> snaps = repo.snapshots().list(repo.source);
    assertThat(snaps).hasSize(1);
    assertThat(snaps.get(0).incomplete()).isEqualTo(SnapshotManifest.CANCELED);
    long filesInCheckpoint = snaps.get(0).rootEntry().summary().files();
    assertThat(filesInCheckpoint).isPositive();
    var next = repo.backup(src);
    assertThat(next.manifest().stats().cachedFiles()).isGreaterThanOrEqualTo(filesInCheckpoint);
    Path out = tmp.resolve("out");
    repo.restore(next.manifestId(), out, List.of(), OverwriteMode.ALWAYS, false);
    assertThat(Trees.describe(out)).isEqualTo(Trees.describe(src));
  }

  @Test
  void unreadableSourceFolderFailsClearlyAndWritesNoManifest() {
    TestRepo repo = repo(tmp.resolve("missing"));
    assertThatThrownBy(() -> repo.backup(tmp.resolve("missing"))).hasMessageContaining("missing");
    assertThat(store.countWithPrefix("m")).isZero();
  }
}
