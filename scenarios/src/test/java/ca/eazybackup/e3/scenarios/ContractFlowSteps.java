package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.eazybackup.e3.s3fixtures.S3TreeVerifier;
import ca.eazybackup.e3.s3fixtures.TreeManifest;
import ca.eazybackup.e3.shims.sim.SimulatedWindowsHost;
import ca.eazybackup.e3.whmcs.sim.AddonClient;
import ca.eazybackup.e3.whmcs.sim.RunWatcher;
import com.fasterxml.jackson.databind.JsonNode;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The seed's contract flows that had no scenario: several sources, job updates, notification mail
 * over real SMTP, live progress, the legacy endpoints, admin maintenance, schedules, restore modes
 * and the browser's refusals and network drives.
 */
public final class ContractFlowSteps {
  private final ScenarioWorld w;
  private final BackupSteps backup;
  private String notifyAddress;
  private JsonNode legacyJobs;
  private long commandId;
  private Path inPlaceEdited;
  private Path inPlaceDeleted;
  private byte[] editedOriginal;
  private AddonClient.Response browseAnswer;

  public ContractFlowSteps(ScenarioWorld w, BackupSteps backup) {
    this.w = w;
    this.backup = backup;
  }

  private AgentHttp agentApi() {
    return AgentHttp.agent(w.env.addon().baseUrl(), w.account);
  }

  // ---- several sources, job update ----

  @Given(
      "folders {string} and {string} generated from seeds {long} and {long} with the {string} tree")
  public void twoFolders(String a, String b, long seedA, long seedB, String preset) {
    for (var e : List.of(Map.entry(a, seedA), Map.entry(b, seedB))) {
      Path folder = w.dir.resolve("sources").resolve(e.getKey());
      w.folders.put(e.getKey(), folder);
      w.manifests.put(e.getKey(), w.generate(preset, e.getValue(), folder));
    }
  }

  @Given("a sync job for both folders to bucket {string} under prefix {string}")
  public void jobForBoth(String bucket, String prefix) {
    List<String> sources = new ArrayList<>();
    w.folders.values().forEach(p -> sources.add(p.toString()));
    w.folder = w.folders.values().iterator().next();
    backup.aJobWith("sync", bucket, prefix, Map.of("source_paths", sources));
  }

  @Then("every object under {string} equals folder {string} byte for byte")
  public void objectsEqualFolder(String prefix, String folder) {
    TreeManifest.Differences diff =
        S3TreeVerifier.using(w.env.s3().client())
            .compare(w.bucket, prefix, w.manifests.get(folder));
    assertThat(diff.none()).as(diff.summary()).isTrue();
  }

  @Given("a second folder {string} generated from seed {long} with the {string} tree")
  public void secondFolder(String name, long seed, String preset) {
    Path folder = w.dir.resolve("sources").resolve(name);
    w.folders.put(name, folder);
    w.manifests.put(name, w.generate(preset, seed, folder));
  }

  @When("the client updates the job's source to folder {string} and its prefix to {string}")
  public void updateJob(String folder, String prefix) {
    w.api()
        .post(
            "cloudbackup_update_job.php",
            Map.of(
                "job_id",
                w.jobId,
                "source_path",
                w.folders.get(folder).toString(),
                "dest_prefix",
                prefix));
    JsonNode job = null;
    for (JsonNode j : w.api().post("cloudbackup_list_jobs.php", Map.of()).path("jobs")) {
      if (j.path("job_id").asLong() == w.jobId) {
        job = j;
      }
    }
    assertThat(job).as("the job is listed").isNotNull();
    assertThat(job.path("dest_prefix").asText()).isEqualTo(prefix);
  }

  @Then("nothing was written under {string}")
  public void nothingUnder(String prefix) {
    assertThat(
            w.env
                .s3()
                .client()
                .listObjectsV2(b -> b.bucket(w.bucket).prefix(prefix + "/"))
                .contents())
        .isEmpty();
  }

  // ---- notification mail ----

  @Given(
      "a sync job for that folder to bucket {string} under prefix {string} that mails {string} on {string}")
  public void mailingJob(String bucket, String prefix, String who, String on) {
    notifyAddress = who.replace("<uid>", w.uid);
    backup.aJobWith("sync", bucket, prefix, Map.of("notify_email", notifyAddress, "notify_on", on));
  }

  @Given("a sync job for a folder that does not exist that mails {string} on {string}")
  public void failingMailingJob(String who, String on) {
    w.folder = w.dir.resolve("no-such-folder");
    mailingJob("gone", "gone", who, on);
  }

