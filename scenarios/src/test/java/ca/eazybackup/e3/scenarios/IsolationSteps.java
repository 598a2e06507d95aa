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
    String filled =
        victim.fill(
            body.replace("{my_agent}", String.valueOf(attacker.agent.agentId()))
                .replace("{my_run}", String.valueOf(attacker.finishedRunId))
                .replace("{my_bucket}", attacker.bucket));
    AddonClient.Response r = as.call(endpoint, filled);
    probes++;
    String what =
        who
            + " "
            + endpoint
            + " "
            + (filled.length() > 200 ? filled.substring(0, 200) + "…" : filled);
    if (r.httpStatus() != status) {
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
    String seen =
        attacker.asClient.post("cloudbackup_list_jobs.php", Map.of()).toString()
            + attacker.asClient.post("cloudbackup_list_runs.php", Map.of()).toString()
            + attacker.asClient.post("cloudnas_list_mounts.php", Map.of()).toString()
            + attacker.asClient.post("agent_list.php", Map.of()).toString()
            + attacker.asClient.post("bucket_list.php", Map.of()).toString()
            + attacker.asAgent.post("agent_fetch_jobs.php", Map.of()).toString()
            + attacker.asAgent.post("agent_poll_pending_commands.php", Map.of()).toString();
    probes += 7;
    for (JsonNode r : attacker.asClient.post("cloudbackup_list_runs.php", Map.of()).path("runs")) {
      assertThat(r.path("job_id").asLong()).isNotEqualTo(victim.jobId);
    }
    assertThat(seen)
        .doesNotContain(victim.bucket)
        .doesNotContain("\"job_id\":" + victim.jobId + ",");
    JsonNode next = attacker.asAgent.post("agent_next_run.php", Map.of()).path("run");
    probes++;
    assertThat(next.isNull() || next.path("job_id").asLong() != victim.jobId)
        .as("agent of %s was handed %s's run: %s", a, v, next)
        .isTrue();
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
