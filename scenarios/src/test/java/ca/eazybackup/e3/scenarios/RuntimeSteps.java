package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.eazybackup.e3.shims.sim.SimulatedWindowsHost;
import ca.eazybackup.e3.whmcs.sim.RunWatcher;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Cancel, heartbeats, outages, reclaim, browsing and network shares. */
public final class RuntimeSteps {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ScenarioWorld w;
  private final BackupSteps backup;
  private Relay addonRelay;
  private Relay.StallWindow stall;
  private JsonNode listing;
  private ca.eazybackup.e3.whmcs.sim.AgentProcess secondAgent;

  public RuntimeSteps(ScenarioWorld w, BackupSteps backup) {
    this.w = w;
    this.backup = backup;
  }

  @Given("a slow sync job for that folder limited to {int} KiB\\/s")
  public void slowJob(int kibPerSec) {
    backup.aJobWith(
        "sync", "slow", "slow", Map.of("bandwidth_limit_kbps", kibPerSec, "parallelism", 2));
  }

  @When("the run has transferred some bytes")
  public void someBytes() {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              JsonNode run = RunWatcher.run(w.api(), w.jobId, w.runId);
              return run.path("bytes_transferred").asLong() > 0
                  || RunWatcher.TERMINAL.contains(run.path("status").asText());
            });
    assertThat(RunWatcher.run(w.api(), w.jobId, w.runId).path("status").asText())
        .as("run still in progress" + w.diagnostics())
        .isEqualTo("running");
  }

  @When("the client requests {string} for the run")
  public void requestCommand(String type) {
    w.api().post("cloudbackup_request_command.php", Map.of("type", type, "run_id", w.runId));
  }

  @Given("S3 stalls every upload for {int} seconds from the first one")
  public void s3Stalls(int seconds) {
    URI s3 = w.env.s3().endpoint();
    Relay relay = new Relay(s3);
    stall = relay.stallUploadsFor(s3.getScheme() + "://" + s3.getAuthority(), seconds * 1000L);
    setS3Endpoint(relay.urlFor(s3));
    w.cleanups.push(relay::close);
    w.cleanups.push(() -> setS3Endpoint(s3.toString()));
  }

  /**
   * The proof that the stall outlasted the watchdog and the run survived it by its heartbeats
   * alone: past the watchdog timeout after the stall began, S3 still holds every upload, the agent
   * has already retried at least once (its socket timeout cut the first attempt), the run is still
   * running, and its last heartbeat is newer than the watchdog's cutoff.
   */
  @Then(
      "the run is still alive by its heartbeats when S3 has stalled longer than the watchdog timeout")
  public void aliveThroughTheStall() {
    await().atMost(Duration.ofSeconds(90)).until(() -> stall.startedAtMillis() > 0);
    long start = stall.startedAtMillis();
    long watchdogPassed = start + SharedSystem.WATCHDOG_TIMEOUT.toMillis() + 5_000;
    assertThat(stall.endsAtMillis())
        .as("the stall ends after the watchdog would have failed a silent run")
        .isGreaterThan(watchdogPassed);
    await()
        .atMost(SharedSystem.WATCHDOG_TIMEOUT.plusSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> System.currentTimeMillis() >= watchdogPassed);
    JsonNode run = RunWatcher.run(w.api(), w.jobId, w.runId);
    assertThat(System.currentTimeMillis())
        .as("still inside the stall")
        .isLessThan(stall.endsAtMillis());
    assertThat(run.path("status").asText()).as("run status" + w.diagnostics()).isEqualTo("running");
    long lastHeartbeat = java.time.Instant.parse(run.path("updated_at").asText()).toEpochMilli();
    assertThat(lastHeartbeat)
        .as("last heartbeat later than the watchdog's cutoff for a run stalled since the start")
        .isGreaterThan(start + SharedSystem.WATCHDOG_TIMEOUT.toMillis());
    assertThat(stall.stalledAttempts())
        .as("upload attempts held, the retry after the agent's socket timeout included")
        .isGreaterThanOrEqualTo(2);
  }

  private void setS3Endpoint(String url) {
    w.env.simControl().post("sim/settings", Map.of("cloudbackup_agent_s3_endpoint", url));
  }

  @Given("the agent talks to the addon through a relay")
  public void addonRelay() {
    URI addon = URI.create(w.env.addon().baseUrl());
    addonRelay = new Relay(addon);
    w.cleanups.push(addonRelay::close);
    w.agent.stop(Duration.ofSeconds(10));
    w.agent = null;
    w.agentApiBaseUrl = addonRelay.urlFor(addon);
    w.agentHome = w.dir.resolve("agent-relayed");
    w.startAgent();
  }

  /**
   * The agent's next command poll is answered with {@code commands} (as an addon that validated
   * less than this one would hand them out); needs "the agent talks to the addon through a relay".
   */
  void handOutOnce(com.fasterxml.jackson.databind.node.ArrayNode commands) {
    assertThat(addonRelay).as("the agent talks to the addon through a relay").isNotNull();
    addonRelay.answerOnceWith(
        "agent_poll_pending_commands.php",
        "{\"status\":\"success\",\"commands\":" + commands + "}");
  }

  @When("the addon is unreachable for {int} seconds")
  public void addonDown(int seconds) {
    long cutAt = System.nanoTime();
    addonRelay.cutOff();
    try {
      // The outage's length is the behaviour under test; we also wait for proof that the agent
      // kept trying during it.
      await()
          .atMost(Duration.ofSeconds(seconds + 60L))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  System.nanoTime() - cutAt >= Duration.ofSeconds(seconds).toNanos()
                      && addonRelay.refused() > 0);
    } finally {
      addonRelay.restore();
    }
  }

  @Then("the run's events arrived in order, once each, ending with {string}")
  public void eventsInOrder(String lastCode) {
    ReportChecks.assertEachReportOnceInOrder(w.events(w.runId));
    JsonNode events = w.events(w.runId);
    assertThat(events.get(events.size() - 1).path("code").asText()).isEqualTo(lastCode);
  }

  @Then("the agent dropped no report")
  public void nothingDropped() {
    ReportChecks.assertNoReportLost(w.agent.console());
  }

  @Given("a second agent of the same client is running")
  public void secondAgent() {
    var other = w.tenant.newAgent("other-" + w.uid);
    secondAgent =
        w.tenant.agentProcess(
            SharedSystem.agentJar(),
            w.dir.resolve("agent-second"),
            other,
            0.5,
            SharedSystem.HEARTBEAT.toSeconds(),
            w.agentEnv,
            null);
    secondAgent.start();
    w.cleanups.push(() -> secondAgent.stop(Duration.ofSeconds(10)));
  }

  @When("the agent process is killed")
  public void kill() {
    w.agent.kill();
  }

  @Then("the run was never handed to the second agent")
  public void neverHandedOver() {
    assertThat(RunWatcher.run(w.api(), w.jobId, w.runId).path("agent_id").asLong())
        .isEqualTo(w.account.agentId());
    assertThat(secondAgent.console()).doesNotContain("run.claimed run_id=" + w.runId + " ");
  }

  @When("the agent process is killed and started again")
  public void killAndRestart() {
    w.agent.kill();
    w.agent.start();
  }

  @Given("drive {string} of the agent's host has a folder {string} with {int} entries")
  public void bigFolder(String drive, String name, int entries) throws IOException {
    Path folder =
        w.windowsHostRoot().resolve("drives").resolve(drive.substring(0, 1)).resolve(name);
    Files.createDirectories(folder);
    for (int i = 0; i < entries; i++) {
      if (i % 15 == 0) {
        Files.createDirectories(folder.resolve(String.format("folder %04d", i)));
      } else {
        Files.writeString(folder.resolve(String.format("file %04d.txt", i)), "entry " + i);
      }
    }
  }

  @When("the client browses {string} on the agent")
  public void browse(String path) {
    listing =
        w.api()
            .post(
                "agent_browse_filesystem.php",
                Map.of("agent_id", w.account.agentId(), "path", path))
            .path("result");
    w.lastListing = listing;
  }

  @Then("the listing shows drive {string}")
  public void showsDrive(String drive) {
    List<String> drives = new ArrayList<>();
    for (JsonNode e : listing.path("entries")) {
      if ("drive".equals(e.path("type").asText())) {
        drives.add(e.path("name").asText());
      }
    }
    assertThat(drives).as(listing.toString()).contains(drive);
  }

  @Then("the listing has {int} entries of {int}, folders first, and is truncated")
  public void bigListing(int shown, int total) {
    JsonNode entries = listing.path("entries");
    assertThat(entries.size()).isEqualTo(shown);
    assertThat(listing.path("total").asInt()).isEqualTo(total);
    assertThat(listing.path("truncated").asBoolean()).isTrue();
    boolean seenFile = false;
    for (JsonNode e : entries) {
      boolean dir = "dir".equals(e.path("type").asText());
      assertThat(dir && seenFile).as("a folder listed after a file").isFalse();
      seenFile |= !dir;
    }
  }

  @Given("share {string} of the agent's host accepts user {string} with password {string}")
  public void shareAccepts(String share, String user, String password) throws IOException {
    String[] du = user.split("\\\\", 2);
    Path creds = w.windowsHostRoot().resolve("share-credentials.json");
    Files.createDirectories(creds.getParent());
    Files.writeString(
        creds,
        JSON.writeValueAsString(
            List.of(
                Map.of("share", share, "username", du[1], "domain", du[0], "password", password))));
    w.shareUser = user;
    w.sharePassword = password;
  }

  @Given("the share holds a folder {string} generated from seed {long} with the {string} tree")
  public void shareFolder(String name, long seed, String preset) {
    Path folder = w.windowsHostRoot().resolve("shares/fs/docs").resolve(name);
    w.folder = folder;
    w.manifest = w.generate(preset, seed, folder);
  }

  @Given(
      "a sync job for {string} with those share credentials to bucket {string} under prefix {string}")
  public void uncJob(String unc, String bucket, String prefix) {
    String[] du = w.shareUser.split("\\\\", 2);
    backup.aJobWith(
        "sync",
        bucket,
        prefix,
        Map.of(
            "source_path",
            unc,
            "network_username",
            du[1],
            "network_domain",
            du[0],
            "network_password",
            w.sharePassword));
  }

  @Then("the agent's host logged on to {string} before the run and off after it")
  public void loggedOnAndOff(String share) throws IOException {
    List<Map<String, Object>> journal = SimulatedWindowsHost.readJournal(w.journal());
    int connect = -1;
    int disconnect = -1;
    for (int i = 0; i < journal.size(); i++) {
      Map<String, Object> line = journal.get(i);
      if (share.equals(line.get("share")) && "ok".equals(line.get("result"))) {
        if ("share.connect".equals(line.get("op")) && connect < 0) {
          connect = i;
        } else if ("share.disconnect".equals(line.get("op"))) {
          disconnect = i;
        }
      }
    }
    assertThat(connect).as("logon in journal " + journal).isGreaterThanOrEqualTo(0);
    assertThat(disconnect).as("logoff after logon in journal " + journal).isGreaterThan(connect);
  }

  @Then("{string} appears in no agent log, console output or run event")
  public void secretNowhere(String secret) throws IOException {
    List<String> leaks = new ArrayList<>();
    try (Stream<Path> files = Files.walk(w.dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (f.startsWith(w.windowsHostRoot().resolve("share-credentials.json"))
            || f.startsWith(w.windowsHostRoot().resolve("shares"))) {
          continue; // the simulated Windows host's own password store and the share's data
        }
        if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(secret)) {
          leaks.add(f.toString());
        }
      }
    }
    if (w.events(w.runId).toString().contains(secret)) {
      leaks.add("run events");
    }
    if (w.api()
        .post("cloudbackup_get_run_logs.php", Map.of("run_id", w.runId))
        .toString()
        .contains(secret)) {
      leaks.add("run logs");
    }
    assertThat(leaks).as("places holding the password").isEmpty();
  }
}
