package ca.eazybackup.e3.agent.timemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ca.eazybackup.e3.agent.backup.maintenance.Maintenance;
import ca.eazybackup.e3.agent.backup.repo.Repository;
import ca.eazybackup.e3.agent.backup.retention.RetentionPolicy;
import ca.eazybackup.e3.agent.engine.Cancellation;
import ca.eazybackup.e3.agent.engine.MaintenanceMode;
import ca.eazybackup.e3.agent.nas.mount.NasMounts;
import ca.eazybackup.e3.agent.s3.FixtureS3;
import ca.eazybackup.e3.shims.sim.NetworkDrive;
import ca.eazybackup.e3.shims.sim.SimulatedWindowsHost;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.sardine.Sardine;
import com.github.sardine.SardineFactory;
import com.github.sardine.impl.SardineException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nas_mount_snapshot below the addon: the older of two snapshots mapped to a letter of the
 * simulated Windows host through Cloud NAS's mount lifecycle, read with a real WebDAV client,
 * labelled "Time Machine (job, date)", reported like a Cloud NAS drive and unmounted by
 * nas_unmount.
 */
class SnapshotDriveTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void theOlderSnapshotIsMountedReadOnlyLabelledAndUnmounted() throws Exception {
    try (FixtureS3 s3 = FixtureS3.startOrSkip()) {
      BackedUpRepo repo = BackedUpRepo.create(s3, "drive");
      Path src = dir.resolve("src");
      Files.createDirectories(src);
      Files.writeString(src.resolve("report.txt"), "before");
      String older = repo.backup(src, dir.resolve("spill"));
      Files.writeString(src.resolve("report.txt"), "after the change");
      repo.backup(src, dir.resolve("spill"));

      SimulatedWindowsHost host = SimulatedWindowsHost.builder(dir.resolve("win")).build();
      List<Map<String, Object>> reports = new CopyOnWriteArrayList<>();
      try (NasMounts mounts =
          new NasMounts(
              host,
              s3.factory(),
              dir.resolve("nas"),
              (id, status, error, cache, warning) -> {
                java.util.HashMap<String, Object> r = new java.util.HashMap<>();
                r.put("mount_id", id);
                r.put("status", status);
                r.put("error", error);
                reports.add(r);
              },
              Duration.ofSeconds(30))) {
        ObjectNode p = JSON.createObjectNode();
        p.put("mount_id", 41);
        p.put("bucket", repo.bucket);
        p.put("prefix", repo.prefix);
        p.put("drive_letter", "T");
        p.put("read_only", true);
        p.put("cache_mode", "full");
        p.put("endpoint", s3.target().endpoint());
        p.put("access_key", s3.target().accessKey());
        p.put("secret_key", s3.target().secretKey());
        p.put("region", s3.target().region());
        p.put("job_id", 3);
        p.put("manifest_id", older);
        p.put("repository_password", BackedUpRepo.PASSWORD);
        // the runner's opener, over this test's repository
        NasMounts.SnapshotOpener opener =
            (server, payload) -> {
              SnapshotRepository r =
                  SnapshotRepository.open(
                      repo.storage(), payload.path("repository_password").asText(), null);
              String id = payload.path("manifest_id").asText();
              String label =
                  SnapshotMounts.label("Documents", r.snapshot(id).startTime(), ZoneId.of("UTC"));
              return new NasMounts.SnapshotVolume(SnapshotMounts.serve(server, r, id), label);
            };

        NasMounts.Result r = mounts.mountSnapshot(p, opener);

        assertThat(r.ok()).as(r.message()).isTrue();
        NetworkDrive t = host.networkDrives().get(0);
        assertThat(t.letter()).isEqualTo('T');
        assertThat(t.label()).startsWith("Time Machine (Documents, ").endsWith(")");
        assertThat(reports.get(reports.size() - 1)).containsEntry("status", "mounted");
        Sardine dav = SardineFactory.begin();
        try {
          try (InputStream in = dav.get(t.remote() + "report.txt")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("before");
          }
          assertThatThrownBy(() -> dav.put(t.remote() + "report.txt", new byte[] {1}))
              .isInstanceOf(SardineException.class)
              .satisfies(e -> assertThat(((SardineException) e).getStatusCode()).isEqualTo(403));
        } finally {
          dav.shutdown();
        }

        NasMounts.Result off =
            mounts.unmount(JSON.createObjectNode().put("mount_id", 41).put("drive_letter", "T"));
        assertThat(off.ok()).as(off.message()).isTrue();
        assertThat(host.networkDrives()).isEmpty();
        assertThat(reports.get(reports.size() - 1)).containsEntry("status", "unmounted");

        // a snapshot that is gone: a clear error on the drive's card, no drive mapped
        NasMounts.Result gone =
            mounts.mountSnapshot(
                p.deepCopy().put("manifest_id", "ffffffffffffffffffffffffffffffff"), opener);
        assertThat(gone.ok()).isFalse();
        assertThat(gone.message()).contains("is not in the repository");
        assertThat(reports.get(reports.size() - 1)).containsEntry("status", "error");
        assertThat(host.networkDrives()).isEmpty();
      }
    }
  }

  /** A mount payload for snapshot {@code manifestId} of {@code repo} on drive T, mount 41. */
  private static ObjectNode payload(FixtureS3 s3, BackedUpRepo repo, String manifestId) {
    ObjectNode p = JSON.createObjectNode();
    p.put("mount_id", 41);
    p.put("bucket", repo.bucket);
    p.put("prefix", repo.prefix);
    p.put("drive_letter", "T");
    p.put("endpoint", s3.target().endpoint());
    p.put("access_key", s3.target().accessKey());
    p.put("secret_key", s3.target().secretKey());
    p.put("region", s3.target().region());
    p.put("job_id", 3);
    p.put("job_name", "Documents");
    p.put("manifest_id", manifestId);
    p.put("repository_password", BackedUpRepo.PASSWORD);
    return p;
  }

  /** The runner's opener (SnapshotCommands.openForMount) over this test's repository. */
  private static NasMounts.SnapshotOpener opener(BackedUpRepo repo) {
    return (server, payload) -> {
      SnapshotRepository r =
          SnapshotRepository.open(
              repo.storage(), payload.path("repository_password").asText(), null);
      String id = payload.path("manifest_id").asText();
      String label =
          SnapshotMounts.label(
              payload.path("job_name").asText(), r.snapshot(id).startTime(), ZoneId.of("UTC"));
      return new NasMounts.SnapshotVolume(
          SnapshotMounts.serve(server, r, id),
          label,
          () -> r.stillHas(id) ? null : SnapshotRepository.goneMessage(id));
    };
  }

  private static NasMounts mounts(
      SimulatedWindowsHost host,
      FixtureS3 s3,
      Path nas,
      List<Map<String, Object>> reports,
      Duration every) {
    return new NasMounts(
        host,
        s3.factory(),
        nas,
        (id, status, error, cache, warning) -> {
          java.util.HashMap<String, Object> r = new java.util.HashMap<>();
          r.put("mount_id", id);
          r.put("status", status);
          r.put("error", error);
          reports.add(r);
        },
        every);
  }

  @Test
  void aSnapshotDeletedByMaintenanceUnmountsItsDriveWithAClearError() throws Exception {
    try (FixtureS3 s3 = FixtureS3.startOrSkip()) {
      BackedUpRepo repo = BackedUpRepo.create(s3, "gone");
      Path src = dir.resolve("src");
      Files.createDirectories(src);
      Files.writeString(src.resolve("report.txt"), "before");
      String older = repo.backup(src, dir.resolve("spill"));
      Files.writeString(src.resolve("report.txt"), "after the change");
      repo.backup(src, dir.resolve("spill"));
      SimulatedWindowsHost host = SimulatedWindowsHost.builder(dir.resolve("win")).build();
      List<Map<String, Object>> reports = new CopyOnWriteArrayList<>();
      // checked at every status report: 200 ms here, the heartbeat interval in the agent
      try (NasMounts mounts =
          mounts(host, s3, dir.resolve("nas"), reports, Duration.ofMillis(200))) {
        NasMounts.Result r = mounts.mountSnapshot(payload(s3, repo, older), opener(repo));
        assertThat(r.ok()).as(r.message()).isTrue();
        assertThat(host.networkDrives()).extracting(NetworkDrive::letter).containsExactly('T');
        // the drive is left alone while its snapshot is there
        await()
            .during(Duration.ofSeconds(1))
            .atMost(Duration.ofSeconds(5))
            .until(() -> mounts.mounted().contains(41L));

        // retention keeps the latest snapshot only; full maintenance collects what it held
        try (var st = repo.storage();
            Repository rp = Repository.open(st, BackedUpRepo.PASSWORD, null)) {
          new Maintenance(rp, Clock.systemUTC(), dir.resolve("maint"), new Cancellation())
              .run(
                  MaintenanceMode.FULL,
                  new RetentionPolicy(1, null, null, null, null, null),
                  repo.source);
        }

        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () ->
                    assertThat(reports.get(reports.size() - 1))
                        .containsEntry("mount_id", 41L)
                        .containsEntry("status", "error"));
        assertThat((String) reports.get(reports.size() - 1).get("error"))
            .contains("snapshot " + older + " no longer exists")
            .contains("drive T: was unmounted");
        assertThat(host.networkDrives()).isEmpty();
        assertThat(mounts.mounted()).isEmpty();
        // nas_unmount afterwards still answers (the addon's card can be cleared)
        assertThat(
                mounts
                    .unmount(JSON.createObjectNode().put("mount_id", 41).put("drive_letter", "T"))
                    .ok())
            .isTrue();
      }
    }
  }

  @Test
  void afterARestartASnapshotDriveIsReportedUnmountedWithTheReason() throws Exception {
    try (FixtureS3 s3 = FixtureS3.startOrSkip()) {
      BackedUpRepo repo = BackedUpRepo.create(s3, "restart");
      Path src = dir.resolve("src");
      Files.createDirectories(src);
      Files.writeString(src.resolve("report.txt"), "before");
      String snap = repo.backup(src, dir.resolve("spill"));
      SimulatedWindowsHost host = SimulatedWindowsHost.builder(dir.resolve("win")).build();
      List<Map<String, Object>> reports = new CopyOnWriteArrayList<>();
      Path nas = dir.resolve("nas");

      // a killed agent: its process never unmapped the drive
      NasMounts killed = mounts(host, s3, nas, reports, Duration.ofSeconds(30));
      assertThat(killed.mountSnapshot(payload(s3, repo, snap), opener(repo)).ok()).isTrue();
      String deadUrl = host.networkDrives().get(0).remote();
      // the next process: the addon does not list snapshot drives (agent_list_mounts)
      try (NasMounts next = mounts(host, s3, nas, reports, Duration.ofSeconds(30))) {
        next.startUp(List::of, Duration.ofMillis(10), Duration.ofMillis(10));
        assertThat(host.networkDrives()).as("the dead drive's mapping").isEmpty();
        assertThat(reports.get(reports.size() - 1))
            .containsEntry("mount_id", 41L)
            .containsEntry("status", "unmounted")
            .containsEntry("error", NasMounts.SNAPSHOT_NOT_REMOUNTED);
        assertThat(next.mounted()).isEmpty();
      } finally {
        killed.close();
      }
      assertThat(deadUrl).startsWith("http://127.0.0.1:");

      // a clean stop and start: reported the same way, and only once
      reports.clear();
      try (NasMounts first = mounts(host, s3, nas, reports, Duration.ofSeconds(30))) {
        assertThat(first.mountSnapshot(payload(s3, repo, snap), opener(repo)).ok()).isTrue();
      }
      assertThat(host.networkDrives()).isEmpty();
      for (int start = 0; start < 2; start++) {
        try (NasMounts next = mounts(host, s3, nas, reports, Duration.ofSeconds(30))) {
          next.startUp(List::of, Duration.ofMillis(10), Duration.ofMillis(10));
        }
      }
      assertThat(reports)
          .filteredOn(m -> "unmounted".equals(m.get("status")))
          .singleElement()
          .satisfies(m -> assertThat(m).containsEntry("error", NasMounts.SNAPSHOT_NOT_REMOUNTED));
    }
  }
}
