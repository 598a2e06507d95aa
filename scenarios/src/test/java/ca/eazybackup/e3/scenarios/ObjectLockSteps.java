package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockRetention;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Object lock through the addon (object_lock.feature, Ceph RGW only): the job's policy asks for it,
 * the agent creates the bucket with lock enabled and writes locked blobs; the checks use the S3
 * server's keys, which are the keys the addon hands the agent for the client's buckets.
 */
public final class ObjectLockSteps {
  private final ScenarioWorld w;

  public ObjectLockSteps(ScenarioWorld w) {
    this.w = w;
  }

  @Given(
      "a kopia job with object lock {string} for {int} day(s) for that folder to a new bucket {string} under prefix {string} with password {string}")
  public void lockedKopiaJob(String mode, int days, String bucket, String prefix, String password) {
    // registered with the addon but not created: S3 enables object lock only at bucket creation,
    // so the agent creates it (bucket_auto_create) with lock on
    w.bucket = w.bucket(bucket, false);
    w.prefix = prefix;
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("name", "locked kopia job " + w.uid);
    job.put("source_type", "local_agent");
    job.put("agent_id", w.account.agentId());
    job.put("engine", "kopia");
    job.put("source_path", w.folder.toString());
    job.put("dest_bucket", w.bucket);
    job.put("dest_prefix", prefix);
    job.put("bucket_auto_create", true);
    job.put("encryption_password", password);
    job.put("compression", "zstd");
    job.put("policy_json", Map.of("object_lock", Map.of("mode", mode, "days", days)));
    w.jobId = w.api().post("cloudbackup_create_job.php", job).path("job_id").asLong();
    w.runIds.clear();
  }

  @Then(
      "the repository's packs and format blob under {string} are locked in {string} mode for at least {int} hours")
  public void locked(String prefix, String mode, int hours) {
    S3Client s3 = w.env.s3().client();
    assertThat(
            s3.getObjectLockConfiguration(b -> b.bucket(w.bucket))
                .objectLockConfiguration()
                .objectLockEnabledAsString())
        .isEqualTo("Enabled");
    List<String> keys = List.of(pack(s3, prefix).key(), prefix + "/kopia.repository");
    for (String key : keys) {
      ObjectLockRetention r = s3.getObjectRetention(b -> b.bucket(w.bucket).key(key)).retention();
      assertThat(r.modeAsString()).as(key).isEqualTo(mode);
      assertThat(r.retainUntilDate()).as(key).isAfter(Instant.now().plus(Duration.ofHours(hours)));
    }
  }

  @Then("deleting a locked pack version with the agent's keys is refused and the version stays")
  public void deleteRefused() {
    S3Client s3 = w.env.s3().client();
    ObjectVersion pack = pack(s3, w.prefix);
    assertThatThrownBy(
            () ->
                s3.deleteObject(
                    b -> b.bucket(w.bucket).key(pack.key()).versionId(pack.versionId())))
        .isInstanceOfSatisfying(
            S3Exception.class, e -> assertThat(e.statusCode()).as(e.getMessage()).isEqualTo(403));
    assertThat(
            s3.headObject(b -> b.bucket(w.bucket).key(pack.key()).versionId(pack.versionId()))
                .contentLength())
        .isEqualTo(pack.size());
  }

  /** A pack blob of the repository (data packs start with "p"). */
  private ObjectVersion pack(S3Client s3, String prefix) {
    return s3.listObjectVersions(b -> b.bucket(w.bucket).prefix(prefix + "/p")).versions().stream()
        .findFirst()
        .orElseThrow(() -> new AssertionError("no pack under " + prefix + "/ in " + w.bucket));
  }
}
