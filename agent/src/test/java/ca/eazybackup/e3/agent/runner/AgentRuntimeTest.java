package ca.eazybackup.e3.agent.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.eazybackup.e3.agent.engine.RunCancelledException;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.progress.EventLevel;
import ca.eazybackup.e3.agent.testing.FakeAddon;
import ca.eazybackup.e3.agent.testing.ScriptedEngine;
import ca.eazybackup.e3.agent.testing.TestHost;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentRuntimeTest {
  private static final String SOURCE = "C:\\Users\\alice\\Documents";

  @TempDir Path dir;
  private FakeAddon addon;
  private AgentRuntime runtime;
  private TestHost host;
  private Path source;
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void setUp() throws Exception {
    addon = new FakeAddon();
    source = Files.createDirectories(dir.resolve("documents"));
    host = new TestHost().map(SOURCE, source);
  }

  @AfterEach
  void tearDown() {
    release.countDown();
    if (runtime != null) {
      runtime.stop();
    }
    addon.close();
  }

  private void start(RuntimeSettings settings, ScriptedEngine... engines) {
    runtime = RuntimeHarness.start(addon, dir, settings, host, engines);
  }

  private static void awaitFinal(FakeAddon addon, long runId) {
    await().atMost(Duration.ofSeconds(20)).until(() -> addon.finalStatus(runId) != null);
  }

  @Test
  void claimsRunReportsProgressEventsAndFinalStatusThenKeepsPolling() {
    ScriptedEngine engine =
        new ScriptedEngine("sync")
            .onBackup(
                (job, ctx) -> {
                  ctx.progress().scanStarted();
                  ctx.progress().scanFound(2, 300);
                  ctx.progress().scanFinished();
                  for (String f : List.of("a.txt", "b.txt")) {
                    ctx.progress().itemStarted(f);
                    ctx.progress().bytesDone(150);
                    ctx.progress().itemDone(f);
                  }
                  return RunOutcome.success("2 files");
                });
    start(RuntimeHarness.settings(), engine);
    addon.queueRun(FakeAddon.run(42, "sync", SOURCE));

    awaitFinal(addon, 42);

    assertThat(addon.finalStatus(42)).isEqualTo("success");
    JsonNode last = addon.finalUpdate(42);
    assertThat(last.path("files_done").asLong()).isEqualTo(2);
    assertThat(last.path("bytes_transferred").asLong()).isEqualTo(300);
    assertThat(last.path("progress_pct").asDouble()).isEqualTo(100.0);
    List<JsonNode> updates = addon.updates(42);
    assertThat(updates.get(0).path("status").asText()).isEqualTo("running");
    assertThat(updates.get(updates.size() - 1)).isEqualTo(last);
    assertThat(addon.eventCodes(42)).startsWith("BACKUP_STARTING").endsWith("BACKUP_COMPLETED");
    // The engine was handed the resolved local folder, not the addon's Windows path.
    assertThat(engine.backups.get(0).sources()).containsExactly(source.toString());

    addon.queueRun(FakeAddon.run(43, "sync", SOURCE));
    awaitFinal(addon, 43);
    assertThat(addon.finalStatus(43)).isEqualTo("success");
  }

  @Test
  void unknownEngineFailsTheRunWithAClearMessage() {
    start(RuntimeHarness.settings(), new ScriptedEngine("sync"));
    addon.queueRun(FakeAddon.run(50, "borg", SOURCE));

    awaitFinal(addon, 50);

    assertThat(addon.finalStatus(50)).isEqualTo("failed");
    assertThat(addon.finalUpdate(50).path("error_summary").asText())
        .contains("unknown engine 'borg'")
        .contains("sync");
    assertThat(addon.eventCodes(50)).containsExactly("BACKUP_STARTING", "BACKUP_FAILED");
  }

  @Test
  void engineCrashFailsOnlyThatRunAndTheAgentTakesTheNextOne() {
    ScriptedEngine engine =
        new ScriptedEngine("sync")
            .onBackup(
                (job, ctx) -> {
                  if (ctx.runId() == 60) {
                    throw new IllegalStateException("disk on fire");
                  }
                  return RunOutcome.success("ok");
                });
    start(RuntimeHarness.settings(), engine);
    addon.queueRun(FakeAddon.run(60, "sync", SOURCE));
    addon.queueRun(FakeAddon.run(61, "sync", SOURCE));

    awaitFinal(addon, 61);

    assertThat(addon.finalStatus(60)).isEqualTo("failed");
    assertThat(addon.finalUpdate(60).path("error_summary").asText()).isEqualTo("disk on fire");
    assertThat(addon.finalStatus(61)).isEqualTo("success");
  }

  @Test
  void sourceThatCannotBeResolvedFailsTheRunNamingThePath() {
    start(RuntimeHarness.settings(), new ScriptedEngine("sync"));
    addon.queueRun(FakeAddon.run(65, "sync", "Q:\\missing"));

    awaitFinal(addon, 65);

    assertThat(addon.finalStatus(65)).isEqualTo("failed");
    assertThat(addon.finalUpdate(65).path("error_summary").asText()).contains("Q:\\missing");
  }

  @Test
  void cancelCommandStopsACooperativeRunWithinFiveSeconds() {
    start(RuntimeHarness.settings(), blockingEngine(true));
    addon.queueRun(FakeAddon.run(70, "sync", SOURCE));
    await().until(() -> runtime.activeRunIds().contains(70L));

    Instant asked = Instant.now();
    addon.queueCommand(command(5, "cancel", 70L, "{}"));
    awaitFinal(addon, 70);

    assertThat(Duration.between(asked, Instant.now())).isLessThan(Duration.ofSeconds(5));
    assertThat(addon.finalStatus(70)).isEqualTo("cancelled");
    assertThat(addon.eventCodes(70)).endsWith("BACKUP_CANCELLED");
    await()
        .untilAsserted(
            () ->
                assertThat(addon.requests("agent_complete_command.php"))
                    .anySatisfy(
                        r -> {
                          assertThat(r.body().path("command_id").asLong()).isEqualTo(5);
                          assertThat(r.body().path("status").asText()).isEqualTo("completed");
                          assertThat(r.body().path("result_message").asText())
                              .isEqualTo("run 70 cancelled");
                        }));
  }

  @Test
  void cancelStopsAnEngineThatIgnoresItWithinFiveSeconds() {
    start(RuntimeHarness.settings(), blockingEngine(false));
    addon.queueRun(FakeAddon.run(71, "sync", SOURCE));
    await().until(() -> runtime.activeRunIds().contains(71L));

    Instant asked = Instant.now();
    addon.queueCommand(command(6, "cancel", 71L, "{}"));
    awaitFinal(addon, 71);

    assertThat(Duration.between(asked, Instant.now())).isLessThan(Duration.ofSeconds(5));
    assertThat(addon.finalStatus(71)).isEqualTo("cancelled");
  }

  @Test
  void cancelRequestedInAnUpdateAnswerCancelsTheRun() {
    start(RuntimeHarness.settings(), blockingEngine(true));
    addon.requestCancel(72);
    addon.queueRun(FakeAddon.run(72, "sync", SOURCE));

    awaitFinal(addon, 72);

    assertThat(addon.finalStatus(72)).isEqualTo("cancelled");
    assertThat(addon.finalUpdate(72).path("error_summary").asText()).isEqualTo("cancelled by user");
  }

  @Test
  void heartbeatsKeepComingWhileTheEngineStalls() {
    start(
        RuntimeHarness.settings().withHeartbeatInterval(Duration.ofMillis(300)),
        blockingEngine(true));
    addon.queueRun(FakeAddon.run(80, "sync", SOURCE));

    await().atMost(Duration.ofSeconds(10)).until(() -> addon.updates(80).size() >= 5);

    // No progress at all, yet the run's updated_at keeps moving.
    assertThat(addon.updates(80))
        .allSatisfy(u -> assertThat(u.path("bytes_transferred").asLong()).isZero());
    assertThat(addon.finalStatus(80)).isNull();
  }

  @Test
  void addonDownMidRunThenBackLosesNoUpdateAndKeepsOrder() {
    CountDownLatch addonIsDown = new CountDownLatch(1);
    ScriptedEngine engine =
        new ScriptedEngine("sync")
            .onBackup(
                (job, ctx) -> {
                  ctx.progress().event("SYNC_STAGE", EventLevel.INFO, "before outage", Map.of());
                  assertThat(addonIsDown.await(10, TimeUnit.SECONDS)).isTrue();
                  for (int i = 0; i < 20; i++) {
                    ctx.progress().itemStarted("f" + i);
                    ctx.progress().bytesDone(10);
                    ctx.progress().itemDone("f" + i);
                    ctx.progress().event("SYNC_STAGE", EventLevel.INFO, "file " + i, Map.of());
                  }
                  return RunOutcome.success("20 files");
                });
    start(RuntimeHarness.settings(), engine);
    addon.queueRun(FakeAddon.run(90, "sync", SOURCE));
    await().until(() -> addon.eventCodes(90).contains("SYNC_STAGE"));

    addon.down(true);
    addonIsDown.countDown();
    await().until(() -> runtime.activeRunIds().isEmpty());
    assertThat(addon.finalStatus(90)).isNull();
    addon.down(false);

    awaitFinal(addon, 90);
    await().until(() -> runtime.activeRunIds().isEmpty());
    List<JsonNode> events = addon.events(90);
    assertThat(events).extracting(e -> e.path("seq").asLong()).isSorted().doesNotHaveDuplicates();
    assertThat(events.stream().map(e -> e.path("message").asText()))
        .contains("before outage", "file 0", "file 19");
    assertThat(events.get(events.size() - 1).path("code").asText()).isEqualTo("BACKUP_COMPLETED");
    long seqs = events.size();
    assertThat(events.get(events.size() - 1).path("seq").asLong()).isEqualTo(seqs);
    List<JsonNode> updates = addon.updates(90);
    assertThat(updates.get(updates.size() - 1).path("status").asText()).isEqualTo("success");
    assertThat(updates.get(updates.size() - 1).path("files_done").asLong()).isEqualTo(20);
    assertThat(updates).extracting(u -> u.path("files_done").asLong()).isSorted();
  }

  @Test
  void reclaimedRunRestartsAnnouncesItselfAndContinuesTheEventSequence() {
    ScriptedEngine engine = new ScriptedEngine("sync");
    start(RuntimeHarness.settings(), engine);
    ObjectNode run = FakeAddon.run(100, "sync", SOURCE);
    run.put("reclaimed", true);
    run.putObject("progress_json").put("files_done", 3).put("event_seq", 57);
    addon.queueRun(run);

    awaitFinal(addon, 100);

    assertThat(addon.finalStatus(100)).isEqualTo("success");
    // VSS_UNAVAILABLE (INFO: this test's host is not elevated) is not a lifecycle code
    assertThat(addon.eventCodes(100))
        .filteredOn(code -> !code.equals("VSS_UNAVAILABLE"))
        .as("BACKUP_STARTING came with the first pickup; a lifecycle code comes once per run")
        .containsExactly("AGENT_RECLAIMED", "BACKUP_COMPLETED");
    assertThat(addon.events(100).get(0).path("seq").asLong()).isGreaterThan(57);
    assertThat(engine.backups.get(0).reclaimed()).isTrue();
  }

  @Test
  void aRunReclaimedBeforeItsFirstPickupSentAnythingStillSaysBackupStartingOnce() {
    ScriptedEngine engine = new ScriptedEngine("sync");
    start(RuntimeHarness.settings(), engine);
    // Killed between agent_next_run's claim and its BACKUP_STARTING: no seq on disk, none seen.
    ObjectNode run = FakeAddon.run(101, "sync", SOURCE);
    run.put("reclaimed", true);
    addon.queueRun(run);

    awaitFinal(addon, 101);

    assertThat(addon.eventCodes(101))
        .filteredOn(code -> !code.equals("VSS_UNAVAILABLE"))
        .containsExactly("BACKUP_STARTING", "AGENT_RECLAIMED", "BACKUP_COMPLETED");
  }

  @Test
  void restartedAgentNeverReusesEventSeqsOfItsEarlierLife() throws Exception {
    start(RuntimeHarness.settings(), blockingEngine(true));
    addon.queueRun(FakeAddon.run(110, "sync", SOURCE));
    await().until(() -> addon.eventCodes(110).contains("BACKUP_STARTING"));
    long firstSeq = addon.events(110).get(0).path("seq").asLong();
    runtime.stop();
    assertThat(addon.finalStatus(110)).isEqualTo("cancelled");

    // The addon hands the same run back (as after a crash); the new life starts after the old seqs.
    FakeAddon second = addon;
    try (FakeAddon fresh = new FakeAddon()) {
      addon = fresh;
      ObjectNode run = FakeAddon.run(110, "sync", SOURCE);
      run.put("reclaimed", true);
      fresh.queueRun(run);
      runtime =
          RuntimeHarness.start(
              fresh, dir, RuntimeHarness.settings(), host, new ScriptedEngine("sync"));
      awaitFinal(fresh, 110);
      assertThat(fresh.events(110).get(0).path("seq").asLong())
          .isGreaterThan(second.events(110).get(second.events(110).size() - 1).path("seq").asLong())
          .isGreaterThan(firstSeq);
      runtime.stop();
    } finally {
      addon = second;
    }
  }

  @Test
  void stoppingTheAgentReportsTheRunCancelledAsAgentStopped() {
    start(RuntimeHarness.settings(), blockingEngine(true));
    addon.queueRun(FakeAddon.run(120, "sync", SOURCE));
    await().until(() -> runtime.activeRunIds().contains(120L));

    runtime.stop();

    assertThat(addon.finalStatus(120)).isEqualTo("cancelled");
    assertThat(addon.finalUpdate(120).path("error_summary").asText()).isEqualTo("agent stopped");
  }

  @Test
  void commandsAreServedWhileABackupRuns() {
    ScriptedEngine engine = blockingEngine(true);
    start(RuntimeHarness.settings(), engine);
    addon.queueRun(FakeAddon.run(130, "sync", SOURCE));
    await().until(() -> runtime.activeRunIds().contains(130L));

    addon.queueCommand(command(9, "browse_directory", null, "{\"path\":\"\"}"));

    await()
        .until(
            () ->
                addon.requests("agent_report_browse.php").stream()
                    .anyMatch(r -> r.body().path("command_id").asLong() == 9));
    assertThat(runtime.activeRunIds()).contains(130L);
  }

  @Test
  void restoreCommandReportsOnTheRestoreRunAndCompletesTheCommand() {
    ScriptedEngine engine =
        new ScriptedEngine("sync")
            .onRestore(
                (job, ctx) -> {
                  ctx.progress().scanFound(1, 10);
                  ctx.progress().bytesDone(10);
                  ctx.progress().itemDone("x");
                  return RunOutcome.success("1 file");
                });
    host.map("D:\\Restore", dir.resolve("restore"));
    start(RuntimeHarness.settings(), engine);
    JsonNode restore =
        FakeAddon.example("agent_poll_pending_commands.response.json").get("commands").get(2);
    addon.queueCommand(restore);

    awaitFinal(addon, 44);

    assertThat(addon.finalStatus(44)).isEqualTo("success");
    assertThat(addon.updates(44).get(0).path("status").asText()).isEqualTo("running");
    assertThat(addon.eventCodes(44)).startsWith("RESTORE_STARTING").endsWith("RESTORE_COMPLETED");
    assertThat(engine.restores.get(0).targetPath()).isEqualTo(dir.resolve("restore").toString());
    assertThat(engine.restores.get(0).overwrite()).isEqualTo("if-changed");
    await()
        .untilAsserted(
            () ->
                assertThat(addon.requests("agent_complete_command.php"))
                    .anySatisfy(
                        r -> {
                          assertThat(r.body().path("command_id").asLong()).isEqualTo(7);
                          assertThat(r.body().path("status").asText()).isEqualTo("completed");
                        }));
  }

  @Test
  void aNasMountWithABadLetterFailsClearlyAndReportsTheMountInError() {
    start(RuntimeHarness.settings(), new ScriptedEngine("sync"));
    com.fasterxml.jackson.databind.node.ObjectNode mount =
        FakeAddon.example("agent_poll_pending_commands.response.json")
            .get("commands")
            .get(3)
            .deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) mount.get("payload"))
        .put("drive_letter", "!!");
    addon.queueCommand(mount);

    await().until(() -> !addon.requests("agent_complete_command.php").isEmpty());

    JsonNode done = addon.requests("agent_complete_command.php").get(0).body();
    assertThat(done.path("status").asText()).isEqualTo("failed");
    assertThat(done.path("result_message").asText()).contains("not one letter from A to Z");
    await().until(() -> !addon.requests("cloudnas_update_status.php").isEmpty());
    JsonNode nas = addon.requests("cloudnas_update_status.php").get(0).body();
    assertThat(nas.path("mount_id").asLong()).isEqualTo(3);
    assertThat(nas.path("status").asText()).isEqualTo("error");
    assertThat(nas.path("error").asText()).contains("not one letter from A to Z");
  }

  @Test
  void maintenanceCommandRunsTheEngineAndCompletes() {
    ScriptedEngine engine = new ScriptedEngine("kopia");
    start(RuntimeHarness.settings(), engine);
    ObjectNode cmd = (ObjectNode) command(11, "maintenance_full", null, "{}");
    ObjectNode job = FakeAddon.run(0, "kopia", SOURCE);
    job.putNull("run_id");
    cmd.set("job", job);
    addon.queueCommand(cmd);

    await().until(() -> !addon.requests("agent_complete_command.php").isEmpty());

    JsonNode done = addon.requests("agent_complete_command.php").get(0).body();
    assertThat(done.path("status").asText()).isEqualTo("completed");
    assertThat(engine.maintenance).hasSize(1);
  }

  @Test
  void verifyCommandCompletesWithTheEnginesSummaryAndFailsOnDamageOrABadPercentage() {
    ScriptedEngine engine = new ScriptedEngine("kopia");
    start(RuntimeHarness.settings(), engine);
    int id = 20;
    for (String payload :
        List.of("{}", "{\"read_data_percent\":100}", "{\"read_data_percent\":\"x\"}")) {
      ObjectNode cmd = (ObjectNode) command(id++, "verify", null, payload);
      ObjectNode job = FakeAddon.run(0, "kopia", SOURCE);
      job.putNull("run_id");
      cmd.set("job", job);
      addon.queueCommand(cmd);
    }

    await().until(() -> addon.requests("agent_complete_command.php").size() == 3);

    Map<Long, JsonNode> done = new java.util.HashMap<>();
    addon
        .requests("agent_complete_command.php")
        .forEach(r -> done.put(r.body().path("command_id").asLong(), r.body()));
    assertThat(done.get(20L).path("status").asText()).isEqualTo("completed");
    assertThat(done.get(20L).path("result_message").asText()).contains("repository is healthy");
    assertThat(done.get(21L).path("status").asText()).isEqualTo("failed");
    assertThat(done.get(21L).path("result_message").asText()).contains("pack p1 is missing");
    assertThat(done.get(22L).path("status").asText()).isEqualTo("failed");
    assertThat(done.get(22L).path("result_message").asText()).contains("read_data_percent");
    assertThat(engine.verifies).containsExactlyInAnyOrder(0, 100);
  }

  @Test
  void sharePasswordNeverReachesLogsEventsOrTheErrorSummary() throws Exception {
    String password = "Sh4re-Pa55word-xyz";
    String unc = "\\\\fileserver\\docs\\alice";
    host.map(unc, source);
    org.slf4j.Logger engineLog = org.slf4j.LoggerFactory.getLogger("careless-engine");
    ScriptedEngine engine =
        new ScriptedEngine("sync")
            .onBackup(
                (job, ctx) -> {
                  String pw = job.networkCredentials().password();
                  engineLog.info("connecting to share with {}", pw);
                  ctx.progress()
                      .event("SYNC_DEBUG", EventLevel.INFO, "used " + pw, Map.of("pw", pw));
                  throw new java.io.IOException("logon failed for password " + pw);
                });
    ca.eazybackup.e3.agent.logging.LoggingSetup.toFiles(dir.resolve("logs"), dir.resolve("runs"));
    try {
      start(RuntimeHarness.settings(), engine);
      ObjectNode run = FakeAddon.run(140, "sync", unc);
      run.putObject("network_credentials")
          .put("username", "alice")
          .put("password", password)
          .put("domain", "CORP");
      addon.queueRun(run);

      awaitFinal(addon, 140);
      runtime.stop();
    } finally {
      ca.eazybackup.e3.agent.logging.LoggingSetup.toConsole();
    }

    assertThat(addon.finalStatus(140)).isEqualTo("failed");
    assertThat(addon.finalUpdate(140).toString()).doesNotContain(password).contains("logon failed");
    assertThat(addon.events(140).toString()).doesNotContain(password).contains("SYNC_DEBUG");
    assertThat(engine.backups.get(0).sources()).containsExactly(source.toString());
    try (var files = Files.walk(dir)) {
      List<Path> logs = files.filter(p -> p.toString().endsWith(".log")).toList();
      assertThat(logs).isNotEmpty();
      for (Path log : logs) {
        assertThat(Files.readString(log)).as(log.toString()).doesNotContain(password);
      }
      assertThat(Files.readString(dir.resolve("runs/run_140.log")))
          .contains("connecting to share with ***");
    }
  }

  private ScriptedEngine blockingEngine(boolean cooperative) {
    return new ScriptedEngine("sync")
        .onBackup(
            (job, ctx) -> {
              if (cooperative) {
                AtomicReference<Thread> me = new AtomicReference<>(Thread.currentThread());
                ctx.cancellation().onCancel(() -> me.get().interrupt());
                try {
                  release.await();
                } catch (InterruptedException e) {
                  throw new RunCancelledException(ctx.cancellation().reason());
                }
                return RunOutcome.success("released");
              }
              // Ignores cancel and interrupts: only the runtime's grace timeout ends the run.
              while (true) {
                try {
                  if (release.await(1, TimeUnit.HOURS)) {
                    return RunOutcome.success("released");
                  }
                } catch (InterruptedException e) {
                  if (release.getCount() == 0) {
                    return RunOutcome.success("released");
                  }
                }
              }
            });
  }

  private static JsonNode command(long id, String type, Long runId, String payload) {
    try {
      ObjectNode c = FakeAddon.JSON.createObjectNode();
      c.put("command_id", id);
      c.put("type", type);
      if (runId == null) {
        c.putNull("run_id");
      } else {
        c.put("run_id", runId);
      }
      c.putNull("job_id");
      c.set("payload", FakeAddon.JSON.readTree(payload));
      c.putNull("job");
      return c;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
