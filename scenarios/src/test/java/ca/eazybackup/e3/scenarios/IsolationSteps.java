package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.whmcs.sim.AddonClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cucumber.datatable.DataTable;
import io.cucumber.java.Scenario;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Tenant isolation and hostile input, played over HTTP against tenants made by {@link
 * TenantFixture}: every refused request is checked for its status and the contract's JSON, and the
 * victim's state is compared before and after.
 */
public final class IsolationSteps {
  private final ScenarioWorld w;
  private TenantFixture victim;
  private TenantFixture attacker;
  private ObjectNode before;
  private final List<String> failures = new ArrayList<>();
  private int probes;
  private Scenario scenario;

  public IsolationSteps(ScenarioWorld w) {
    this.w = w;
  }

  @io.cucumber.java.Before
  public void keep(Scenario s) {
    scenario = s;
  }

  @Given(
      "client {string} with an agent, a bucket, a job, a finished and a queued run, a mount and a command")
  public void victim(String name) {
    victim = new TenantFixture(w.env, w.uid, name);
    before = victim.state();
  }

  @Given("client {string} with the same")
  public void attacker(String name) {
    attacker = new TenantFixture(w.env, w.uid, name);
  }

  private void probe(
      AgentHttp as, String who, String endpoint, String body, int status, String field) {
    String mine =
        body.replace("{my_agent}", String.valueOf(attacker.agent.agentId()))
            .replace("{my_run}", String.valueOf(attacker.finishedRunId))
            .replace("{my_bucket}", attacker.bucket);
    String filled = victim.fill(mine);
    AddonClient.Response r = as.call(endpoint, filled);
    probes++;
    String what =
        who
            + " "
            + endpoint
            + " "
            + (filled.length() > 200 ? filled.substring(0, 200) + "…" : filled);
    String message = r.body().path("message").asText();
    String nothing;
    if (message.startsWith("no such endpoint")) {
      // the addon's 404 for a path it does not serve: a misspelt row would pass as "refused"
      failures.add(what + " → the endpoint does not exist: " + r.body());
    } else if (status == 404
        && victim != attacker
        && (nothing = answerToNothing(as, endpoint, mine, r)) != null) {
      failures.add(
          what
              + " → "
              + r.body()
              + ", but ids that do not exist → "
              + nothing
              + ": the answer tells the other tenant's ids exist");
    } else if (r.httpStatus() != status) {
      failures.add(
          what + " → HTTP " + r.httpStatus() + " " + r.body() + " (expected " + status + ")");
    } else if (!"fail".equals(r.body().path("status").asText())
        || r.body().path("message").asText().isBlank()) {
      failures.add(what + " → not the contract's fail JSON: " + r.body());
    } else if (field != null
        && !field.isBlank()
        && !field.equals(r.body().path("field").asText())) {
      failures.add(what + " → field " + r.body().path("field") + " (expected " + field + ")");
    } else if (r.body().toString().contains("Exception")) {
      failures.add(what + " → names a Java exception: " + r.body());
    }
  }

  /**
   * Null when {@code refused} reads like the answer to the same request with ids that exist nowhere
   * (numbers aside, which a message may echo), else that other answer.
   */
  private String answerToNothing(
      AgentHttp as, String endpoint, String template, AddonClient.Response refused) {
    String nowhere = "no-such-bucket-" + w.uid;
    AddonClient.Response none =
        as.call(endpoint, TenantFixture.fillWithIdsThatDoNotExist(template, w.uid));
    probes++;
    boolean same =
        none.httpStatus() == refused.httpStatus()
            && shape(none.body(), nowhere).equals(shape(refused.body(), victim.bucket));
    return same ? null : "HTTP " + none.httpStatus() + " " + none.body();
  }

  private static String shape(JsonNode body, String bucket) {
    return (body.path("status").asText()
            + "|"
            + body.path("message").asText()
            + "|"
            + body.path("field").asText())
        .replace(bucket, "#bucket")
        .replaceAll("\\d+", "#");
  }

  @When("client {string} calls each client endpoint with client {string}'s ids")
  public void clientCalls(String a, String v, DataTable table) {
    for (Map<String, String> row : table.asMaps()) {
      probe(
          attacker.asClient,
          "client " + a,
          row.get("endpoint"),
          row.get("body"),
          Integer.parseInt(row.get("status")),
          row.get("field"));
    }
  }

  @When("agent of {string} calls each agent endpoint with {string}'s ids")
  public void agentCalls(String a, String v, DataTable table) {
    for (Map<String, String> row : table.asMaps()) {
      probe(
          attacker.asAgent,
          "agent of " + a,
          row.get("endpoint"),
          row.get("body"),
          Integer.parseInt(row.get("status")),
          row.get("field"));
    }
  }

