package ca.eazybackup.e3.agent.timemachine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.agent.nas.NasServer;
import ca.eazybackup.e3.agent.nas.ServedVolume;
import ca.eazybackup.e3.agent.s3.FixtureS3;
import com.github.sardine.Sardine;
import com.github.sardine.SardineFactory;
import com.github.sardine.impl.SardineException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of nas_mount_snapshot that are Time Machine's: the volume and the drive's label. */
class SnapshotMountsTest {
  @TempDir Path tmp;

  @Test
  void theLabelNamesTheJobAndTheSnapshotsLocalDate() {
    OffsetDateTime t = OffsetDateTime.of(2026, 12, 7, 13, 5, 42, 0, ZoneOffset.UTC);
    assertThat(SnapshotMounts.label("Documents", t, ZoneId.of("America/Toronto")))
        .isEqualTo("Time Machine (Documents, 2026-12-07 08:05)");
    assertThat(SnapshotMounts.label(" ", t, ZoneOffset.UTC))
        .isEqualTo("Time Machine (backup, 2026-12-07 13:05)");
    assertThat(SnapshotMounts.label("x".repeat(100), t, ZoneOffset.UTC))
        .startsWith("Time Machine (" + "x".repeat(SnapshotMounts.MAX_JOB_NAME - 1) + "…, ");
  }

  @Test
  void servesTheSnapshotReadOnlyAndAMissingSnapshotFailsClearly() throws Exception {
    try (FixtureS3 s3 = FixtureS3.startOrSkip()) {
      BackedUpRepo repo = BackedUpRepo.create(s3, "mount");
      Path src = tmp.resolve("src");
      Files.createDirectories(src);
      Files.writeString(src.resolve("old.txt"), "as it was");
      String id = repo.backup(src, tmp.resolve("spill"));
      try (NasServer server = NasServer.start(0)) {
        ServedVolume v =
            SnapshotMounts.serve(
                server, SnapshotRepository.open(repo.storage(), BackedUpRepo.PASSWORD, null), id);
        Sardine dav = SardineFactory.begin();
        try (InputStream in = dav.get(v.url() + "old.txt")) {
          assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("as it was");
        }
        assertThatThrownBy(() -> dav.delete(v.url() + "old.txt"))
            .isInstanceOf(SardineException.class)
            .satisfies(e -> assertThat(((SardineException) e).getStatusCode()).isEqualTo(403));
        v.close();
        assertThatThrownBy(() -> dav.get(v.url() + "old.txt"))
            .as("an unmounted snapshot is no longer served")
            .isInstanceOf(SardineException.class);
        dav.shutdown();

        assertThatThrownBy(
                () ->
                    SnapshotMounts.serve(
                        server,
                        SnapshotRepository.open(repo.storage(), BackedUpRepo.PASSWORD, null),
                        "ffffffffffffffffffffffffffffffff"))
            .isInstanceOf(SnapshotNotFoundException.class)
            .hasMessageContaining("deleted (retention or maintenance)");
      }
    }
  }
}
