package ca.eazybackup.e3.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.engine.RestoreRequest;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.engine.RunStatus;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.s3fixtures.S3Fixture;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A sync restore never writes outside its target, whatever the bucket holds: Windows-illegal keys
 * are skipped with their name, a link in the target is not written through, and {@code
 * delete_extra} refuses a profile root. Against a real S3 server (S3Proxy).
 */
class SyncRestoreSafetyTest {
  static S3Fixture s3;
  static S3Client admin;

  @TempDir Path tmp;
  S3ClientFactory factory;
  Path source;
  Path cache;
  String bucket;

  @BeforeAll
  static void startS3() {
    s3 = SharedS3.get();
    admin = s3.client();
  }

  @BeforeEach
  void setUp() throws Exception {
    factory = new S3ClientFactory(Duration.ofMinutes(2), 32, List.of());
    source = Files.createDirectories(tmp.resolve("src"));
    cache = Files.createDirectories(tmp.resolve("cache"));
    bucket = SharedS3.newBucketName("safe");
  }

  @AfterEach
  void tearDown() {
    factory.close();
  }

  private SyncJobs job() {
    return SyncJobs.of(s3, bucket, "backups/pc1", source.toString());
  }

  private RunOutcome restore(Path target, boolean deleteExtra) throws Exception {
    return new SyncEngine()
        .restore(
            job().build(),
            new RestoreRequest(null, target.toString(), List.of(), "always", deleteExtra),
            new TestRunContext(tmp, cache, factory));
  }

  @Test
  void keysWithWindowsIllegalNamesAreSkippedAndNothingLandsOutsideTheTarget() throws Exception {
    Files.writeString(source.resolve("ok.txt"), "fine");
    new SyncEngine().backup(job().build(), new TestRunContext(tmp, cache, factory));
    List<String> hostile = List.of("CON", "a:b.txt", "C:x", "trailing.", "x|y.txt", "nul.log");
    for (String name : hostile) {
      admin.putObject(
          b -> b.bucket(bucket).key("backups/pc1/" + name), RequestBody.fromString("evil"));
    }
    Path target = tmp.resolve("restore");

    RunOutcome outcome = restore(target, false);

    assertThat(outcome.stats()).containsEntry("files_restored", 1L);
    assertThat(outcome.stats()).containsEntry("files_skipped", (long) hostile.size());
    assertThat(Files.readString(target.resolve("ok.txt"))).isEqualTo("fine");
    try (var l = Files.list(target)) {
      assertThat(l.map(p -> p.getFileName().toString())).containsExactly("ok.txt");
    }
  }

  @Test
  void aSymlinkWhereAFolderBelongsIsReplacedAndNothingIsWrittenThroughIt() throws Exception {
    Files.createDirectories(source.resolve("docs"));
    Files.writeString(source.resolve("docs/report.txt"), "report");
    new SyncEngine().backup(job().build(), new TestRunContext(tmp, cache, factory));
    Path target = Files.createDirectories(tmp.resolve("restore"));
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.createSymbolicLink(target.resolve("docs"), elsewhere);

    RunOutcome outcome = restore(target, false);

    assertThat(outcome.status()).as(outcome.message()).isEqualTo(RunStatus.SUCCESS);
    assertThat(elsewhere).as("nothing written through the link").isEmptyDirectory();
    assertThat(Files.isDirectory(target.resolve("docs"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(Files.readString(target.resolve("docs/report.txt"))).isEqualTo("report");
  }

  @Test
  void deleteExtraOntoAProfileRootIsRefusedBeforeAnythingIsWritten() throws Exception {
    Files.writeString(source.resolve("ok.txt"), "fine");
    new SyncEngine().backup(job().build(), new TestRunContext(tmp, cache, factory));
    // /home/<name> is a profile root: refused without creating or deleting anything there.
    Path profile = Path.of("/home", "e3-safety-" + ProcessHandle.current().pid());
    try {
      RunOutcome outcome = restore(profile, true);

      assertThat(outcome.status()).isEqualTo(RunStatus.FAILED);
      assertThat(outcome.message()).contains("delete_extra refused").contains("profile");
      assertThat(profile).doesNotExist();
    } finally {
      if (Files.exists(profile.resolve("ok.txt"))) {
        Files.delete(profile.resolve("ok.txt"));
      }
      Files.deleteIfExists(profile);
    }
  }
}
