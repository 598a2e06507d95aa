package ca.eazybackup.e3.agent.runner;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.api.AgentApiClient;
import ca.eazybackup.e3.agent.api.ApiException;
import ca.eazybackup.e3.agent.api.UpdateRunResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real kill -9: a child JVM queues a restore's events, final status and command completions while
 * the addon is down, and is killed with SIGKILL. A new outbox on the same state folder delivers all
 * of it once the addon answers, the final status before the restore's completion. The in-memory
 * outbox this replaced lost every one of these items.
 */
class OutboxCrashTest {
  @TempDir Path stateDir;
  private WireMockServer wm;
  private Outbox outbox;

  @AfterEach
  void tearDown() {
    if (outbox != null) {
      outbox.close();
    }
    if (wm != null) {
      wm.stop();
    }
  }

  @Test
  void whatWasQueuedBeforeAKillNineIsDeliveredAfterTheRestart() throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                OutboxCrashChild.class.getName(),
                stateDir.toString(),
                "http://127.0.0.1:" + deadPort + "/api/")
            .redirectErrorStream(true)
            .start();
    String line;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      do {
        line = out.readLine();
      } while (line != null && !line.startsWith("QUEUED"));
      assertThat(line).as("the child queued its items").isNotNull();
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no close(), no flush
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);

    wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    // Hold deliveries back until the restarted outbox has been looked at.
    wm.stubFor(
        post(urlEqualTo("/api/agent_update_run.php")).willReturn(aResponse().withStatus(503)));
    outbox = newOutbox();
    assertThat(outbox.replayedCount())
        .as("events (1 lifecycle + 3 skipped), final status, two completions")
        .isEqualTo(7);
    assertThat(outbox.terminalPending(41))
        .as("a restarted agent knows run 41 finished, so a reclaim does not run it twice")
        .isTrue();

    // The newest stub wins; no reset, which would leave a moment of 404s (a 404 drops an item).
    wm.stubFor(
        post(urlEqualTo("/api/agent_update_run.php"))
            .willReturn(
                aResponse().withBody("{\"status\":\"success\",\"run_status\":\"success\"}")));
    wm.stubFor(
        post(urlEqualTo("/api/agent_push_events.php"))
            .willReturn(aResponse().withBody("{\"status\":\"success\",\"accepted\":4}")));
    wm.stubFor(
        post(urlEqualTo("/api/agent_complete_command.php"))
            .willReturn(aResponse().withBody("{\"status\":\"success\"}")));
    assertThat(outbox.flush(Duration.ofSeconds(20))).isTrue();
    assertThat(outbox.terminalPending(41)).isFalse();

    // What the addon records, not how many requests carried it: a request that outlived its
    // timeout on a loaded machine is sent again, and the contract makes that harmless (an update
    // is absolute, events are deduped by (run_id, seq), a second completion gets 409).
    List<JsonNode> updates = bodies("agent_update_run.php");
    assertThat(updates).isNotEmpty();
    assertThat(updates)
        .as("every copy of the final status says the same")
        .allSatisfy(
            u -> {
              assertThat(u.path("status").asText()).isEqualTo("success");
              assertThat(u.path("files_done").asInt()).isEqualTo(9);
            });
    Map<Long, JsonNode> recorded = new TreeMap<>();
    for (JsonNode batch : bodies("agent_push_events.php")) {
      assertThat(batch.path("run_id").asLong()).isEqualTo(41);
      for (JsonNode e : batch.path("events")) {
        JsonNode first = recorded.putIfAbsent(e.path("seq").asLong(), e);
        if (first != null) {
          assertThat(e).as("a resent event %s is the same event", e.path("seq")).isEqualTo(first);
        }
      }
    }
    assertThat(recorded).as("events as the addon records them, by seq").hasSize(4);
    assertThat(recorded.values().iterator().next().path("code").asText())
        .isEqualTo("RESTORE_STARTING");
    List<JsonNode> completions = bodies("agent_complete_command.php");
    assertThat(completions.stream().map(n -> n.path("command_id").asLong()).distinct())
        .containsExactlyInAnyOrder(77L, 78L);
    assertThat(order("agent_update_run.php"))
        .as("the restore's completion comes after its run's final status")
        .isLessThan(orderOfCompletion(77));

    // Delivered items are acknowledged in the journal: a second restart sends nothing again.
    outbox.close();
    outbox = newOutbox();
    assertThat(outbox.replayedCount()).isZero();
  }

  private Outbox newOutbox() {
    AgentApiClient api =
        new AgentApiClient(
            URI.create("http://127.0.0.1:" + wm.port() + "/api/"),
            7,
            "t0ken-xyz",
            Duration.ofSeconds(5),
            Duration.ofSeconds(5));
    return new Outbox(
        api,
        new Outbox.Listener() {
          @Override
          public void onUpdateAnswer(long runId, UpdateRunResponse response) {}

          @Override
          public void onRunRejected(long runId, ApiException error) {}
        },
        Duration.ofMillis(20),
        Duration.ofMillis(100),
        stateDir);
  }

  private List<ServeEvent> served() {
    List<ServeEvent> all = new ArrayList<>(wm.getAllServeEvents());
    all.sort(Comparator.comparing(e -> e.getRequest().getLoggedDate()));
    return all;
  }

  private List<JsonNode> bodies(String endpoint) {
    List<JsonNode> out = new ArrayList<>();
    for (ServeEvent e : served()) {
      if (e.getRequest().getUrl().endsWith(endpoint) && e.getResponse().getStatus() == 200) {
        out.add(read(e.getRequest().getBodyAsString()));
      }
    }
    return out;
  }

  private int order(String endpoint) {
    List<ServeEvent> all = served();
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).getRequest().getUrl().endsWith(endpoint)
          && all.get(i).getResponse().getStatus() == 200) {
        return i;
      }
    }
    return -1;
  }

  private int orderOfCompletion(long commandId) {
    List<ServeEvent> all = served();
    for (int i = 0; i < all.size(); i++) {
      ServeEvent e = all.get(i);
      if (e.getRequest().getUrl().endsWith("agent_complete_command.php")
          && read(e.getRequest().getBodyAsString()).path("command_id").asLong() == commandId) {
        return i;
      }
    }
    return -1;
  }

  private static JsonNode read(String s) {
    try {
      return AgentApiClient.JSON.readTree(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
