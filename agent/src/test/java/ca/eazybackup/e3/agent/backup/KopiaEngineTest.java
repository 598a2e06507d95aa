package ca.eazybackup.e3.agent.backup;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.backup.blob.BlobMetadata;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.blob.FilesystemBlobStorage;
import ca.eazybackup.e3.agent.backup.testing.KopiaJobs;
import ca.eazybackup.e3.agent.backup.testing.RecordingProgress;
import ca.eazybackup.e3.agent.backup.testing.Trees;
import ca.eazybackup.e3.agent.engine.Cancellation;
import ca.eazybackup.e3.agent.engine.MaintenanceMode;
import ca.eazybackup.e3.agent.engine.RestoreRequest;
import ca.eazybackup.e3.agent.engine.RunContext;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.engine.RunStatus;
import ca.eazybackup.e3.agent.progress.EventCodes;
import ca.eazybackup.e3.agent.progress.ProgressReporter;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KopiaEngineTest {
  @TempDir Path tmp;
  private final KopiaEngine engine = new KopiaEngine();

  static final class Ctx implements RunContext {
    final RecordingProgress progress = new RecordingProgress();
    final Cancellation cancellation = new Cancellation();
    final Path work;
    final Path cache;
    Clock clock = Clock.systemDefaultZone();

    Ctx(Path base) {
      this.work = base.resolve("work");
      this.cache = base.resolve("cache");
    }

    @Override
    public long runId() {
      return 1;
    }

    @Override
    public ProgressReporter progress() {
      return progress;
    }

    @Override
    public Cancellation cancellation() {
      return cancellation;
    }

    @Override
    public Path workDir() {
      return work;
    }

    @Override
    public Path jobCacheDir() {
      return cache;
    }

    @Override
    public S3ClientFactory s3() {
      return new S3ClientFactory();
    }

    @Override
    public Clock clock() {
      return clock;
    }
  }

  static RunAssignment job(List<String> sources, Path dest, String password, String retentionJson)
      throws IOException {
    return KopiaJobs.local(sources, dest, password, retentionJson);
  }

  private Ctx ctx() {
    return new Ctx(tmp.resolve("ctx-" + System.nanoTime()));
  }

  @Test
  void firstIncrementalAndRestoreOfTheSnapshotFromTwoRunsAgo() throws Exception {
    Path src = tmp.resolve("src");
    Trees.sample(src, 300_000);
    RunAssignment job = job(List.of(src.toString()), tmp.resolve("dest"), "pw-1", null);
    RunOutcome first = engine.backup(job, ctx());
    assertThat(first.status()).isEqualTo(RunStatus.SUCCESS);
    assertThat(first.manifestId()).hasSize(32);
    assertThat(first.stats()).containsEntry("files", 35L);
    Map<String, String> state1 = Trees.describe(src);

    Trees.file(src.resolve("a.txt"), "alpha v2".getBytes(), Instant.parse("2025-02-02T00:00:00Z"));
    Ctx c2 = ctx();
    RunOutcome second = engine.backup(job, c2);
    assertThat(second.stats()).containsEntry("hashed_files", 1L).containsEntry("cached_files", 34L);
    assertThat(c2.progress.events).contains("KOPIA_REPO_CONNECTED", "KOPIA_SNAPSHOT_SAVED");

    Files.delete(src.resolve("docs/readme.md"));
    RunOutcome third = engine.backup(job, ctx());
    assertThat(third.status()).isEqualTo(RunStatus.SUCCESS);

    Path out = tmp.resolve("restore-old");
    Ctx rc = ctx();
    RunOutcome restored =
        engine.restore(
            job,
            new RestoreRequest(first.manifestId(), out.toString(), List.of(), "always", false),
            rc);
    assertThat(restored.status()).as(restored.message()).isEqualTo(RunStatus.SUCCESS);
    assertThat(Trees.describe(out)).isEqualTo(state1);
    // The lifecycle codes are the runtime reporter's: an engine that sent them too doubled them.
    assertThat(rc.progress.events)
        .contains(EventCodes.KOPIA_RESTORE_STARTING, EventCodes.KOPIA_RESTORE_COMPLETED)
        .doesNotContain(
            EventCodes.RESTORE_STARTING, EventCodes.RESTORE_COMPLETED, EventCodes.RESTORE_FAILED);

    Path partial = tmp.resolve("restore-part");
    engine.restore(
        job,
        new RestoreRequest(
            second.manifestId(), partial.toString(), List.of("docs/deep"), "always", false),
        ctx());
    assertThat(Trees.describe(partial).keySet())
        .containsExactly(
            "/", "docs/", "docs/deep/", "docs/deep/x/", "docs/deep/x/y/", "docs/deep/x/y/z.dat");
  }

  @Test
  void createRepositoryAloneLetsTheFirstBackupConnectWithoutCreating() throws Exception {
    Path src = tmp.resolve("src");
    Trees.sample(src, 1000);
    Path dest = tmp.resolve("dest");
    RunAssignment job = job(List.of(src.toString()), dest, "pw-c", null);
    Ctx created = ctx();
    assertThat(engine.createRepository(job, created).status()).isEqualTo(RunStatus.SUCCESS);
    assertThat(created.progress.events).contains("KOPIA_REPO_CREATED");
    List<String> afterCreate = blobs(dest);
    assertThat(afterCreate).isNotEmpty();

    assertThat(engine.createRepository(job, ctx()).status()).isEqualTo(RunStatus.SUCCESS);
    assertThat(blobs(dest)).isEqualTo(afterCreate);
    RunOutcome wrong =
        engine.createRepository(job(List.of(src.toString()), dest, "other", null), ctx());
    assertThat(wrong.status()).isEqualTo(RunStatus.FAILED);
    assertThat(blobs(dest)).isEqualTo(afterCreate);

    Ctx first = ctx();
    assertThat(engine.backup(job, first).status()).isEqualTo(RunStatus.SUCCESS);
    assertThat(first.progress.events).doesNotContain("KOPIA_REPO_CREATED");
  }

  @Test
  void wrongPasswordIsAClearErrorAndWritesNothing() throws Exception {
    Path src = tmp.resolve("src");
    Trees.sample(src, 1000);
    Path dest = tmp.resolve("dest");
    engine.backup(job(List.of(src.toString()), dest, "right", null), ctx());
    List<String> before = blobs(dest);
    RunOutcome wrong = engine.backup(job(List.of(src.toString()), dest, "wrong", null), ctx());
    assertThat(wrong.status()).isEqualTo(RunStatus.FAILED);
    assertThat(wrong.message()).containsIgnoringCase("password");
    assertThat(blobs(dest)).isEqualTo(before);
  }

  @Test
  void severalSourcesAreOneSnapshotThatRestoresEverything() throws Exception {
    Path a = tmp.resolve("one/data");
    Path b = tmp.resolve("two/data");
    Trees.file(a.resolve("x.txt"), "x".getBytes(), Instant.parse("2024-01-01T00:00:00Z"));
    Trees.file(b.resolve("y/z.txt"), "z".getBytes(), Instant.parse("2024-01-01T00:00:00Z"));
    RunAssignment job = job(List.of(a.toString(), b.toString()), tmp.resolve("dest"), "pw", null);
    RunOutcome r = engine.backup(job, ctx());
    assertThat(r.status()).isEqualTo(RunStatus.SUCCESS);
    Path out = tmp.resolve("out");
    engine.restore(
        job, new RestoreRequest(r.manifestId(), out.toString(), List.of(), "always", false), ctx());
    assertThat(Files.readString(out.resolve("data/x.txt"))).isEqualTo("x");
    assertThat(Files.readString(out.resolve("data-2/y/z.txt"))).isEqualTo("z");
    // in place: each source back to its own folder
    Files.delete(a.resolve("x.txt"));
    Files.delete(b.resolve("y/z.txt"));
    RunOutcome inPlace =
        engine.restore(
            job, new RestoreRequest(r.manifestId(), "", List.of(), "if-changed", false), ctx());
    assertThat(inPlace.status()).as(inPlace.message()).isEqualTo(RunStatus.SUCCESS);
    assertThat(Files.readString(a.resolve("x.txt"))).isEqualTo("x");
    assertThat(Files.readString(b.resolve("y/z.txt"))).isEqualTo("z");
  }

  @Test
  void corruptedPackFailsTheRestoreNamingTheFileAndWritesNoWrongBytes() throws Exception {
    Path src = tmp.resolve("src");
    Trees.file(
        src.resolve("important.bin"),
        Trees.random(200_000, 5),
        Instant.parse("2024-01-01T00:00:00Z"));
    Path dest = tmp.resolve("dest");
    RunAssignment job = job(List.of(src.toString()), dest, "pw", null);
    RunOutcome r = engine.backup(job, ctx());
    try (Stream<Path> s = Files.walk(dest)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        if (dest.resolve("repo").relativize(p).toString().startsWith("p")) {
          byte[] d = Files.readAllBytes(p);
          for (int i = 100; i < d.length - 100; i += 1000) {
            d[i] ^= 0x5a;
          }
          Files.write(p, d);
        }
      }
    }
    Path out = tmp.resolve("out");
    RunOutcome restored =
        engine.restore(
            job,
            new RestoreRequest(r.manifestId(), out.toString(), List.of(), "always", false),
            ctx());
    assertThat(restored.status()).isEqualTo(RunStatus.FAILED);
    assertThat(restored.message()).contains("important.bin");
    assertThat(out.resolve("important.bin")).doesNotExist();
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s.toList()).isEmpty();
    }
  }

  @Test
  void aCancelledRestoreEndsCancelledWithRestoreCancelledAndNotRestoreFailed() throws Exception {
    Path src = tmp.resolve("src");
    Trees.sample(src, 50_000);
    RunAssignment job = job(List.of(src.toString()), tmp.resolve("dest"), "pw", null);
    RunOutcome r = engine.backup(job, ctx());
    Ctx rc = ctx();
    rc.cancellation.cancel("cancelled by user");
    RunOutcome restored =
        engine.restore(
            job,
            new RestoreRequest(
                r.manifestId(), tmp.resolve("out").toString(), List.of(), "always", false),
            rc);
    assertThat(restored.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(restored.message()).contains("cancelled by user");
    assertThat(rc.progress.events)
        .contains(EventCodes.KOPIA_RESTORE_CANCELLED)
        .doesNotContain(
            EventCodes.KOPIA_RESTORE_FAILED,
            EventCodes.KOPIA_RESTORE_COMPLETED,
            EventCodes.RESTORE_CANCELLED,
            EventCodes.RESTORE_FAILED);
  }

  @Test
  void maintenanceAppliesRetentionAndCollectsUnreachableContents() throws Exception {
    Path src = tmp.resolve("src");
    Trees.file(
        src.resolve("f.bin"), Trees.random(100_000, 1), Instant.parse("2024-01-01T00:00:00Z"));
    RunAssignment job =
        job(List.of(src.toString()), tmp.resolve("dest"), "pw", "{\"keep_latest\":1}");
    engine.backup(job, ctx());
    Trees.file(
        src.resolve("f.bin"), Trees.random(100_000, 2), Instant.parse("2024-01-02T00:00:00Z"));
    RunOutcome last = engine.backup(job, ctx());
    // retention ran right after the second snapshot; maintenance has none left to expire
    assertThat(last.stats()).containsEntry("snapshots_expired", 1);
    Ctx later = ctx();
    later.clock = Clock.offset(Clock.systemDefaultZone(), Duration.ofDays(2));
    RunOutcome m = engine.maintain(job, MaintenanceMode.FULL, later);
    assertThat(m.status()).as(m.message()).isEqualTo(RunStatus.SUCCESS);
    assertThat(m.stats()).containsEntry("snapshots_expired", 0);
    assertThat((Long) m.stats().get("contents_marked_deleted")).isPositive();
    Path out = tmp.resolve("out");
    RunOutcome restored =
        engine.restore(
            job,
            new RestoreRequest(last.manifestId(), out.toString(), List.of(), "always", false),
            ctx());
    assertThat(restored.status()).as(restored.message()).isEqualTo(RunStatus.SUCCESS);
    assertThat(Files.readAllBytes(out.resolve("f.bin"))).isEqualTo(Trees.random(100_000, 2));
  }

  @Test
  void retentionRunsAfterEverySnapshotAndListsTheExpiredOnesInTheRunsEvents() throws Exception {
    Path src = tmp.resolve("src");
    RunAssignment job =
        job(List.of(src.toString()), tmp.resolve("dest"), "pw", "{\"keep_latest\":2}");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Trees.file(
          src.resolve("f.txt"),
          ("v" + i).getBytes(),
          Instant.parse("2024-01-01T00:00:00Z").plusSeconds(i));
      Ctx c = ctx();
      RunOutcome r = engine.backup(job, c);
      assertThat(r.status()).as(r.message()).isEqualTo(RunStatus.SUCCESS);
      ids.add(r.manifestId());
      if (i < 2) {
        assertThat(c.progress.events).doesNotContain("KOPIA_RETENTION_APPLIED");
        assertThat(r.stats()).containsEntry("snapshots_expired", 0);
      } else {
        assertThat(c.progress.events).contains("KOPIA_RETENTION_APPLIED");
        assertThat(r.stats()).containsEntry("snapshots_expired", 1);
      }
    }
    assertThat(engine.snapshots(job, ctx()).stream().map(m -> m.id()))
        .containsExactly(ids.get(1), ids.get(2));
  }

  @Test
  void withoutARetentionPolicyEverySnapshotIsKept() throws Exception {
    Path src = tmp.resolve("src");
    RunAssignment job = job(List.of(src.toString()), tmp.resolve("dest"), "pw", null);
    for (int i = 0; i < 3; i++) {
      Trees.file(src.resolve("f.txt"), ("v" + i).getBytes(), Instant.parse("2024-01-01T00:00:00Z"));
      assertThat(engine.backup(job, ctx()).stats()).containsEntry("snapshots_expired", 0);
    }
    assertThat(engine.snapshots(job, ctx())).hasSize(3);
  }

  static List<String> blobs(Path dest) throws IOException {
    List<String> out = new ArrayList<>();
    try (BlobStorage s = FilesystemBlobStorage.open(dest.resolve("repo"))) {
      s.list("", (BlobMetadata b) -> out.add(b.blobId() + ":" + b.length()));
    }
    out.sort(null);
    return out;
  }
}
