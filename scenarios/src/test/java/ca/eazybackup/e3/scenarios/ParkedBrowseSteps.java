package ca.eazybackup.e3.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.eazybackup.e3.whmcs.sim.AddonClient;
import ca.eazybackup.e3.whmcs.sim.RunWatcher;
import ca.eazybackup.e3.whmcs.sim.SimEnvironment.AgentAccount;
import ca.eazybackup.e3.whmcs.sim.SimEnvironment.Tenant;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Other clients park folder browses on agents that never answer, on the shared scenario addon; this
 * scenario's own client and agent must carry on. Each parked call waits the addon's browse timeout
 * (15 s), so everything the scenario checks happens inside that window.
 */
public final class ParkedBrowseSteps {
  private final ScenarioWorld w;
  private final List<Tenant> others = new ArrayList<>();
  private final List<AgentAccount> otherAgents = new ArrayList<>();
  private final List<CompletableFuture<HttpResponse<String>>> parked = new ArrayList<>();
  private int waitingBefore;

  public ParkedBrowseSteps(ScenarioWorld w) {
    this.w = w;
  }

  @Given("{int} other clients, each with an agent that is not running")
  public void otherClients(int n) {
    for (int i = 0; i < n; i++) {
      Tenant t = w.env.newTenant("parker-" + i + "-" + w.uid + "@example.com");
      others.add(t);
      otherAgents.add(t.newAgent("parker-" + i + "-" + w.uid));
    }
  }

  @When("each of them parks {int} folder browses on its agent")
  public void park(int each) {
    waitingBefore = w.env.addon().waitingBrowses();
    HttpClient async = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    for (int i = 0; i < others.size(); i++) {
      for (int k = 0; k < each; k++) {
        parked.add(
            async.sendAsync(
                HttpRequest.newBuilder(
                        URI.create(w.env.addon().baseUrl() + "/agent_browse_filesystem.php"))
                    .header("Content-Type", "application/json")
                    .header("X-Client-Session", others.get(i).api().clientSession())
                    .timeout(Duration.ofMinutes(2))
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"agent_id\":"
                                + otherAgents.get(i).agentId()
                                + ",\"path\":\"C:\\\\\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
      }
    }
    // Inside the 15 s browse timeout: a wait that held a server thread could never have all of
    // them waiting at once (Javalin's pool has 250 threads).
    int expected = waitingBefore + parked.size();
    await()
        .alias("every parked browse waiting at the addon at once")
        .atMost(Duration.ofSeconds(12))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> w.env.addon().waitingBrowses() >= expected);
    assertThat(parked).as("parked browses answered early").noneMatch(CompletableFuture::isDone);
  }

  @Then("one more browse from each of them is refused at once with {int} {string}")
  public void oneMoreRefused(int status, String message) {
    for (int i = 0; i < others.size(); i++) {
      long started = System.nanoTime();
      AddonClient.Response r =
          others
              .get(i)
              .api()
              .call(
                  "POST",
                  "agent_browse_filesystem.php",
                  Map.of("agent_id", otherAgents.get(i).agentId(), "path", ""));
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(r.httpStatus()).as("client %d's 11th browse: %s", i, r.body()).isEqualTo(status);
      assertThat(r.body().path("message").asText()).contains(message);
      // Refused without waiting for the agent (the browse timeout is 15 s).
      assertThat(took).as("client %d's refusal took", i).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Then("the agent claims the run within {int} seconds while all {int} browses still wait")
  public void claimedWhileParked(int seconds, int n) {
    await()
        .atMost(Duration.ofSeconds(seconds))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                !"queued"
                    .equals(RunWatcher.run(w.api(), w.jobId, w.runId).path("status").asText()));
    assertThat(parked).hasSize(n);
    assertThat(w.env.addon().waitingBrowses())
        .as("browses still waiting when the agent claimed its run")
        .isGreaterThanOrEqualTo(waitingBefore + n);
    assertThat(parked)
        .as("parked browses answered before the agent claimed its run")
        .noneMatch(CompletableFuture::isDone);
  }
}
