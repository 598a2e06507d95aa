package ca.eazybackup.e3.agent.backup.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.agent.backup.index.ContentInfo;
import ca.eazybackup.e3.agent.backup.repo.Repository;
import ca.eazybackup.e3.agent.backup.snapshot.SourceInfo;
import ca.eazybackup.e3.agent.backup.testing.Trees;
import ca.eazybackup.e3.agent.backup.upload.UploadResult;
import ca.eazybackup.e3.agent.backup.verify.VerifyReport;
import ca.eazybackup.e3.s3fixtures.S3Fixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Full maintenance against the real S3 test server, with Kopia's safety margins played out on a
 * test clock: what it reclaims, that a backup from another repository instance running through it
 * loses nothing, and that a run killed between any two phases leaves a repository verify accepts
 * and the next run completes.
 */
class FullMaintenanceSafetyTest {
  private static final Instant MTIME = Instant.parse("2025-06-01T00:00:00Z");
  private static S3Fixture s3;
  private static int buckets;

  @TempDir Path tmp;

  @BeforeAll
  static void startS3() {
    s3 = S3Fixture.start();
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.close();
    }
  }

  private SharedRepo newRepo() throws IOException {
    return new SharedRepo(s3, "maint-" + (++buckets) + "-" + System.nanoTime(), tmp.resolve("c"));
  }

  private static final SourceInfo SOURCE = new SourceInfo("host", "user", "/data");
  private static final SourceInfo OTHER = new SourceInfo("otherhost", "user", "/data");

  /** Two snapshots; the first holds gone.bin alone, both hold kept.bin. */
  private record Setup(UploadResult first, UploadResult second, byte[] gone, byte[] kept) {}

  private Setup twoSnapshots(SharedRepo repo, Path src) throws Exception {
    byte[] gone = Trees.random(600_000, 11);
    byte[] kept = Trees.random(300_000, 12);
    byte[] fresh = Trees.random(200_000, 13);
    Trees.file(src.resolve("gone.bin"), gone, MTIME);
    Trees.file(src.resolve("kept.bin"), kept, MTIME);
    UploadResult first;
    try (Repository r = repo.open()) {
      first = SharedRepo.backup(r, SOURCE, src, repo.clock);
    }
    repo.clock.advance(Duration.ofHours(1));
    Files.delete(src.resolve("gone.bin"));
    Trees.file(src.resolve("fresh.bin"), fresh, MTIME);
    UploadResult second;
    try (Repository r = repo.open()) {
      second = SharedRepo.backup(r, SOURCE, src, repo.clock);
      repo.clock.advance(Duration.ofHours(1));
      SharedRepo.deleteSnapshot(r, first.manifestId(), repo.clock);
    }
    return new Setup(first, second, gone, kept);
  }

  private void assertRestores(SharedRepo repo, String manifestId, Path src) throws Exception {
    Path out = tmp.resolve("out" + System.nanoTime());
    try (Repository r = repo.open()) {
      SharedRepo.restore(r, manifestId, out);
    }
    // one source folder is the snapshot root itself
    assertThat(Trees.describe(out)).isEqualTo(Trees.describe(src));
  }

  private static void assertClean(VerifyReport v) {
    assertThat(v.problems()).as(v.summary()).isEmpty();
    assertThat(v.ok()).isTrue();
  }

  /** Content ids in the index now (live ones). */
  private static Set<String> liveIds(SharedRepo repo) throws IOException {
    Set<String> ids = new HashSet<>();
    try (Repository r = repo.open()) {
      r.contents().list("", c -> ids.add(c.id().value()));
    }
    return ids;
  }

  /** GC, then GCs 5 h and 11 h later (two cycles 4 h apart), then a day on: everything swept. */
  private static final Duration[] CYCLE = {
    Duration.ofHours(24), Duration.ofHours(5), Duration.ofHours(6), Duration.ofHours(25)
  };

  @Test
  void fullMaintenanceReclaimsDeletedSnapshotsDataAndTheRestRestoresByteIdentical()
      throws Exception {
    SharedRepo repo = newRepo();
    Path src = tmp.resolve("src");
    Set<String> beforeFirst = liveIds(repo);
    Setup s = twoSnapshots(repo, src);
    long before = repo.packBytes();
    // contents only the deleted snapshot held: in the index after it, not reachable from the other
    Set<String> all = liveIds(repo);

    MaintenanceReport first = null;
    MaintenanceReport last = null;
    for (Duration step : CYCLE) {
      repo.clock.advance(step);
      last = repo.fullMaintenance(phase -> {});
      first = first == null ? last : first;
    }

    assertThat(first.contentsMarkedDeleted()).isPositive();
    assertThat(first.packsDeleted()).as("nothing swept within 24 h of the marks").isZero();
    assertThat(last.deletionWatermark()).isNotNull();
    Set<String> after = liveIds(repo);
    Set<String> dropped = new HashSet<>(all);
    dropped.removeAll(after);
    assertThat(dropped).isNotEmpty();
    assertThat(after).containsAll(beforeFirst);
    // gone.bin was 600 kB of random bytes; its pack went once its entries were dropped
    assertThat(repo.packBytes()).isLessThan(before - 500_000);
    try (Repository r = repo.open()) {
      for (String id : dropped) {
        ContentInfo e = r.contents().entry(new ca.eazybackup.e3.agent.backup.index.ContentId(id));
        assertThat(e).as("entry of %s is dropped", id).isNull();
      }
    }
    assertRestores(repo, s.second().manifestId(), src);
    assertClean(repo.verify());
  }

  /**
   * Where the other instance's backup commits its index and manifest: after snapshot GC marked what
   * it re-used, after the sweep, or only after maintenance ended.
   */
  enum Release {
    BEFORE_REWRITE(Maintenance.Phase.REWRITE_CONTENTS),
    BEFORE_SWEEP(Maintenance.Phase.DELETE_BLOBS),
    BEFORE_EPOCH_MAINTENANCE(Maintenance.Phase.EPOCH_MAINTENANCE),
    AFTER_MAINTENANCE(null);

    final Maintenance.Phase phase;

    Release(Maintenance.Phase phase) {
      this.phase = phase;
    }
  }

  @ParameterizedTest
  @EnumSource(Release.class)
  void aBackupFromAnotherInstanceRunningThroughFullMaintenanceLosesNothing(Release release)
      throws Exception {
    SharedRepo repo = newRepo();
    Path src = tmp.resolve("src");
    Setup s = twoSnapshots(repo, src);
    repo.clock.advance(Duration.ofHours(24)); // gone.bin's contents are now old enough for GC

    // The other agent backs up gone.bin again (deduplicated against the unreferenced contents
    // its index still shows live) and new data; it stops before its first index blob.
    Path other = tmp.resolve("other");
    Trees.file(other.resolve("gone-again.bin"), s.gone(), MTIME);
    Trees.file(other.resolve("new.bin"), Trees.random(400_000, 21), MTIME);
    CountDownLatch atIndex = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    Repository backupSide =
        repo.open(
            blobId -> {
              if (blobId.startsWith("x") && atIndex.getCount() > 0) {
                atIndex.countDown();
                await(go);
              }
            });
    CompletableFuture<UploadResult> backup =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return SharedRepo.backup(backupSide, OTHER, other, repo.clock);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(atIndex.await(60, TimeUnit.SECONDS)).as("backup reached its index write").isTrue();

    // A whole full run while the backup's packs are uploaded but not indexed: GC marks gone.bin's
    // contents (no snapshot it can see holds them) and short packs are rewritten.
    MaintenanceReport marking = repo.fullMaintenance(phase -> {});
    assertThat(marking.contentsMarkedDeleted())
        .as("GC marked gone.bin's contents, which the running backup re-used")
        .isPositive();
    assertThat(backup).isNotDone();
    // The next run (5 h on) sweeps; the backup commits its index and manifest at `release`.
    repo.clock.advance(Duration.ofHours(5));
    MaintenanceReport during =
        repo.fullMaintenance(
            phase -> {
              if (phase == release.phase) {
                go.countDown();
                join(backup);
              }
            });
    go.countDown();
    UploadResult reused = join(backup);
    backupSide.close();
    assertThat(during.packCandidates()).as("the sweep ran and saw unreferenced packs").isPositive();

    // The following runs, past every margin: the re-used contents must be undeleted, not dropped.
    long undeleted = during.contentsUndeleted();
    for (Duration step : List.of(Duration.ofHours(6), Duration.ofHours(25), Duration.ofHours(30))) {
      repo.clock.advance(step);
      undeleted += repo.fullMaintenance(phase -> {}).contentsUndeleted();
    }

    assertThat(undeleted).isPositive();
    assertClean(repo.verify());
    assertRestores(repo, reused.manifestId(), other);
    assertRestores(repo, s.second().manifestId(), src);
  }

  @ParameterizedTest
  @EnumSource(
      value = Maintenance.Phase.class,
      names = {"REWRITE_CONTENTS", "DROP_DELETED", "DELETE_BLOBS", "EPOCH_MAINTENANCE"})
  void maintenanceKilledBetweenPhasesLeavesARepositoryThatVerifiesAndTheNextRunCompletes(
      Maintenance.Phase killAt) throws Exception {
    SharedRepo repo = newRepo();
    Path src = tmp.resolve("src");
    Setup s = twoSnapshots(repo, src);
    long before = repo.packBytes();
    // Killed at this phase in every one of the first runs, so each phase is interrupted at least
    // once after the phases before it did real work (marks, rewrites, watermark, sweep).
    for (Duration step : CYCLE) {
      repo.clock.advance(step);
      assertThatThrownBy(
              () ->
                  repo.fullMaintenance(
                      phase -> {
                        if (phase == killAt) {
                          throw new IOException("killed before " + phase);
                        }
                      }))
          .hasMessageContaining("killed before");
      assertClean(repo.verify());
      assertRestores(repo, s.second().manifestId(), src);
    }
    for (Duration step : CYCLE) {
      repo.clock.advance(step);
      repo.fullMaintenance(phase -> {});
    }
    assertClean(repo.verify());
    assertRestores(repo, s.second().manifestId(), src);
    assertThat(repo.packBytes()).isLessThan(before - 500_000);
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
