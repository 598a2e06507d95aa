package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.whmcs.sim.RunWatcher;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.cucumber.datatable.DataTable;
import io.cucumber.java.Scenario;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Faults injected on both sides by WireMock relays: in front of the addon (500s, resets, cut JSON,
 * slow answers, timeouts, hostile commands) and in front of S3 (503 SlowDown, 500 on UploadPart,
 * resets mid-download, truncated bodies, wrong ETags). Every plan must fire in full.
 */
public final class FaultSteps {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ScenarioWorld w;
  private Relay addonRelay;
  private FaultPlan addonFaults;
  private Relay s3Relay;
  private FaultPlan s3Faults;
  private final List<Long> hostileCommandIds = new ArrayList<>();
  private Scenario scenario;

  public FaultSteps(ScenarioWorld w) {
    this.w = w;
  }

  @io.cucumber.java.Before
  public void keep(Scenario s) {
    scenario = s;
  }

  @Given("the agent talks to the addon through a relay that injects")
  public void addonFaults(DataTable table) {
    URI addon = URI.create(w.env.addon().baseUrl());
    addonRelay = new Relay(addon);
    w.cleanups.push(addonRelay::close);
    addonFaults = addonRelay.faults();
    addRules(addonFaults, table, "POST", ".*");
    if (w.agent != null) {
      w.agent.stop(Duration.ofSeconds(10));
      w.agent = null;
    }
    w.agentApiBaseUrl = addonRelay.urlFor(addon);
    w.agentHome = w.dir.resolve("agent-faulty-addon");
    w.startAgent();
  }

  @Given("S3 is reached through a relay that injects")
  public void s3FaultsStep(DataTable table) {
    URI s3 = w.env.s3().endpoint();
    s3Relay = new Relay(s3);
    s3Faults = s3Relay.faults();
    addRules(s3Faults, table, null, null);
    setS3Endpoint(s3Relay.urlFor(s3));
    w.cleanups.push(s3Relay::close);
    w.cleanups.push(() -> setS3Endpoint(s3.toString()));
  }

  private void setS3Endpoint(String url) {
    w.env.simControl().post("sim/settings", Map.of("cloudbackup_agent_s3_endpoint", url));
  }

  /**
   * Rows: request (e.g. "agent_update_run.php" or "PUT ?partNumber="), fault, on requests "2,5".
   */
  static void addRules(FaultPlan plan, DataTable table, String method, String unused) {
    for (Map<String, String> row : table.asMaps()) {
      String request = row.get("request").trim();
      String m = method;
      String url = request;
      int space = request.indexOf(' ');
      if (space > 0 && request.substring(0, space).matches("[A-Z]+")) {
        m = request.substring(0, space);
        url = request.substring(space + 1).trim();
      }
      Set<Integer> on = new LinkedHashSet<>();
      for (String n : row.get("on requests").split(",")) {
        on.add(Integer.parseInt(n.trim()));
      }
      plan.add(m, java.util.regex.Pattern.quote(url), on, row.get("fault").trim());
    }
  }

  @Given("a folder generated from seed {long} with the {string} tree and a {int} MiB file")
  public void folderWithBigFile(long seed, String preset, int mib) throws java.io.IOException {
    w.folder = w.dir.resolve("source");
    w.generate(preset, seed, w.folder);
    java.nio.file.Path big = w.folder.resolve("media/big.bin");
    java.nio.file.Files.createDirectories(big.getParent());
    java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
    byte[] chunk = new byte[1024 * 1024];
    try (var out = java.nio.file.Files.newOutputStream(big)) {
      for (int i = 0; i < mib; i++) {
        rng.nextBytes(chunk);
        out.write(chunk);
      }
    }
    w.manifest = ca.eazybackup.e3.s3fixtures.TreeManifest.scan(w.folder);
  }

  @Then("every fault the addon relay was told to inject fired")
  public void addonFaultsFired() {
    assertAllFired(addonFaults);
    log("addon", addonFaults);
  }

  @Then("every fault the S3 relay was told to inject fired")
  public void s3FaultsFired() {
    assertAllFired(s3Faults);
    log("s3", s3Faults);
  }

  /**
   * The agent polls on after a run ends, so a fault planned on a late poll may still be due on a
   * loaded machine: wait a little for it rather than fail, and fail naming the faults that never
   * came.
   */
  private static void assertAllFired(FaultPlan plan) {
    try {
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> plan.unfired().isEmpty());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      assertThat(plan.unfired()).as("faults that never fired").isEmpty();
    }
  }

  private void log(String side, FaultPlan plan) {
    String line =
        "event=faults_injected side="
            + side
            + " scenario=\""
            + scenario.getName()
            + "\" fired="
            + plan.firedTotal()
            + " rules="
            + plan.rules();
    scenario.log(line);
    System.out.println(line);
  }

  @Then("the agent process is still running")
  public void stillRunning() {
    assertThat(w.agent.isAlive()).as("agent alive" + w.diagnostics()).isTrue();
  }

  @When("the addon's next answer to the agent's command poll holds these hostile commands")
  public void hostileCommands(DataTable table) throws Exception {
    var commands = JSON.createArrayNode();
    long id = 900_000_000L + (System.nanoTime() % 1_000_000);
    for (Map<String, String> row : table.asMaps()) {
      var c = commands.addObject();
      c.put("command_id", id);
      c.put("type", row.get("type"));
      String runId = row.getOrDefault("run_id", "");
      if (runId == null || runId.isBlank()) {
        c.putNull("run_id");
      } else {
        c.put("run_id", Long.parseLong(runId));
      }
      c.putNull("job_id");
      c.set("payload", JSON.readTree(row.get("payload")));
      c.putNull("job");
      hostileCommandIds.add(id);
      id++;
    }
    addonRelay.answerOnceWith(
        "agent_poll_pending_commands.php",
        "{\"status\":\"success\",\"commands\":" + commands + "}");
  }

  @Then("within {int} seconds the agent reported each hostile command failed")
  public void hostileFailed(int seconds) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(seconds))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> failedReports().containsAll(hostileCommandIds));
    log("addon (hostile commands " + hostileCommandIds.size() + ")", addonFaults);
  }

  /** Ids of commands the agent reported as failed (complete_command failed, or a browse error). */
  private Set<Long> failedReports() {
    Set<Long> ids = new LinkedHashSet<>();
    for (LoggedRequest r : addonRelay.requests()) {
      String url = r.getUrl();
      if (!url.contains("agent_complete_command.php") && !url.contains("agent_report_browse.php")) {
        continue;
      }
      try {
        JsonNode body = JSON.readTree(r.getBodyAsString());
        boolean failed = "failed".equals(body.path("status").asText()) || body.hasNonNull("error");
        if (failed) {
          ids.add(body.path("command_id").asLong());
        }
      } catch (Exception e) {
        // not JSON: not a report
      }
    }
    return ids;
  }

  @Then("the run's events are complete, each once, ending with {string}")
  public void eventsOnce(String last) {
    ReportChecks.assertEachReportOnceInOrder(w.events(w.runId));
    JsonNode events = w.events(w.runId);
    assertThat(events.get(events.size() - 1).path("code").asText()).isEqualTo(last);
    ReportChecks.assertNoReportLost(w.agent.console());
    assertThat(RunWatcher.run(w.api(), w.jobId, w.runId).path("status").asText()).isNotBlank();
  }
}