  @When("{string}'s agent token is sent with {string}'s agent id on each agent endpoint")
  public void crossedTokens(String a, String v) {
    AgentHttp crossed =
        AgentHttp.agent(w.env.addon().baseUrl(), victim.agent.agentId(), attacker.agent.token());
    AgentHttp crossedBack =
        AgentHttp.agent(w.env.addon().baseUrl(), attacker.agent.agentId(), victim.agent.token());
    for (String endpoint : AGENT_ENDPOINTS) {
      probe(crossed, "token of " + a + " as " + v, endpoint, "{}", 401, null);
      probe(crossedBack, "token of " + v + " as " + a, endpoint, "{}", 401, null);
    }
  }

  static final List<String> AGENT_ENDPOINTS =
      List.of(
          "agent_next_run.php",
          "agent_update_run.php",
          "agent_push_events.php",
          "agent_poll_pending_commands.php",
          "agent_poll_commands.php",
          "agent_complete_command.php",
          "agent_report_browse.php",
          "cloudnas_update_status.php",
          "agent_fetch_jobs.php",
          "agent_start_run.php");

  @When("the client sends each of these requests")
  public void hostile(DataTable table) {
    attacker = victim; // hostile input from the owner itself: it must still change nothing
    clientCalls("itself", "itself", table);
  }

  @When("the agent sends each of these requests")
  public void hostileAgent(DataTable table) {
    attacker = victim;
    agentCalls("itself", "itself", table);
  }

  @Then("{string}'s lists show none of {string}'s ids")
  public void listsClean(String a, String v) {
    List<JsonNode> lists =
        List.of(
            attacker.asClient.post("cloudbackup_list_jobs.php", Map.of()),
            attacker.asClient.post("cloudbackup_list_runs.php", Map.of()),
            attacker.asClient.post("cloudnas_list_mounts.php", Map.of()),
            attacker.asClient.post("agent_list.php", Map.of()),
            attacker.asClient.post("bucket_list.php", Map.of()),
            attacker.asAgent.post("agent_fetch_jobs.php", Map.of()),
            attacker.asAgent.post("agent_poll_pending_commands.php", Map.of()));
    probes += lists.size();
    Map<String, java.util.Set<String>> seen = new java.util.HashMap<>();
    lists.forEach(l -> collectIds(l, seen));
    // The lists must show the attacker's own things, or an empty (broken) list would pass.
    assertThat(seen.getOrDefault("job_id", java.util.Set.of()))
        .as("%s's own job in its lists", a)
        .contains(String.valueOf(attacker.jobId));
    assertThat(seen.getOrDefault("mount_id", java.util.Set.of()))
        .as("%s's own mount in its lists", a)
        .contains(String.valueOf(attacker.mountId));
    Map<String, Long> theirs =
        Map.of(
            "job_id", victim.jobId,
            "agent_id", victim.agent.agentId(),
            "mount_id", victim.mountId,
            "command_id", victim.commandId);
    theirs.forEach(
        (key, id) ->
            assertThat(seen.getOrDefault(key, java.util.Set.of()))
                .as("%s values in %s's lists", key, a)
                .doesNotContain(String.valueOf(id)));
    assertThat(seen.getOrDefault("run_id", java.util.Set.of()))
        .as("run_id values in %s's lists", a)
        .doesNotContain(String.valueOf(victim.finishedRunId), String.valueOf(victim.queuedRunId));
    assertThat(lists.toString()).as("%s's lists", a).doesNotContain(victim.bucket);
    JsonNode next = attacker.asAgent.post("agent_next_run.php", Map.of()).path("run");
    probes++;
    assertThat(next.isNull() || next.path("job_id").asLong() != victim.jobId)
        .as("agent of %s was handed %s's run: %s", a, v, next)
        .isTrue();
  }

  /** Every {@code *_id} value in {@code node}, by key (an "id" inside an object named x: x_id). */
  private static void collectIds(JsonNode node, Map<String, java.util.Set<String>> into) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              f -> {
                if (f.getKey().endsWith("_id") && f.getValue().isValueNode()) {
                  into.computeIfAbsent(f.getKey(), k -> new java.util.HashSet<>())
                      .add(f.getValue().asText());
                }
                collectIds(f.getValue(), into);
              });
    } else if (node.isArray()) {
      node.forEach(n -> collectIds(n, into));
    }
  }

  @Then("every request was refused as listed, in the contract's JSON")
  public void allRefused() {
    scenario.log(probes + " requests probed");
    System.out.println("event=probes scenario=\"" + scenario.getName() + "\" requests=" + probes);
    assertThat(failures).as("requests not refused as the contract says").isEmpty();
  }

  @Then("nothing {string} can see has changed")
  public void unchanged(String name) {
    ObjectNode after = victim.state();
    assertThat(after).as("state of %s", name).isEqualTo(before);
  }
}