  @Then("the SMTP server received one mail to that address saying the run ended {string}")
  public void mailReceived(String status) throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(() -> !mailsTo(notifyAddress).isEmpty());
    List<MimeMessage> mails = mailsTo(notifyAddress);
    assertThat(mails).hasSize(1);
    String text = mails.get(0).getSubject() + "\n" + mails.get(0).getContent();
    assertThat(text).containsIgnoringCase(status).contains(String.valueOf(w.runId));
    JsonNode outbox =
        w.env.simControl().post("sim/outbox", Map.of("client_id", w.tenant.clientId()));
    boolean sent = false;
    for (JsonNode e : outbox.path("emails")) {
      if (e.path("run_id").asLong() == w.runId) {
        sent = !e.path("sent_at").isNull() && e.path("send_error").isNull();
      }
    }
    assertThat(sent).as("outbox row of run %d marked sent: %s", w.runId, outbox).isTrue();
  }

  @Then("the SMTP server also received a mail to that address saying the restore ended {string}")
  public void restoreMail(String status) throws Exception {
    String run = "Restore run " + w.restoreRunId + " ";
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (MimeMessage m : mailsTo(notifyAddress)) {
                if (String.valueOf(m.getContent()).contains(run)) {
                  return true;
                }
              }
              return false;
            });
    for (MimeMessage m : mailsTo(notifyAddress)) {
      if (String.valueOf(m.getContent()).contains(run)) {
        assertThat(m.getSubject()).startsWith("[e3 backup] Restore").containsIgnoringCase(status);
      }
    }
  }

  @Then("the SMTP server received no mail to that address")
  public void noMail() throws Exception {
    // The addon writes the outbox row and sends in the same step; the outbox proves it decided.
    await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ofSeconds(2)).until(() -> true);
    assertThat(mailsTo(notifyAddress)).isEmpty();
  }

  private static List<MimeMessage> mailsTo(String address) throws Exception {
    List<MimeMessage> out = new ArrayList<>();
    for (MimeMessage m : SharedSystem.smtp().getReceivedMessages()) {
      for (var r : m.getAllRecipients()) {
        if (r.toString().equalsIgnoreCase(address)) {
          out.add(m);
        }
      }
    }
    return out;
  }

  // ---- live progress ----

  @Then("while the run goes on the client sees its speed, ETA, current item and counters")
  public void liveProgress() {
    JsonNode[] seen = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              JsonNode r = RunWatcher.run(w.api(), w.jobId, w.runId);
              if (RunWatcher.TERMINAL.contains(r.path("status").asText())) {
                throw new AssertionError("run ended before live progress was seen: " + r);
              }
              seen[0] = r;
              return r.path("speed_bytes_per_sec").asLong() > 0
                  && r.path("eta_seconds").asLong() >= 0
                  && !r.path("current_item").asText("").isBlank()
                  && r.path("bytes_total").asLong() > 0
                  && r.path("files_total").asLong() > 0
                  && r.path("progress_pct").asDouble() > 0;
            });
    JsonNode r = seen[0];
    assertThat(r.path("bytes_transferred").asLong())
        .isLessThanOrEqualTo(r.path("bytes_total").asLong());
    assertThat(r.path("progress_pct").asDouble()).isLessThan(100.0);
    assertThat(r.path("current_item").asText()).startsWith(w.folder.toString());
  }

  // ---- legacy endpoints ----

  @When("the agent's legacy endpoints list its jobs and start a run of the job")
  public void legacy() {
    legacyJobs = agentApi().post("agent_fetch_jobs.php", Map.of()).path("jobs");
    w.runId =
        agentApi().post("agent_start_run.php", Map.of("job_id", w.jobId)).path("run_id").asLong();
    w.runIds.add(w.runId);
  }

  @Then("the listed job carries the job's source and destination and no run id")
  public void legacyJob() {
    JsonNode job = null;
    for (JsonNode j : legacyJobs) {
      if (j.path("job_id").asLong() == w.jobId) {
        job = j;
      }
    }
    assertThat(job).as("agent_fetch_jobs lists job %d: %s", w.jobId, legacyJobs).isNotNull();
    assertThat(job.has("run_id") && !job.get("run_id").isNull()).isFalse();
    assertThat(job.path("source_path").asText()).isEqualTo(w.folder.toString());
    assertThat(job.path("dest_bucket").asText()).isEqualTo(w.bucket);
    assertThat(RunWatcher.run(w.api(), w.jobId, w.runId).path("status").asText())
        .isIn("starting", "running", "success");
  }

  // ---- admin maintenance ----

  @When("an admin requests {string} for the job")
  public void adminRequests(String type) {
    AgentHttp admin = AgentHttp.admin(w.env.addon().baseUrl(), w.env.addon().config().adminToken());
    commandId =
        admin
            .post("admin_cloudbackup_request_command.php", Map.of("type", type, "job_id", w.jobId))
            .path("command_id")
            .asLong();
  }

  @Then("the admin's command ends {string} within {int} seconds")
  public void adminCommandEnds(String status, int seconds) {
    JsonNode[] c = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(seconds))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              c[0] =
                  w.env
                      .simControl()
                      .post("sim/command", Map.of("command_id", commandId))
                      .path("command");
              return List.of("completed", "failed").contains(c[0].path("status").asText());
            });
    assertThat(c[0].path("status").asText()).as(c[0] + w.diagnostics()).isEqualTo(status);
  }

  // ---- schedules ----

  @Given("a slow sync job for that folder limited to {int} KiB\\/s scheduled every minute")
  public void scheduledJob(int kib) {
    backup.aJobWith(
        "sync",
        "sched",
        "sched",
        Map.of(
            "bandwidth_limit_kbps",
            kib,
            "parallelism",
            1,
            "schedule_json",
            Map.of("type", "interval", "every_minutes", 1)));
    long job = w.jobId;
    // A schedule outlives the scenario otherwise: the addon would queue runs for a stopped agent.
    w.cleanups.push(
        () ->
            w.api()
                .post(
                    "cloudbackup_update_job.php",
                    Map.of("job_id", job, "schedule_json", Map.of("type", "manual"))));
  }

  @Then("within {int} seconds the scheduler starts a run with trigger {string}")
  public void scheduledRun(int seconds, String trigger) {
    JsonNode run = awaitRun(seconds, r -> trigger.equals(r.path("trigger_type").asText()));
    w.runId = run.path("run_id").asLong();
    w.runIds.add(w.runId);
  }

  @Then("within {int} seconds a slot during that run is recorded as {string} naming it")
  public void skippedRun(int seconds, String status) {
    JsonNode run = awaitRun(seconds, r -> status.equals(r.path("status").asText()));
    assertThat(run.path("trigger_type").asText()).isEqualTo("schedule");
    assertThat(run.path("error_summary").asText()).contains(String.valueOf(w.runId));
    assertThat(RunWatcher.run(w.api(), w.jobId, w.runId).path("status").asText())
        .as("the scheduled run is still going")
        .isIn("starting", "running");
  }

  private JsonNode awaitRun(int seconds, java.util.function.Predicate<JsonNode> match) {
    JsonNode[] found = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(seconds))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              for (JsonNode r :
                  w.api()
                      .post("cloudbackup_list_runs.php", Map.of("job_id", w.jobId))
                      .path("runs")) {
                if (match.test(r)) {
                  found[0] = r;
                  return true;
                }
              }
              return false;
            });
    return found[0];
  }

  // ---- restores in place, overwrite modes, cancel ----

  @When("one file of the folder is edited and another deleted")
  public void editAndDelete() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(w.folder)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    inPlaceEdited = files.get(0);
    inPlaceDeleted = files.get(1);
    editedOriginal = Files.readAllBytes(inPlaceEdited);
    Files.writeString(inPlaceEdited, "edited after the backup");
    Files.delete(inPlaceDeleted);
  }

  @When("the client restores the latest run in place with overwrite {string}")
  public void restoreInPlace(String overwrite) {
    w.restoreRunId =
        w.api()
            .post(
                "cloudbackup_start_restore.php",
                Map.of(
                    "run_id", w.runId, "target_path", w.folder.toString(), "overwrite", overwrite))
            .path("restore_run_id")
            .asLong();
  }

  @Then("the edited file keeps its edit and the deleted file is back")
  public void keptEdit() throws IOException {
    assertThat(Files.readString(inPlaceEdited)).isEqualTo("edited after the backup");
    assertDeletedBack();
  }

  @Then("the edited file is as backed up and the deleted file is back")
  public void overwritten() throws IOException {
    assertThat(Files.readAllBytes(inPlaceEdited)).isEqualTo(editedOriginal);
    assertDeletedBack();
    TreeManifest.Differences diff = w.manifest.verify(w.folder);
    assertThat(diff.none()).as(diff.summary()).isTrue();
  }

  @Then("the edited file keeps its edit and the backed-up copy is beside it as {string}")
  public void renamed(String name) throws IOException {
    assertThat(Files.readString(inPlaceEdited)).isEqualTo("edited after the backup");
    String file = inPlaceEdited.getFileName().toString();
    int dot = file.lastIndexOf('.');
    String expected =
        name.replace("<name>", dot < 0 ? file : file.substring(0, dot))
            .replace("<ext>", dot < 0 ? "" : file.substring(dot));
    Path beside = inPlaceEdited.resolveSibling(expected);
    assertThat(beside).exists();
    assertThat(Files.readAllBytes(beside)).isEqualTo(editedOriginal);
    assertDeletedBack();
  }

  private void assertDeletedBack() {
    assertThat(inPlaceDeleted).as("the deleted file restored").exists();
  }

  @Given("S3 answers every download {int} ms late")
  public void slowDownloads(int millis) {
    java.net.URI s3 = w.env.s3().endpoint();
    Relay relay = new Relay(s3);
    relay.delayDownloads(s3.getScheme() + "://" + s3.getAuthority(), millis);
    setS3Endpoint(relay.urlFor(s3));
    w.cleanups.push(relay::close);
    w.cleanups.push(() -> setS3Endpoint(s3.toString()));
  }

  private void setS3Endpoint(String url) {
    w.env.simControl().post("sim/settings", Map.of("cloudbackup_agent_s3_endpoint", url));
  }

  @When("the client cancels the restore once it is running")
  public void cancelRestore() {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                !"queued"
                    .equals(
                        RunWatcher.run(w.api(), w.jobId, w.restoreRunId).path("status").asText()));
    w.api()
        .post(
            "cloudbackup_request_command.php", Map.of("type", "cancel", "run_id", w.restoreRunId));
  }

  // ---- service mode and doctor ----

  private String lastCliOutput;
  private int lastCliExit;

  @When("the agent's command line runs {string} with the agent's config")
  public void runCli(String args) throws Exception {
    runCli(args, false);
  }

  /** Installing or changing a service needs an elevated process, on Windows as in the sim. */
  @When("an administrator runs the agent's command line {string} with the agent's config")
  public void runCliElevated(String args) throws Exception {
    runCli(args, true);
  }

  private void runCli(String args, boolean elevated) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(SharedSystem.agentJar().toString());
    cmd.addAll(List.of(args.split(" ")));
    cmd.add("--config");
    cmd.add(w.agent.configFile().toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(w.agentEnv);
    pb.environment().put("E3_SIMHOST_ELEVATED", String.valueOf(elevated));
    Process p = pb.start();
    lastCliOutput =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    lastCliExit = p.exitValue();
  }

  @Then("it exits {int} and prints {string}")
  public void cliResult(int exit, String text) {
    assertThat(lastCliOutput).as("output of the command").contains(text);
    assertThat(lastCliExit).as("exit status; output:%n%s", lastCliOutput).isEqualTo(exit);
  }

  // ---- browser ----

  @Given("the agent's host has drive {string} mapped to share {string}")
  public void mappedDrive(String drive, String unc) throws Exception {
    String[] parts = unc.substring(2).split("\\\\");
    Files.createDirectories(
        w.windowsHostRoot().resolve("shares").resolve(parts[0]).resolve(parts[1]));
    SimulatedWindowsHost host =
        SimulatedWindowsHost.builder(w.windowsHostRoot()).journal(w.journal()).build();
    host.drives().map(drive.charAt(0), unc, true);
  }

  @Then("the listing shows drive {string} as a network drive of {string}")
  public void networkDrive(String drive, String unc) {
    JsonNode listing = w.lastListing;
    JsonNode found = null;
    for (JsonNode e : listing.path("entries")) {
      if (drive.equalsIgnoreCase(e.path("name").asText())) {
        found = e;
      }
    }
    assertThat(found).as("drive %s in %s", drive, listing).isNotNull();
    assertThat(found.path("is_network").asBoolean()).isTrue();
    assertThat(found.path("drive_type").asText()).isEqualTo("network");
    assertThat(found.path("unc_path").asText()).isEqualTo(unc);
  }

  @When("the client tries to browse {string} on the agent")
  public void tryBrowse(String path) {
    browseAnswer =
        w.api()
            .call(
                "POST",
                "agent_browse_filesystem.php",
                Map.of("agent_id", w.account.agentId(), "path", path));
  }

  @Then("the browse is refused with HTTP {int} and a message mentioning {string}")
  public void browseRefused(int status, String words) {
    assertThat(browseAnswer.httpStatus()).as(browseAnswer.body().toString()).isEqualTo(status);
    assertThat(browseAnswer.body().path("message").asText()).containsIgnoringCase(words);
  }
}
