package ca.eazybackup.e3.agent.backup.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.agent.backup.KopiaEngine;
import ca.eazybackup.e3.agent.backup.blob.BlobRetention;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.blob.FilesystemBlobStorage;
import ca.eazybackup.e3.agent.backup.blob.S3BlobStorage;
import ca.eazybackup.e3.agent.backup.maintenance.ObjectLocks;
import ca.eazybackup.e3.agent.backup.repo.Repository;
import ca.eazybackup.e3.agent.backup.repo.RepositoryOptions;
import ca.eazybackup.e3.agent.backup.testing.EngineContext;
import ca.eazybackup.e3.agent.backup.testing.KopiaJobs;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.engine.RunStatus;
import ca.eazybackup.e3.agent.s3.FixtureS3;
import ca.eazybackup.e3.s3fixtures.S3Fixture;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Object lock where it cannot work: a folder repository and S3Proxy (which has no object lock)
 * refuse it with a message that says so, before anything is written. Where it works (Ceph RGW) is
 * {@link ObjectLockRgwTest}.
 */
class ObjectLockTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static FixtureS3 s3;

  @TempDir Path tmp;

  @BeforeAll
  static void startS3() {
    s3 = new FixtureS3Proxy().start();
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void theJobsSettingIsReadFromPolicyJson() throws Exception {
    assertThat(ObjectLocks.fromPolicy(null)).isNull();
    assertThat(ObjectLocks.fromPolicy(JSON.readTree("{\"mirror\":true}"))).isNull();
    assertThat(ObjectLocks.fromPolicy(JSON.readTree("{\"object_lock\":{\"mode\":\"off\"}}")))
        .isNull();
    assertThat(
            ObjectLocks.fromPolicy(
                JSON.readTree("{\"object_lock\":{\"mode\":\"governance\",\"days\":30}}")))
        .isEqualTo(new BlobRetention("GOVERNANCE", Duration.ofDays(30)));
    assertThatThrownBy(
            () ->
                ObjectLocks.fromPolicy(
                    JSON.readTree("{\"object_lock\":{\"mode\":\"COMPLIANCE\",\"days\":0}}")))
        .hasMessageContaining("at least 24 hours");
    assertThatThrownBy(
            () ->
                ObjectLocks.fromPolicy(
                    JSON.readTree("{\"object_lock\":{\"mode\":\"forever\",\"days\":3}}")))
        .hasMessageContaining("GOVERNANCE or COMPLIANCE");
  }

  @Test
  void kopiasLockedPrefixesAreLockedAndTheRestStaysDeletable() {
    for (String id :
        List.of("p0123", "qabc", "n99", "xn0_abc", "xe1", "kopia.repository", "kopia.blobcfg")) {
      assertThat(BlobRetention.isLocked(id)).as(id).isTrue();
    }
    for (String id : List.of("s0123-abc", "_log_1", "kopia.maintenance", "kopia.lock")) {
      assertThat(BlobRetention.isLocked(id)).as(id).isFalse();
    }
  }

  @Test
  void aFolderRepositoryRefusesObjectLockAndWritesNothing() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("repo"));
    try (BlobStorage st = FilesystemBlobStorage.open(dir)) {
      assertThatThrownBy(
              () ->
                  Repository.create(
                      st,
                      "pw",
                      RepositoryOptions.defaults(),
                      new BlobRetention("GOVERNANCE", Duration.ofDays(1))))
          .hasMessageContaining("object lock was requested")
          .hasMessageContaining("does not support it");
      List<String> blobs = new ArrayList<>();
      st.list("", b -> blobs.add(b.blobId()));
      assertThat(blobs).isEmpty();
    }
  }

  @Test
  void onS3ProxyABackupAskingForObjectLockFailsClearlyAndWritesNoRepository() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("a.txt"), "alpha");
    var job =
        KopiaJobs.s3(
            src,
            s3.target(),
            "lock-refused",
            "repo/",
            "pw",
            "{\"object_lock\":{\"mode\":\"GOVERNANCE\",\"days\":7}}");
    EngineContext ctx = new EngineContext(tmp.resolve("w"), tmp.resolve("c"));

    RunOutcome o = new KopiaEngine().backup(job, ctx);

    assertThat(o.status()).isEqualTo(RunStatus.FAILED);
    assertThat(o.message())
        .contains("object lock was requested but bucket 'lock-refused'")
        .contains("has no object lock");
    try (S3BlobStorage raw =
        S3BlobStorage.open(
            s3.factory().client(s3.target()),
            s3.target().endpoint(),
            "lock-refused",
            "repo/",
            false)) {
      assertThat(Repository.exists(raw)).isFalse();
    }

    // the same job without object lock backs up there as usual
    var plain = KopiaJobs.s3(src, s3.target(), "lock-refused", "repo/", "pw", null);
    assertThat(new KopiaEngine().backup(plain, ctx).status()).isEqualTo(RunStatus.SUCCESS);
  }

  /** S3Proxy whatever -Ds3.fixture says: the server without object lock. */
  private static final class FixtureS3Proxy {
    FixtureS3 start() {
      S3Fixture f = S3Fixture.startOrSkip("s3proxy");
      return new FixtureS3(
          f,
          new ca.eazybackup.e3.agent.s3.S3ClientFactory(),
          new ca.eazybackup.e3.agent.s3.S3Target(
              f.endpoint().toString(), f.region(), f.accessKey(), f.secretKey()));
    }
  }
}
