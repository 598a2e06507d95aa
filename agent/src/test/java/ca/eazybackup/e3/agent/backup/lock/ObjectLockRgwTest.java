package ca.eazybackup.e3.agent.backup.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ca.eazybackup.e3.agent.backup.KopiaEngine;
import ca.eazybackup.e3.agent.backup.testing.EngineContext;
import ca.eazybackup.e3.agent.backup.testing.KopiaJobs;
import ca.eazybackup.e3.agent.engine.MaintenanceMode;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.engine.RunStatus;
import ca.eazybackup.e3.agent.s3.FixtureS3;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Object lock on a real single-node Ceph RGW ({@code -Ds3.fixture=ceph}, the {@code rgw} profile):
 * a backup job with {@code policy_json.object_lock} writes its repository's packs, indexes and
 * format blobs locked; with the agent's own keys a locked version cannot be deleted (a plain delete
 * only hides it behind a delete marker, as Kopia relies on); full maintenance extends the locks of
 * what is still referenced. Skipped on other fixtures (S3Proxy has no object lock: {@link
 * ObjectLockTest}).
 */
class ObjectLockRgwTest {
  private static FixtureS3 s3;

  @TempDir Path tmp;

  @BeforeAll
  static void startRgw() {
    assumeTrue(
        "ceph".equals(System.getProperty("s3.fixture", System.getenv("S3_FIXTURE"))),
        "object lock needs Ceph RGW: -Ds3.fixture=ceph (the rgw profile)");
    s3 = FixtureS3.startOrSkip();
  }

  @AfterAll
  static void stop() {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void aLockedBlobCannotBeDeletedAndFullMaintenanceExtendsTheLock() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("a.txt"), "alpha ".repeat(1000));
    String bucket = "e3-locked";
    var job =
        KopiaJobs.s3(
            src,
            s3.target(),
            bucket,
            "repo/",
            "pw",
            "{\"object_lock\":{\"mode\":\"GOVERNANCE\",\"days\":1}}");
    EngineContext ctx = new EngineContext(tmp.resolve("w"), tmp.resolve("c"));

    RunOutcome backup = new KopiaEngine().backup(job, ctx);
    assertThat(backup.status()).as(backup.message()).isEqualTo(RunStatus.SUCCESS);

    S3Client c = s3.factory().client(s3.target());
    assertThat(
            c.getObjectLockConfiguration(b -> b.bucket(bucket))
                .objectLockConfiguration()
                .objectLockEnabledAsString())
        .isEqualTo("Enabled");
    List<ObjectVersion> versions =
        c.listObjectVersions(b -> b.bucket(bucket).prefix("repo/")).versions();
    ObjectVersion pack =
        versions.stream().filter(v -> v.key().startsWith("repo/p")).findFirst().orElseThrow();
    for (String key : List.of(pack.key(), "repo/kopia.repository", "repo/kopia.blobcfg")) {
      var r = c.getObjectRetention(b -> b.bucket(bucket).key(key)).retention();
      assertThat(r.mode()).as(key).isEqualTo(ObjectLockRetentionMode.GOVERNANCE);
      assertThat(r.retainUntilDate()).as(key).isAfter(Instant.now().plus(Duration.ofHours(23)));
    }
    Instant firstLock =
        c.getObjectRetention(b -> b.bucket(bucket).key(pack.key())).retention().retainUntilDate();

    // a thief with the agent's keys: deleting the version itself is refused...
    assertThatThrownBy(
            () -> c.deleteObject(b -> b.bucket(bucket).key(pack.key()).versionId(pack.versionId())))
        .isInstanceOfSatisfying(
            S3Exception.class,
            e -> {
              System.out.println(
                  "RGW refused DeleteObject(versionId): HTTP "
                      + e.statusCode()
                      + " "
                      + e.awsErrorDetails().errorCode());
              assertThat(e.statusCode()).isEqualTo(403);
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
            });
    // ...and a plain delete only adds a delete marker: the locked version is still there
    c.deleteObject(b -> b.bucket(bucket).key(pack.key()));
    byte[] kept =
        c.getObjectAsBytes(b -> b.bucket(bucket).key(pack.key()).versionId(pack.versionId()))
            .asByteArray();
    assertThat(kept).hasSize(pack.size().intValue());

    // full maintenance moves the lock of what is still referenced a full period on
    // retain-until dates have whole seconds: await the next one so "later" shows
    long second = Instant.now().getEpochSecond();
    await().atMost(Duration.ofSeconds(3)).until(() -> Instant.now().getEpochSecond() > second);
    RunOutcome full = new KopiaEngine().maintain(job, MaintenanceMode.FULL, ctx);
    assertThat(full.status()).as(full.message()).isEqualTo(RunStatus.SUCCESS);
    assertThat(String.join("\n", ctx.progress.events)).contains("KOPIA_OBJECT_LOCKS_EXTENDED");
    String index =
        c.listObjectVersions(b -> b.bucket(bucket).prefix("repo/x")).versions().get(0).key();
    Instant extended =
        c.getObjectRetention(b -> b.bucket(bucket).key("repo/kopia.repository"))
            .retention()
            .retainUntilDate();
    assertThat(extended).isAfter(firstLock);
    assertThat(c.getObjectRetention(b -> b.bucket(bucket).key(index)).retention().mode())
        .isEqualTo(ObjectLockRetentionMode.GOVERNANCE);
  }
}
