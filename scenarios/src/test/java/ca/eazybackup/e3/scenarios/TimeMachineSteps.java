package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.eazybackup.e3.s3fixtures.TreeManifest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Time Machine through the addon: snapshot_browse and snapshot_diff answered by the agent. */
public final class TimeMachineSteps {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ScenarioWorld w;
  private final KopiaSteps kopia;
  private JsonNode command;

  private final NasMountSteps nas;

  public TimeMachineSteps(ScenarioWorld w, KopiaSteps kopia, NasMountSteps nas) {
    this.w = w;
    this.kopia = kopia;
    this.nas = nas;
  }

  @When("the client mounts the snapshot of run {int} as drive {string}")
  public void mountSnapshot(int nth, String letter) {
    long mountId =
        w.api()
            .post(
                "cloudnas_mount_snapshot.php",
                Map.of(
                    "job_id", w.jobId, "manifest_id", manifestOfRun(nth), "drive_letter", letter))
            .path("mount_id")
            .asLong();
    nas.follow(mountId);
  }

  @Then(
      "the agent's host shows drive {string} labelled Time Machine with the job's name and the date"
          + " of run {int}")
  public void labelled(String letter, int nth) throws Exception {
    String name = null;
    for (JsonNode j : w.api().post("cloudbackup_list_jobs.php", Map.of()).path("jobs")) {
      if (j.path("job_id").asLong() == w.jobId) {
        name = j.path("name").asText();
      }
    }
    assertThat(name).as("the job's name").isNotBlank();
    var drive = nas.drive(letter.charAt(0)).orElseThrow(() -> new AssertionError(letter));
    String prefix = "Time Machine (" + name + ", ";
    assertThat(drive.label()).startsWith(prefix).endsWith(")");
    // the snapshot's start, in the agent's (this machine's) zone, to the minute
    java.time.LocalDateTime when =
        java.time.LocalDateTime.parse(
            drive.label().substring(prefix.length(), drive.label().length() - 1),
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
    java.time.LocalDateTime now = java.time.LocalDateTime.now();
    assertThat(when)
        .as("run %d's snapshot time in %s", nth, drive.label())
        .isBetween(now.minusMinutes(30), now);
  }

  @Then("a WebDAV client reads every file changed since run {int} from the drive as it was then")
  public void readsChangedFiles(int nth) throws Exception {
    TreeManifest then = kopia.folderAt(nth);
    TreeManifest now = TreeManifest.scan(w.folder);
    List<TreeManifest.Entry> changed = new ArrayList<>();
    for (TreeManifest.Entry e : then.entries()) {
      var current = now.entry(e.path());
      if (current.isEmpty() || !current.get().sha256().equals(e.sha256())) {
        changed.add(e);
      }
    }
    assertThat(changed).as("files changed since run %d", nth).isNotEmpty();
    com.github.sardine.Sardine dav = com.github.sardine.SardineFactory.begin();
    try {
      String base = nas.driveUrl();
      for (TreeManifest.Entry e : changed) {
        StringBuilder href = new StringBuilder(base);
        String[] parts = e.path().split("/");
        for (int i = 0; i < parts.length; i++) {
          href.append(i == 0 ? "" : "/")
              .append(
                  java.net.URLEncoder.encode(parts[i], java.nio.charset.StandardCharsets.UTF_8)
                      .replace("+", "%20"));
        }
        byte[] bytes;
        try (java.io.InputStream in = dav.get(href.toString())) {
          bytes = in.readAllBytes();
        }
        String sha =
            java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        assertThat(sha).as(e.path()).isEqualTo(e.sha256());
      }
    } finally {
      dav.shutdown();
    }
  }

  private String manifestOfRun(int nth) {
    long run = w.runIds.get(nth - 1);
    for (JsonNode s :
        w.api()
            .post("cloudbackup_list_snapshots.php", Map.of("job_id", w.jobId))
            .path("snapshots")) {
      if (s.path("run_id").asLong() == run) {
        return s.path("manifest_id").asText();
      }
    }
    throw new AssertionError("no snapshot recorded for run " + run);
  }

  private void request(Map<String, Object> params) {
    Map<String, Object> p = new LinkedHashMap<>(params);
    p.put("job_id", w.jobId);
    long id = w.api().post("cloudbackup_request_command.php", p).path("command_id").asLong();
    JsonNode[] c = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              c[0] =
                  w.env.simControl().post("sim/command", Map.of("command_id", id)).path("command");
              return List.of("completed", "failed").contains(c[0].path("status").asText());
            });
    command = c[0];
  }

  private JsonNode result() throws Exception {
    assertThat(command.path("status").asText())
        .as(command + w.diagnostics())
        .isEqualTo("completed");
    return JSON.readTree(command.path("result_message").asText());
  }

  @When("the client browses {string} in the snapshot of run {int}")
  public void browse(String path, int nth) {
    request(
        Map.of(
            "type",
            "snapshot_browse",
            "manifest_id",
            manifestOfRun(nth),
            "path",
            path,
            "offset",
            0));
  }

  @Then("the listing holds the files of {string} as they were at run {int}, with sizes and times")
  public void listingHolds(String folder, int nth) throws Exception {
    JsonNode r = result();
    Map<String, Long> expected = new LinkedHashMap<>();
    for (TreeManifest.Entry e : kopia.folderAt(nth).entries()) {
      String rest = e.path().substring(folder.length() + 1);
      if (e.path().startsWith(folder + "/") && !rest.contains("/")) {
        expected.put(rest, e.size());
      }
    }
    Map<String, Long> got = new LinkedHashMap<>();
    for (JsonNode e : r.path("entries")) {
      got.put(e.path("name").asText(), e.path("size_bytes").asLong());
      assertThat(e.path("modified").asText()).as(e.toString()).matches("\\d{4}-.*Z");
    }
    assertThat(got).isEqualTo(expected);
    assertThat(r.path("truncated").asBoolean()).isFalse();
    assertThat(r.path("total").asInt()).isEqualTo(expected.size());
  }

  @Then("the listing shows the folders first")
  public void foldersFirst() throws Exception {
    List<String> types = new ArrayList<>();
    for (JsonNode e : result().path("entries")) {
      types.add(e.path("type").asText());
    }
    assertThat(types).contains("dir", "file");
    assertThat(types.lastIndexOf("dir")).isLessThan(types.indexOf("file"));
  }

  @When("the client compares the snapshots of run {int} and run {int}")
  public void compare(int a, int b) {
    request(
        Map.of(
            "type", "snapshot_diff",
            "from_manifest_id", manifestOfRun(a),
            "to_manifest_id", manifestOfRun(b)));
  }

  @Then(
      "the comparison equals a brute-force comparison of the folder at run {int} and at run {int}")
  public void comparisonEqualsBruteForce(int a, int b) throws Exception {
    TreeManifest before = kopia.folderAt(a);
    TreeManifest after = kopia.folderAt(b);
    Set<String> expected = new TreeSet<>();
    for (TreeManifest.Entry e : after.entries()) {
      var old = before.entry(e.path());
      if (old.isEmpty()) {
        expected.add("added " + e.path() + " 0 " + e.size());
      } else if (!old.get().sha256().equals(e.sha256())) {
        expected.add("modified " + e.path() + " " + old.get().size() + " " + e.size());
      }
    }
    for (TreeManifest.Entry e : before.entries()) {
      if (after.entry(e.path()).isEmpty()) {
        expected.add("removed " + e.path() + " " + e.size() + " 0");
      }
    }
    JsonNode r = result();
    Set<String> got = new TreeSet<>();
    for (JsonNode c : r.path("changes")) {
      if (!c.path("type").asText().equals("dir")) {
        got.add(
            c.path("kind").asText()
                + " "
                + c.path("path").asText()
                + " "
                + c.path("old_size").asLong()
                + " "
                + c.path("new_size").asLong());
      }
    }
    assertThat(expected).as("the scenario changed something").isNotEmpty();
    assertThat(got).isEqualTo(expected);
    assertThat(r.path("truncated").asBoolean()).isFalse();
  }

  @Then("the snapshot command fails mentioning {string}")
  public void commandFails(String text) {
    assertThat(command.path("status").asText()).as(command.toString()).isEqualTo("failed");
    assertThat(command.path("result_message").asText()).contains(text);
  }
}
