package ca.eazybackup.e3.agent.runner;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.eazybackup.e3.agent.api.AgentApiClient;
import ca.eazybackup.e3.agent.api.ApiException;
import ca.eazybackup.e3.agent.api.RunEvent;
import ca.eazybackup.e3.agent.api.UpdateRunResponse;
import ca.eazybackup.e3.agent.progress.ReportSink.CommandResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
  private static WireMockServer wm;
  private Outbox outbox;
  private final List<Long> rejected = new CopyOnWriteArrayList<>();
  @TempDir java.nio.file.Path stateDir;

  @BeforeAll
  static void startWireMock() {
    wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
  }

  @AfterAll
  static void stopWireMock() {
    wm.stop();
  }

  @BeforeEach
  void setUp() {
    wm.resetAll();
    outbox = open();
  }

  /** An outbox on this test's state folder (a second one stands for the agent after a restart). */
  private Outbox open() {
    AgentApiClient api =
        new AgentApiClient(
            URI.create("http://127.0.0.1:" + wm.port() + "/api/"),
            7,
            "t0ken-xyz",
            Duration.ofSeconds(10),
            Duration.ofSeconds(10));
    return new Outbox(
        api,
        new Outbox.Listener() {
          @Override
          public void onUpdateAnswer(long runId, UpdateRunResponse response) {}

          @Override
          public void onRunRejected(long runId, ApiException error) {
            rejected.add(runId);
          }
        },
        Duration.ofMillis(10),
        Duration.ofMillis(50),
        stateDir);
  }

  @AfterEach
  void tearDown() {
    outbox.close();
  }

  @Test
  void retriesThroughResetsAndServerErrorsThenDeliversEverythingInOrder() {
    String sc = "flaky";
    wm.stubFor(
        post(urlEqualTo("/api/agent_update_run.php"))
            .inScenario(sc)
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))
            .willSetStateTo("500"));
    wm.stubFor(
        post(urlEqualTo("/api/agent_update_run.php"))
            .inScenario(sc)
            .whenScenarioStateIs("500")
            .willReturn(aResponse().withStatus(500))
            .willSetStateTo("ok"));
    wm.stubFor(
        post(urlEqualTo("/api/agent_update_run.php"))
            .inScenario(sc)
            .whenScenarioStateIs("ok")
            .willReturn(
                aResponse().withBody("{\"status\":\"success\",\"run_status\":\"running\"}")));
    wm.stubFor(
        post(urlEqualTo("/api/agent_push_events.php"))
            .willReturn(aResponse().withBody("{\"status\":\"success\",\"accepted\":1}")));

    outbox.update(1, update(1, "running", 10), false);
    outbox.event(1, event(1));
    outbox.event(1, event(2));
    outbox.update(1, update(1, "success", 20), true);

    assertThat(outbox.flush(Duration.ofSeconds(10))).isTrue();
    List<JsonNode> bodies =
        sentInOrder().stream()
            .filter(e -> e.getResponse().getStatus() == 200)
            .filter(e -> e.getResponseDefinition().getFault() == null)
            .map(e -> read(e.getRequest().getBodyAsString()))
            .toList();
    assertThat(bodies).hasSize(3);
    assertThat(bodies.get(0).path("files_done").asLong()).isEqualTo(10);
    assertThat(bodies.get(1).path("events")).hasSize(2);
    assertThat(bodies.get(2).path("status").asText()).isEqualTo("success");
  }

  @Test
  void aFinalStatusCountsAsPendingUntilTheAddonHasIt() {
    wm.stubFor(
        post(urlEqualTo("/api/agent_update_run.php"))
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    outbox.update(7, update(7, "success", 3), true);
    assertThat(outbox.terminalPending(7)).isTrue();
    assertThat(outbox.terminalPending(8)).isFalse();
    await().atMost(Duration.ofSeconds(10)).until(() -> wm.getAllServeEvents().size() >= 2);
    assertThat(outbox.terminalPending(7)).as("still undelivered while the addon is down").isTrue();

    wm.resetAll();
    wm.stubFor(
        post(urlEqualTo("/api/agent_update_run.php"))
            .willReturn(
                aResponse().withBody("{\"status\":\"success\",\"run_status\":\"success\"}")));
    assertThat(outbox.flush(Duration.ofSeconds(10))).isTrue();
    assertThat(outbox.terminalPending(7)).isFalse();
  }

  @Test
  void updatesWaitingTogetherAreMergedLaterFieldsWinningButFinalStaysSeparate() {
    wm.stubFor(
        post(urlEqualTo("/api/agent_update_run.php"))
            .willReturn(aResponse().withBody("{\"status\":\"success\"}")));
    // Hold the first delivery back with a 503 so the rest queue up behind it.
    wm.stubFor(
        post(urlEqualTo("/api/agent_update_run.php"))
            .inScenario("hold")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(503))
            .willSetStateTo("open"));
    for (int i = 1; i <= 5; i++) {
      outbox.update(3, update(3, "running", i), false);
    }
    outbox.update(3, update(3, "success", 5), true);

    assertThat(outbox.flush(Duration.ofSeconds(10))).isTrue();
    List<JsonNode> delivered =
        sentInOrder().stream()
            .filter(e -> e.getResponse().getStatus() == 200)
            .map(e -> read(e.getRequest().getBodyAsString()))
            .toList();
    assertThat(delivered.get(delivered.size() - 1).path("status").asText()).isEqualTo("success");
    assertThat(delivered.get(delivered.size() - 2).path("files_done").asLong()).isEqualTo(5);
    assertThat(delivered.size()).isLessThan(6);
  }

  @Test
  void conflictOnAnUpdateDropsItAndTellsTheRunner() {
    wm.stubFor(
        post(urlEqualTo("/api/agent_update_run.php"))
            .willReturn(
                aResponse()
                    .withStatus(409)
                    .withBody("{\"status\":\"fail\",\"message\":\"run 4 is already finished\"}")));

    outbox.update(4, update(4, "running", 1), false);

    await().until(() -> rejected.contains(4L));
    assertThat(outbox.flush(Duration.ofSeconds(5))).isTrue();
    wm.verify(1, postRequestedFor(urlEqualTo("/api/agent_update_run.php")));
  }

  @Test
  void completingACommandTwiceCountsAsDone() {
    wm.stubFor(
        post(urlEqualTo("/api/agent_complete_command.php"))
            .willReturn(
                aResponse()
                    .withStatus(409)
                    .withBody("{\"status\":\"fail\",\"message\":\"already completed\"}")));

    outbox.call("complete", api -> api.completeCommand(9, true, "ok"));

    assertThat(outbox.flush(Duration.ofSeconds(5))).isTrue();
    wm.verify(1, postRequestedFor(urlEqualTo("/api/agent_complete_command.php")));
  }

  @Test
  void aTwoHundredSayingFailIsRetriedWhereAFourHundredIsDropped() {
    wm.stubFor(
        post(urlEqualTo("/api/agent_complete_command.php"))
            .inScenario("fail-in-200")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(
                aResponse().withStatus(200).withBody("{\"status\":\"fail\",\"message\":\"busy\"}"))
            .willSetStateTo("ok"));
    wm.stubFor(
        post(urlEqualTo("/api/agent_complete_command.php"))
            .inScenario("fail-in-200")
            .whenScenarioStateIs("ok")
            .willReturn(aResponse().withBody("{\"status\":\"success\"}")));

    outbox.completeCommand(21, null, true, "maintenance quick success");

    assertThat(outbox.flush(Duration.ofSeconds(10))).isTrue();
    wm.verify(2, postRequestedFor(urlEqualTo("/api/agent_complete_command.php")));

    wm.resetAll();
    wm.stubFor(
        post(urlEqualTo("/api/agent_complete_command.php"))
            .willReturn(
                aResponse().withStatus(400).withBody("{\"status\":\"fail\",\"message\":\"bad\"}")));
    outbox.completeCommand(22, null, true, "x");
    assertThat(outbox.flush(Duration.ofSeconds(10))).isTrue();
    wm.verify(1, postRequestedFor(urlEqualTo("/api/agent_complete_command.php")));
  }

  @Test
  void anExceptionWhileDeliveringKeepsTheItemAndTriesAgain() {
    java.util.concurrent.atomic.AtomicInteger attempts =
        new java.util.concurrent.atomic.AtomicInteger();
    outbox.call(
        "flaky-call",
        api -> {
          if (attempts.incrementAndGet() == 1) {
            throw new IllegalStateException("a bug on the first try");
          }
        });
    assertThat(outbox.flush(Duration.ofSeconds(10))).isTrue();
    assertThat(attempts.get()).as("delivered on the second try, not dropped").isEqualTo(2);
  }

  @Test
  void anItemRefusedOverAndOverIsSetAsideOnDiskNotLost() throws Exception {
    outbox.call(
        "always-broken",
        api -> {
          throw new IllegalStateException("broken for good");
        });
    assertThat(outbox.flush(Duration.ofSeconds(20))).isTrue();
    assertThat(java.nio.file.Files.readString(stateDir.resolve(Outbox.DEAD_FILE)))
        .contains("always-broken")
        .contains("broken for good");
  }

  @Test
  void perFileEventsWaitingForAnAbsentAddonCoalesceIntoOneCountedSummary() {
    wm.stubFor(
        post(urlEqualTo("/api/agent_push_events.php")).willReturn(aResponse().withStatus(503)));
    int skipped = 5000;
    for (int i = 1; i <= skipped; i++) {
      outbox.event(
          5,
          new RunEvent(
              i,
              Instant.now(),
              "info",
              "warn",
              "SYNC_FILE_SKIPPED",
              "Skipped f" + i,
              Map.of("path", "f" + i, "reason", "locked")));
    }
    // 100 events and one summary; a second summary may exist for a moment while the first is
    // out on a (failing) attempt: it is folded back into the first when that attempt fails.
    assertThat(outbox.pending()).isBetween(Outbox.COALESCE_AFTER + 1, Outbox.COALESCE_AFTER + 2);

    // The newest stub wins; no reset, which would leave a moment of 404s (a 404 drops a batch).
    wm.stubFor(
        post(urlEqualTo("/api/agent_push_events.php"))
            .willReturn(aResponse().withBody("{\"status\":\"success\",\"accepted\":1}")));
    assertThat(outbox.flush(Duration.ofSeconds(20))).isTrue();
    List<JsonNode> events =
        sentInOrder().stream()
            .filter(e -> e.getResponse().getStatus() == 200)
            .flatMap(
                e -> {
                  List<JsonNode> l = new java.util.ArrayList<>();
                  read(e.getRequest().getBodyAsString()).path("events").forEach(l::add);
                  return l.stream();
                })
            .toList();
    List<JsonNode> summaries = events.stream().filter(e -> e.path("params").has("count")).toList();
    assertThat(events.size() - summaries.size()).isEqualTo(Outbox.COALESCE_AFTER);
    assertThat(summaries).hasSizeBetween(1, 2);
    assertThat(summaries.stream().mapToLong(e -> e.path("params").path("count").asLong()).sum())
        .as("every skipped file is counted once")
        .isEqualTo(skipped - Outbox.COALESCE_AFTER);
    assertThat(summaries.get(0).path("code").asText()).isEqualTo("SYNC_FILE_SKIPPED");
    assertThat(summaries.get(0).path("seq").asLong()).isEqualTo(Outbox.COALESCE_AFTER + 1);
  }

  @Test
  void aDrivesStatusSurvivesARestartAndOnlyItsLatestWaitsDuringAnOutage() {
    wm.stubFor(
        post(urlEqualTo("/api/cloudnas_update_status.php"))
            .willReturn(aResponse().withStatus(503)));
    for (int i = 0; i <= 50; i++) {
      outbox.nasStatus(3, "mounted", null, 1000L + i, i == 50 ? "uploads are failing" : null);
    }
    outbox.nasStatus(4, "error", "drive letter Y: is taken", null, null);
    // Per drive: at most one attempt out and its latest state waiting, not 51 refreshes.
    assertThat(outbox.pending()).isBetween(2, 3);
    outbox.close(); // the agent stops (or dies) with the addon still away

    wm.stubFor(
        post(urlEqualTo("/api/cloudnas_update_status.php"))
            .willReturn(aResponse().withBody("{\"status\":\"success\"}")));
    outbox = open();
    assertThat(outbox.replayedCount()).isBetween(2, 3);
    assertThat(outbox.flush(Duration.ofSeconds(10))).isTrue();
    List<JsonNode> sent =
        sentInOrder().stream()
            .filter(e -> e.getResponse().getStatus() == 200)
            .map(e -> read(e.getRequest().getBodyAsString()))
            .toList();
    JsonNode last3 =
        sent.stream()
            .filter(b -> b.path("mount_id").asLong() == 3)
            .reduce((a, b) -> b)
            .orElseThrow();
    assertThat(last3.path("cache_bytes_used").asLong()).isEqualTo(1050);
    assertThat(last3.path("warning").asText()).isEqualTo("uploads are failing");
    assertThat(sent)
        .anySatisfy(
            b -> {
              assertThat(b.path("mount_id").asLong()).isEqualTo(4);
              assertThat(b.path("status").asText()).isEqualTo("error");
              assertThat(b.path("error").asText()).isEqualTo("drive letter Y: is taken");
            });
  }

  /**
   * The kill loop's double run: the agent was killed after a run's BACKUP_COMPLETED was queued (and
   * sent) and before its final status was, so the addon handed the finished run back and it ran
   * again. Every record boundary of the journal is a moment a kill can come; at none of them may
   * the closing event survive without the final status that tells the restarted agent the run is
   * done, nor a restore's final status without its command's completion. Fails when they are queued
   * as separate records.
   */
  @Test
  void aKillAtAnyMomentOfAFinishKeepsTheClosingEventFinalStatusAndCompletionOrNone()
      throws Exception {
    wm.stubFor(
        post(urlEqualTo("/api/agent_update_run.php")).willReturn(aResponse().withStatus(503)));
    wm.stubFor(
        post(urlEqualTo("/api/agent_push_events.php")).willReturn(aResponse().withStatus(503)));
    outbox.event(5, event(1));
    outbox.finish(
        5,
        closing(2),
        update(5, "success", 3),
        new CommandResult(77, true, "restore run 5 success"));
    outbox.close();
    byte[] journal = Files.readAllBytes(stateDir.resolve(OutboxJournal.FILE));

    List<Integer> ends = recordEnds(journal);
    assertThat(ends).as("records written").hasSizeGreaterThanOrEqualTo(2);
    for (int end : ends) {
      Path crashed = Files.createTempDirectory(stateDir, "kill-at-" + end);
      Files.write(crashed.resolve(OutboxJournal.FILE), Arrays.copyOf(journal, end));
      try (OutboxJournal replayed = OutboxJournal.open(crashed, 1 << 20)) {
        Collection<ObjectNode> items = replayed.pending().values();
        boolean closingKept =
            items.stream().anyMatch(i -> "BACKUP_COMPLETED".equals(i.at("/event/code").asText()));
        boolean finalKept = items.stream().anyMatch(i -> "update".equals(i.path("kind").asText()));
        boolean completionKept =
            items.stream().anyMatch(i -> "complete".equals(i.path("kind").asText()));
        assertThat(List.of(closingKept, finalKept, completionKept))
            .as("killed after byte %d: closing event, final status, completion kept", end)
            .containsOnly(closingKept);
      }
    }
  }

  @Test
  void aRunsFinalStatusAndCompletionQueuedBeforeAKillAreSentAfterTheRestart() {
    wm.stubFor(
        post(urlEqualTo("/api/agent_push_events.php"))
            .willReturn(aResponse().withBody("{\"status\":\"success\",\"accepted\":1}")));
    wm.stubFor(
        post(urlEqualTo("/api/agent_complete_command.php"))
            .willReturn(aResponse().withBody("{\"status\":\"success\"}")));
    wm.stubFor(
        post(urlEqualTo("/api/agent_update_run.php")).willReturn(aResponse().withStatus(503)));
    outbox.finish(6, closing(4), update(6, "success", 3), new CommandResult(78, true, "done"));
    await().until(() -> wm.getAllServeEvents().size() >= 2); // event in, final status refused
    outbox.close(); // killed with the final status undelivered

    wm.stubFor(
        post(urlEqualTo("/api/agent_update_run.php"))
            .willReturn(
                aResponse().withBody("{\"status\":\"success\",\"run_status\":\"success\"}")));
    outbox = open();
    assertThat(outbox.terminalPending(6)).as("the restarted agent knows run 6 is done").isTrue();
    assertThat(outbox.flush(Duration.ofSeconds(10))).isTrue();
    List<JsonNode> ok =
        sentInOrder().stream()
            .filter(e -> e.getResponse().getStatus() == 200)
            .map(e -> read(e.getRequest().getBodyAsString()))
            .toList();
    assertThat(ok).hasSize(3);
    assertThat(ok.get(0).at("/events/0/code").asText()).isEqualTo("BACKUP_COMPLETED");
    assertThat(ok.get(1).path("status").asText()).isEqualTo("success");
    assertThat(ok.get(2).path("command_id").asLong()).isEqualTo(78);
    assertThat(outbox.terminalPending(6)).isFalse();
  }

  /** Where each {@code [length][crc32][json]} record of a journal ends. */
  private static List<Integer> recordEnds(byte[] journal) {
    List<Integer> ends = new java.util.ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(journal);
    while (b.remaining() >= 8) {
      int len = b.getInt(b.position());
      b.position(b.position() + 8 + len);
      ends.add(b.position());
    }
    return ends;
  }

  private static RunEvent closing(long seq) {
    return new RunEvent(
        seq, Instant.now(), "lifecycle", "info", "BACKUP_COMPLETED", "Backup completed", Map.of());
  }

  /**
   * The requests WireMock saw, in the order they were sent: it lists them newest first, and their
   * logged times tie within a millisecond, so sorting by time is not enough.
   */
  private static List<com.github.tomakehurst.wiremock.stubbing.ServeEvent> sentInOrder() {
    List<com.github.tomakehurst.wiremock.stubbing.ServeEvent> served =
        new java.util.ArrayList<>(wm.getAllServeEvents());
    java.util.Collections.reverse(served);
    return served;
  }

  private static ObjectNode update(long runId, String status, long filesDone) {
    ObjectNode b = AgentApiClient.JSON.createObjectNode();
    b.put("run_id", runId);
    b.put("status", status);
    b.put("files_done", filesDone);
    return b;
  }

  private static RunEvent event(long seq) {
    return new RunEvent(seq, Instant.now(), "info", "info", "SYNC_STAGE", "e" + seq, Map.of());
  }

  private static JsonNode read(String s) {
    try {
      return AgentApiClient.JSON.readTree(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
