package ca.eazybackup.e3.agent.backup.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.backup.KopiaEngine;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.blob.BlobStorageException;
import ca.eazybackup.e3.agent.backup.blob.FaultInjectingBlobStorage;
import ca.eazybackup.e3.agent.backup.blob.FilesystemBlobStorage;
import ca.eazybackup.e3.agent.backup.testing.EngineContext;
import ca.eazybackup.e3.agent.backup.testing.KopiaJobs;
import ca.eazybackup.e3.agent.backup.testing.Trees;
import ca.eazybackup.e3.agent.engine.MaintenanceMode;
import ca.eazybackup.e3.agent.engine.RestoreRequest;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.engine.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What keeps a repository from growing without bound: retention drops a snapshot after the next
 * backup, full maintenance (twice, past Kopia's safety margins) deletes the data only it held, and
 * what is left restores byte for byte and verifies clean with every pack read.
 */
class FullMaintenanceReclaimTest {
  @TempDir Path tmp;
  private final KopiaEngine engine = new KopiaEngine();

  @Test
  void fullMaintenanceReclaimsAnExpiredSnapshotsDataAndTheRestStillRestoresAndVerifies()
      throws Exception {
    Path src = tmp.resolve("src");
    Path dest = tmp.resolve("dest");
    Path cache = tmp.resolve("cache");
    byte[] old = Trees.random(3_000_000, 1);
    byte[] current = Trees.random(3_000_000, 2);
    Trees.file(src.resolve("data.bin"), old, Instant.parse("2024-01-01T00:00:00Z"));
    RunAssignment job = KopiaJobs.local(List.of(src.toString()), dest, "pw", "{\"keep_latest\":1}");
    assertThat(engine.backup(job, ctx(cache, Duration.ZERO)).status()).isEqualTo(RunStatus.SUCCESS);
    long before = repositoryBytes(dest);
    // The first snapshot's pack holds only the old data.bin: once it expires, its entries are
    // marked, dropped two GC cycles later, and the pack swept; the live data is moved out of the
    // short packs on the way.
    Trees.file(src.resolve("data.bin"), current, Instant.parse("2024-01-02T00:00:00Z"));
    Trees.file(src.resolve("same.txt"), "kept".getBytes(), Instant.parse("2024-01-01T00:00:00Z"));
    RunOutcome second = engine.backup(job, ctx(cache, Duration.ofMinutes(1)));
    assertThat(second.stats()).containsEntry("snapshots_expired", 1);
    long withBoth = repositoryBytes(dest);
    assertThat(withBoth - before).isGreaterThan(2_500_000); // the new data.bin (incompressible)

    RunOutcome first = engine.maintain(job, MaintenanceMode.FULL, ctx(cache, Duration.ofDays(2)));
    assertThat(first.status()).as(first.message()).isEqualTo(RunStatus.SUCCESS);
    assertThat((Long) first.stats().get("contents_marked_deleted")).isPositive();
    assertThat(first.stats())
        .containsEntry("packs_deleted", 0L); // not before a second run ≥ 4 h on
    RunOutcome later =
        engine.maintain(job, MaintenanceMode.FULL, ctx(cache, Duration.ofDays(2).plusHours(5)));
    assertThat(later.status()).as(later.message()).isEqualTo(RunStatus.SUCCESS);
    assertThat((Long) later.stats().get("packs_deleted"))
        .as("the pack the live data.bin was rewritten out of")
        .isPositive();
    for (Duration at : List.of(Duration.ofHours(59), Duration.ofHours(84))) {
      RunOutcome next = engine.maintain(job, MaintenanceMode.FULL, ctx(cache, at));
      assertThat(next.status()).as(next.message()).isEqualTo(RunStatus.SUCCESS);
    }
    assertThat(repositoryBytes(dest)).isLessThan(withBoth - 2_500_000);

    Path out = tmp.resolve("out");
    RunOutcome restored =
        engine.restore(
            job,
            new RestoreRequest(second.manifestId(), out.toString(), List.of(), "always", false),
            ctx(cache, Duration.ofDays(4)));
    assertThat(restored.status()).as(restored.message()).isEqualTo(RunStatus.SUCCESS);
    assertThat(Files.readAllBytes(out.resolve("data.bin"))).isEqualTo(current);
    assertThat(Files.readString(out.resolve("same.txt"))).isEqualTo("kept");
    RunOutcome verify = engine.verify(job, 100, ctx(cache, Duration.ofDays(4)));
    assertThat(verify.status()).as(verify.message()).isEqualTo(RunStatus.SUCCESS);
    assertThat(verify.stats()).containsEntry("snapshots", 1);
  }

  @Test
  void fullMaintenanceThatDiesWritingItsIndexLeavesARepositoryThatVerifiesAndRestores()
      throws Exception {
    Path src = tmp.resolve("src");
    Path dest = tmp.resolve("dest");
    Path cache = tmp.resolve("cache");
    byte[] v1 = Trees.random(1_000_000, 3);
    byte[] v2 = Trees.random(1_000_000, 4);
    Trees.file(src.resolve("data.bin"), v1, Instant.parse("2024-01-01T00:00:00Z"));
    RunAssignment job = KopiaJobs.local(List.of(src.toString()), dest, "pw", "{\"keep_latest\":1}");
    engine.backup(job, ctx(cache, Duration.ZERO));
    Trees.file(src.resolve("data.bin"), v2, Instant.parse("2024-01-02T00:00:00Z"));
    RunOutcome kept = engine.backup(job, ctx(cache, Duration.ofMinutes(1)));
    // The maintenance process "dies" when it writes the index holding its delete markers.
    FaultInjectingBlobStorage[] faulty = new FaultInjectingBlobStorage[1];
    KopiaEngine dying =
        new KopiaEngine(
            (j, c) -> {
              faulty[0] =
                  new FaultInjectingBlobStorage(FilesystemBlobStorage.open(dest.resolve("repo")))
                      .fail(
                          FaultInjectingBlobStorage.Op.PUT,
                          id -> id.startsWith("x"),
                          1,
                          new BlobStorageException("killed mid-way", null, false));
              return faulty[0];
            },
            Duration.ofMinutes(20));

    RunOutcome died = dying.maintain(job, MaintenanceMode.FULL, ctx(cache, Duration.ofDays(2)));

    assertThat(died.status()).isEqualTo(RunStatus.FAILED);
    assertThat(died.message()).contains("killed mid-way");
    RunOutcome verify = engine.verify(job, 100, ctx(cache, Duration.ofDays(2)));
    assertThat(verify.status()).as(verify.message()).isEqualTo(RunStatus.SUCCESS);
    Path out = tmp.resolve("out");
    assertThat(
            engine
                .restore(
                    job,
                    new RestoreRequest(
                        kept.manifestId(), out.toString(), List.of(), "always", false),
                    ctx(cache, Duration.ofDays(2)))
                .status())
        .isEqualTo(RunStatus.SUCCESS);
    assertThat(Files.readAllBytes(out.resolve("data.bin"))).isEqualTo(v2);
    // and the next maintenance finishes the job
    RunOutcome again = engine.maintain(job, MaintenanceMode.FULL, ctx(cache, Duration.ofDays(2)));
    assertThat(again.status()).as(again.message()).isEqualTo(RunStatus.SUCCESS);
    assertThat(engine.verify(job, 100, ctx(cache, Duration.ofDays(2))).status())
        .isEqualTo(RunStatus.SUCCESS);
  }

  private EngineContext ctx(Path cache, Duration ahead) {
    EngineContext c = new EngineContext(tmp.resolve("w" + System.nanoTime()), cache);
    c.clock = Clock.offset(Clock.systemUTC(), ahead);
    return c;
  }

  private static long repositoryBytes(Path dest) throws Exception {
    AtomicLong total = new AtomicLong();
    try (BlobStorage s = FilesystemBlobStorage.open(dest.resolve("repo"))) {
      s.list("p", b -> total.addAndGet(b.length()));
      s.list("q", b -> total.addAndGet(b.length()));
    }
    return total.get();
  }
}
