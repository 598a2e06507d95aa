package ca.eazybackup.e3.agent.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.testing.FakeAddon;
import ca.eazybackup.e3.agent.testing.ScriptedEngine;
import ca.eazybackup.e3.agent.testing.TestHost;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Locks per repository, cleanup that waits for a stuck engine, and scratch folders of killed runs.
 */
class RuntimeSafetyTest {
  private static final String SOURCE = "C:\\Users\\alice\\Documents";

  @TempDir Path dir;
  private FakeAddon addon;
  private AgentRuntime runtime;
  private TestHost host;
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<String> order = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    addon = new FakeAddon();
    host = new TestHost().map(SOURCE, Files.createDirectories(dir.resolve("documents")));
    host.map("D:\\Restore", dir.resolve("restore"));
  }

  @AfterEach
  void tearDown() {
    release.countDown();
    if (runtime != null) {
      runtime.stop();
    }
    addon.close();
  }

  /** A backup that holds its repository until {@link #release}, ignoring cancels. */
  private ScriptedEngine engine() {
    return new ScriptedEngine("sync")
        .onBackup(
            (job, ctx) -> {
              order.add("backup-start");
              Files.writeString(
                  Files.createDirectories(ctx.workDir()).resolve("scratch.tmp"), "busy");
              while (true) {
                try {
                  if (release.await(1, TimeUnit.HOURS)) {
                    break;
                  }
                } catch (InterruptedException e) {
                  // an engine that does not listen: only release ends it
                }
              }
              order.add("backup-end");
              return RunOutcome.success("done");
            })
        .onRestore(
            (job, ctx) -> {
              order.add("restore");
              return RunOutcome.success("restored");
            });
  }

  private static ObjectNode restoreCommand(long commandId, long restoreRunId) {
    ObjectNode cmd = FakeAddon.JSON.createObjectNode();
    cmd.put("command_id", commandId);
    cmd.put("type", "restore");
    cmd.put("run_id", restoreRunId);
    cmd.putNull("job_id");
    ObjectNode payload = cmd.putObject("payload");
    payload.put("restore_run_id", restoreRunId);
    payload.put("target_path", "D:\\Restore");
    payload.putArray("paths");
    payload.put("overwrite", "always");
    payload.put("delete_extra", false);
    ObjectNode job = FakeAddon.run(restoreRunId, "sync", SOURCE); // same repository as the backup
    cmd.set("job", job);
    return cmd;
  }

  @Test
  void aRestoreOfTheRepositoryABackupIsWritingWaitsForTheBackupToFinish() {
    ScriptedEngine engine = engine();
    runtime = RuntimeHarness.start(addon, dir, RuntimeHarness.settings(), host, engine);
    addon.queueRun(FakeAddon.run(200, "sync", SOURCE));
    await().until(() -> order.contains("backup-start"));

    addon.queueCommand(restoreCommand(31, 201));

    await().until(() -> addon.eventCodes(201).contains("RUN_WAITING_FOR_REPOSITORY"));
    assertThat(engine.restores).as("the restore waits; it does not fail or race").isEmpty();
    release.countDown();
    // Each run has its own delivery lane: the two final statuses may arrive in either order.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> addon.finalStatus(201) != null && addon.finalStatus(200) != null);
    assertThat(addon.finalStatus(200)).isEqualTo("success");
    assertThat(addon.finalStatus(201)).isEqualTo("success");
    assertThat(order).containsExactly("backup-start", "backup-end", "restore");
  }

  @Test
  void maintenanceOfTheRepositoryABackupIsWritingWaitsForTheBackup() {
    ScriptedEngine engine = engine();
    runtime = RuntimeHarness.start(addon, dir, RuntimeHarness.settings(), host, engine);
    addon.queueRun(FakeAddon.run(210, "sync", SOURCE));
    await().until(() -> order.contains("backup-start"));
    ObjectNode cmd = FakeAddon.JSON.createObjectNode();
    cmd.put("command_id", 32);
    cmd.put("type", "maintenance_quick");
    cmd.putNull("run_id");
    cmd.putNull("job_id");
    cmd.putObject("payload");
    ObjectNode job = FakeAddon.run(0, "sync", SOURCE);
    job.putNull("run_id");
    cmd.set("job", job);

    addon.queueCommand(cmd);

    await()
        .during(Duration.ofMillis(800))
        .atMost(Duration.ofSeconds(5))
        .until(() -> engine.maintenance.isEmpty());
    release.countDown();
    await().until(() -> !engine.maintenance.isEmpty());
    await().until(() -> !addon.requests("agent_complete_command.php").isEmpty());
    JsonNode done = addon.requests("agent_complete_command.php").get(0).body();
    assertThat(done.path("status").asText()).isEqualTo("completed");
    assertThat(order).containsSubsequence("backup-start", "backup-end");
  }

  @Test
  void anEngineThatOutlivesTheCancelGraceKeepsItsWorkFolderUntilItReallyStops() {
    runtime = RuntimeHarness.start(addon, dir, RuntimeHarness.settings(), host, engine());
    addon.queueRun(FakeAddon.run(220, "sync", SOURCE));
    await().until(() -> order.contains("backup-start"));
    Path work = dir.resolve("runs").resolve("work").resolve("run_220");
    await().until(() -> Files.exists(work.resolve("scratch.tmp")));
    ObjectNode cancel = FakeAddon.JSON.createObjectNode();
    cancel.put("command_id", 33);
    cancel.put("type", "cancel");
    cancel.put("run_id", 220);
    cancel.putNull("job_id");
    cancel.putObject("payload");
    cancel.putNull("job");

    addon.queueCommand(cancel);

    await().atMost(Duration.ofSeconds(10)).until(() -> addon.finalStatus(220) != null);
    assertThat(addon.finalStatus(220)).isEqualTo("cancelled");
    // The engine still runs (it ignores cancels): its folder must not vanish under it.
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> Files.exists(work.resolve("scratch.tmp")));
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(work));
  }

  @Test
  void aRestoreAndAMaintenanceKilledMidwayAreReportedAsSoonAsTheAgentIsBack() throws Exception {
    // What a process killed during a restore (run 301, command 41) and a maintenance (command
    // 42) leaves behind: their records begun and never ended.
    CommandJournal before =
        new CommandJournal(dir.resolve("runs").resolve("state").resolve("commands"));
    before.receive(
        FakeAddon.JSON.treeToValue(
            restoreCommand(41, 301), ca.eazybackup.e3.agent.api.AgentCommand.class),
        301L,
        true);
    ObjectNode maint = FakeAddon.JSON.createObjectNode();
    maint.put("command_id", 42);
    maint.put("type", "maintenance_full");
    maint.putNull("run_id");
    maint.putObject("payload");
    before.receive(
        FakeAddon.JSON.treeToValue(maint, ca.eazybackup.e3.agent.api.AgentCommand.class),
        null,
        true);
    before.close();

    runtime = RuntimeHarness.start(addon, dir, RuntimeHarness.settings(), host, engine());

    await().atMost(Duration.ofSeconds(10)).until(() -> addon.finalStatus(301) != null);
    assertThat(addon.finalStatus(301)).isEqualTo("failed");
    assertThat(addon.finalUpdate(301).path("error_summary").asText()).contains("agent restarted");
    assertThat(addon.eventCodes(301)).contains("RESTORE_FAILED");
    await()
        .untilAsserted(
            () ->
                assertThat(addon.requests("agent_complete_command.php"))
                    .extracting(r -> r.body().path("command_id").asLong())
                    .containsExactlyInAnyOrder(41L, 42L));
    assertThat(addon.requests("agent_complete_command.php"))
        .allSatisfy(r -> assertThat(r.body().path("status").asText()).isEqualTo("failed"));

    // Reported once: the next start has nothing left to report.
    runtime.stop();
    int completions = addon.requests("agent_complete_command.php").size();
    runtime = RuntimeHarness.start(addon, dir, RuntimeHarness.settings(), host, engine());
    await()
        .during(Duration.ofMillis(700))
        .atMost(Duration.ofSeconds(3))
        .until(() -> addon.requests("agent_complete_command.php").size() == completions);
  }

  @Test
  void scratchFoldersOfRunsKilledEarlierAreRemovedAtStart() throws Exception {
    Path stale = dir.resolve("runs").resolve("work").resolve("run_999");
    Files.createDirectories(stale.resolve("deep"));
    Files.writeString(stale.resolve("deep").resolve("part.tmp"), "left by a kill -9");
    AtomicReference<AgentRuntime> r = new AtomicReference<>();

    r.set(RuntimeHarness.start(addon, dir, RuntimeHarness.settings(), host, engine()));
    runtime = r.get();

    await().until(() -> !Files.exists(stale));
    assertThat(dir.resolve("runs").resolve("work")).isDirectory();
  }
}
