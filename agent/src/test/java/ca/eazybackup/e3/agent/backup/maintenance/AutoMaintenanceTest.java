package ca.eazybackup.e3.agent.backup.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.backup.KopiaEngine;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.blob.FilesystemBlobStorage;
import ca.eazybackup.e3.agent.backup.repo.Repository;
import ca.eazybackup.e3.agent.backup.repo.RepositoryOptions;
import ca.eazybackup.e3.agent.backup.snapshot.ManifestEntry;
import ca.eazybackup.e3.agent.backup.snapshot.ManifestStore;
import ca.eazybackup.e3.agent.backup.testing.EngineContext;
import ca.eazybackup.e3.agent.backup.testing.KopiaJobs;
import ca.eazybackup.e3.agent.backup.testing.Trees;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.engine.RunStatus;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduled maintenance after backups, on a repository in a folder, with the clock moved forward:
 * quick hourly and full daily by the repository's owner only, recorded in kopia.maintenance.
 */
class AutoMaintenanceTest {
  @TempDir Path tmp;
  private final KopiaEngine engine = new KopiaEngine();
  private Path src;
  private Path dest;
  private RunAssignment job;
  private final Instant t0 = Instant.now();

  @BeforeEach
  void setUp() throws Exception {
    src = tmp.resolve("src");
    dest = tmp.resolve("dest");
    Trees.file(src.resolve("a.txt"), "a".getBytes(), Instant.parse("2024-01-01T00:00:00Z"));
    job = KopiaJobs.local(src, dest, "pw");
  }

  private RunOutcome backupAt(Duration after) throws Exception {
    Files.writeString(src.resolve("a.txt"), "at " + after);
    EngineContext c = new EngineContext(tmp.resolve("w" + System.nanoTime()), tmp.resolve("cache"));
    c.clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), t0.plus(after)));
    RunOutcome r = engine.backup(job, c);
    assertThat(r.status()).as(r.message()).isEqualTo(RunStatus.SUCCESS);
    return r;
  }

  private Repository open() throws Exception {
    return Repository.open(FilesystemBlobStorage.open(dest.resolve("repo")), "pw", null);
  }

  @Test
  void quickRunsHourlyAndFullDailyRecordedInTheScheduleBlob() throws Exception {
    assertThat(backupAt(Duration.ZERO).stats()).containsEntry("maintenance", "quick");
    try (Repository repo = open()) {
      ScheduleBlob s = ScheduleBlob.read(repo);
      assertThat(s.time(AutoMaintenance.NEXT_QUICK))
          .isBetween(t0.plus(Duration.ofMinutes(59)), t0.plus(Duration.ofMinutes(61)));
      assertThat(s.time(AutoMaintenance.NEXT_FULL))
          .isBetween(t0.plus(Duration.ofHours(23)), t0.plus(Duration.ofHours(25)));
      assertThat(s.json.path("runs").path("quick-maintenance").get(0).path("success").asBoolean())
          .isTrue();
      List<ManifestEntry> params =
          new ManifestStore(repo.contents(), Clock.systemUTC()).find(Map.of("type", "maintenance"));
      assertThat(params).hasSize(1);
      assertThat(params.get(0).data().path("owner").asText()).contains("@");
      assertThat(params.get(0).data().path("quick").path("interval").asLong())
          .isEqualTo(3_600_000_000_000L);
    }

    assertThat(backupAt(Duration.ofMinutes(10)).stats()).doesNotContainKey("maintenance");
    assertThat(backupAt(Duration.ofMinutes(70)).stats()).containsEntry("maintenance", "quick");
    assertThat(backupAt(Duration.ofMinutes(80)).stats()).doesNotContainKey("maintenance");
    RunOutcome daily = backupAt(Duration.ofHours(25));
    assertThat(daily.stats()).containsEntry("maintenance", "full");
    try (Repository repo = open()) {
      ScheduleBlob s = ScheduleBlob.read(repo);
      assertThat(s.json.path("runs").path("quick-maintenance")).hasSize(2);
      assertThat(s.json.path("runs").path("snapshot-gc")).hasSize(1);
    }
  }

  @Test
  void aRepositoryOwnedByAnotherAgentIsNotMaintainedHere() throws Exception {
    try (BlobStorage storage = FilesystemBlobStorage.open(dest.resolve("repo"));
        Repository repo = Repository.create(storage, "pw", RepositoryOptions.defaults())) {
      ManifestStore m = new ManifestStore(repo.contents(), Clock.systemUTC());
      m.put(
          Map.of("type", "maintenance"),
          new ObjectMapper().readTree("{\"owner\":\"backup@other-host\"}"));
      repo.contents().flush();
    }

    assertThat(backupAt(Duration.ZERO).stats()).doesNotContainKey("maintenance");
    assertThat(backupAt(Duration.ofDays(2)).stats()).doesNotContainKey("maintenance");
    try (BlobStorage storage = FilesystemBlobStorage.open(dest.resolve("repo"))) {
      assertThat(storage.stat(ScheduleBlob.BLOB_ID)).isEmpty();
    }
  }

  @Test
  void theScheduleBlobRoundTripsKeepingKopiasFieldsAndFiveRunsPerTask() throws Exception {
    try (BlobStorage storage = FilesystemBlobStorage.open(dest.resolve("repo"));
        Repository repo = Repository.create(storage, "pw", RepositoryOptions.defaults())) {
      ScheduleBlob s = ScheduleBlob.read(repo);
      assertThat(s.time(AutoMaintenance.NEXT_QUICK)).isEqualTo(Instant.EPOCH);
      s.json.put("futureField", 42);
      for (int i = 0; i < 7; i++) {
        s.addRun("snapshot-gc", t0.plusSeconds(i), t0.plusSeconds(i + 1), true, null);
      }
      s.setTime(AutoMaintenance.NEXT_FULL, t0);
      s.write(storage);
      byte[] raw = storage.get(ScheduleBlob.BLOB_ID, 0, -1);
      assertThat(new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1))
          .doesNotContain("snapshot-gc"); // encrypted

      ScheduleBlob back = ScheduleBlob.read(repo);
      assertThat(back.json.path("futureField").asInt()).isEqualTo(42);
      assertThat(back.json.path("runs").path("snapshot-gc")).hasSize(5);
      assertThat(back.time(AutoMaintenance.NEXT_FULL)).isEqualTo(t0);
    }
  }
}
