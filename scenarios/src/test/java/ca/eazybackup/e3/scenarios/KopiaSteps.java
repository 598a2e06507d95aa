package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.s3fixtures.TestTree;
import ca.eazybackup.e3.s3fixtures.TreeManifest;
import com.fasterxml.jackson.databind.JsonNode;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Kopia jobs: snapshots, increments, restores, passwords. */
public final class KopiaSteps {
  private final ScenarioWorld w;
  private final BackupSteps backup;
  private final Map<Integer, TreeManifest> folderAtRun = new HashMap<>();
  private Path restored;

  public KopiaSteps(ScenarioWorld w, BackupSteps backup) {
    this.w = w;
    this.backup = backup;
  }

  @Given(
      "a kopia job for that folder to bucket {string} under prefix {string} with password {string}")
  public void kopiaJob(String bucket, String prefix, String password) {
    kopiaJobLimited(bucket, prefix, password, 0);
  }

  @Given(
      "a kopia job for that folder to bucket {string} under prefix {string} with password {string} limited to {int} KiB\\/s")
  public void kopiaJobLimited(String bucket, String prefix, String password, int kibPerSec) {
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("encryption_password", password);
    extra.put("compression", "zstd");
    if (kibPerSec > 0) {
      extra.put("bandwidth_limit_kbps", kibPerSec);
      extra.put("parallelism", 2);
    }
    backup.aJobWith("kopia", bucket, prefix, extra);
  }

  @Given("a kopia job for that folder to the same repository with password {string}")
  public void sameRepositoryOtherPassword(String password) {
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("name", "kopia job (other password) " + w.uid);
    job.put("source_type", "local_agent");
    job.put("agent_id", w.account.agentId());
    job.put("engine", "kopia");
    job.put("source_path", w.folder.toString());
    job.put("dest_bucket", w.bucket);
    job.put("dest_prefix", w.prefix);
    job.put("encryption_password", password);
    w.jobId = w.api().post("cloudbackup_create_job.php", job).path("job_id").asLong();
    w.runIds.clear();
  }

  @Then("the run recorded a snapshot manifest id")
  public void manifestRecorded() {
    JsonNode snapshots =
        w.api().post("cloudbackup_list_snapshots.php", Map.of("job_id", w.jobId)).path("snapshots");
    boolean found = false;
    for (JsonNode s : snapshots) {
      found |= s.path("run_id").asLong() == w.runId && !s.path("manifest_id").asText("").isEmpty();
    }
    assertThat(found).as("snapshot of run %d in %s", w.runId, snapshots).isTrue();
    folderAtRun.put(w.runIds.size(), TreeManifest.scan(w.folder));
  }

  /** The folder's manifest when run {@code nth} (1-based) recorded its snapshot. */
  TreeManifest folderAt(int nth) {
    return folderAtRun.get(nth);
  }

  @When("one percent of the folder's files change")
  public void onePercentChanges() {
    assertThat(TestTree.modifyOnePercent(w.folder, 99)).isNotEmpty();
  }

  @When("one percent of the folder's files change with seed {int}")
  public void onePercentChangesWithSeed(int seed) {
    assertThat(TestTree.modifyOnePercent(w.folder, seed)).isNotEmpty();
  }

  @When("the file {string} is deleted from the folder")
  public void deleteFile(String rel) throws IOException {
    Files.delete(w.folder.resolve(rel));
  }

  @When("a file {string} of {int} bytes is added to the folder")
  public void addFile(String rel, int size) throws IOException {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    Files.write(w.folder.resolve(rel), data);
  }

  @When("the client restores run {int} of the job to a new folder")
  public void restore(int nth) {
    restorePaths(nth, List.of());
  }

  @When("the client restores only {string} of run {int} of the job to a new folder")
  public void restoreOnly(String paths, int nth) {
    restorePaths(nth, split(paths));
  }

  private static List<String> split(String paths) {
    return Arrays.stream(paths.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList();
  }

  private void restorePaths(int nth, List<String> paths) {
    long sourceRun = w.runIds.get(nth - 1);
    folderAtRun.computeIfAbsent(nth, n -> w.manifest);
    restored = w.dir.resolve("restore-" + nth + "-" + System.nanoTime());
    w.restoreRunId =
        w.api()
            .post(
                "cloudbackup_start_restore.php",
                Map.of("run_id", sourceRun, "target_path", restored.toString(), "paths", paths))
            .path("restore_run_id")
            .asLong();
  }

  @Then("the restored folder holds only {string} as they were at run {int}")
  public void restoredHoldsOnly(String paths, int nth) {
    List<String> selected = split(paths);
    List<TreeManifest.Entry> expected =
        folderAtRun.get(nth).entries().stream()
            .filter(
                e ->
                    selected.stream()
                        .anyMatch(p -> e.path().equals(p) || e.path().startsWith(p + "/")))
            .toList();
    assertThat(expected).as("the selection names files of run %d", nth).isNotEmpty();
    assertThat(TreeManifest.scan(restored).entries()).containsExactlyElementsOf(expected);
  }

  @Then("the restore ends {string} within {int} seconds")
  public void restoreEnds(String status, int seconds) {
    w.assertRunEnds("restore run", w.restoreRunId, status, seconds);
  }

  @Then("the restore run's events hold {string} once each")
  public void restoreEventsOnceEach(String codes) {
    List<String> got = new ArrayList<>();
    for (JsonNode e : w.events(w.restoreRunId)) {
      got.add(e.path("code").asText());
    }
    for (String code : split(codes)) {
      assertThat(got).as("events of restore run %d", w.restoreRunId).containsOnlyOnce(code);
    }
  }

  @Then("the restored folder equals the folder as it was at run {int}")
  public void restoredEquals(int nth) {
    TreeManifest expected = folderAtRun.get(nth);
    TreeManifest.Differences diff = expected.verify(restored);
    assertThat(diff.none()).as(diff.summary()).isTrue();
  }

  @Then("the run's error mentions {string}")
  public void errorMentions(String word) {
    assertThat(w.lastRun.path("error_summary").asText().toLowerCase(java.util.Locale.ROOT))
        .contains(word.toLowerCase(java.util.Locale.ROOT));
  }
}
