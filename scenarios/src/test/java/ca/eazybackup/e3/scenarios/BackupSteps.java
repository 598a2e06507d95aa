package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.s3fixtures.S3TreeVerifier;
import ca.eazybackup.e3.s3fixtures.TreeManifest;
import com.fasterxml.jackson.databind.JsonNode;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Jobs, runs and what ends up in S3. */
public final class BackupSteps {
  private final ScenarioWorld w;

  public BackupSteps(ScenarioWorld w) {
    this.w = w;
  }

  @Given("the fake addon, an S3 server and an agent process are running")
  public void systemRunning() {
    w.startAgent();
    assertThat(w.agent.isAlive()).as("agent process alive" + w.diagnostics()).isTrue();
  }

  @Given("a folder generated from seed {long} with the {string} tree")
  public void aFolder(long seed, String preset) {
    w.folder = w.dir.resolve("source");
    w.manifest = w.generate(preset, seed, w.folder);
  }

  @Given("a {word} job for that folder to bucket {string} under prefix {string}")
  public void aJob(String engine, String bucket, String prefix) {
    aJobWith(engine, bucket, prefix, Map.of());
  }

  void aJobWith(String engine, String bucket, String prefix, Map<String, Object> extra) {
    w.bucket = w.bucket(bucket, true);
    w.prefix = prefix;
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("name", engine + " job " + w.uid);
    job.put("source_type", "local_agent");
    job.put("agent_id", w.account.agentId());
    job.put("engine", engine);
    job.put("source_path", w.folder.toString());
    job.put("dest_bucket", w.bucket);
    job.put("dest_prefix", prefix);
    job.putAll(extra);
    w.jobId = w.api().post("cloudbackup_create_job.php", job).path("job_id").asLong();
  }

  @When("the client starts a run of the job")
  public void startRun() {
    w.runId =
        w.api()
            .post("cloudbackup_start_run.php", Map.of("job_id", w.jobId))
            .path("run_id")
            .asLong();
    w.runIds.add(w.runId);
  }

  @Then("the run ends {string} within {int} seconds")
  public void runEnds(String status, int seconds) {
    w.assertRunEnds("run", w.runId, status, seconds);
  }

  @Then("every object under {string} in bucket {string} equals its source file byte for byte")
  public void bucketEqualsSource(String prefix, String bucketName) {
    TreeManifest.Differences diff =
        S3TreeVerifier.using(w.env.s3().client()).compare(w.bucket, prefix, w.manifest);
    assertThat(diff.none()).as(diff.summary()).isTrue();
  }

  @Then("the run's events include {string} and {string}")
  public void eventsInclude(String first, String last) {
    List<String> codes = new ArrayList<>();
    for (JsonNode e : w.events(w.runId)) {
      codes.add(e.path("code").asText());
    }
    assertThat(codes).contains(first, last);
    assertThat(codes.indexOf(first)).isLessThan(codes.lastIndexOf(last));
  }
}
