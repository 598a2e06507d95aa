package ca.eazybackup.e3.agent.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.eazybackup.e3.agent.testing.FakeAddon;
import ca.eazybackup.e3.agent.testing.ScriptedEngine;
import ca.eazybackup.e3.agent.testing.TestHost;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's half of issue 13's delivery acknowledgement: a command is acknowledged only once it
 * is in the command journal on disk, and a command the addon hands out again (its acknowledgement
 * lost, or the agent killed before it) never runs twice — in the same process or after a restart.
 */
class CommandAckTest {
  private static final String SOURCE = "C:\\Users\\alice\\Documents";

  @TempDir Path dir;
  private FakeAddon addon;
  private AgentRuntime runtime;
  private TestHost host;
  private final ScriptedEngine engine = new ScriptedEngine("kopia");

  @BeforeEach
  void setUp() throws Exception {
    addon = new FakeAddon();
    host = new TestHost().map(SOURCE, Files.createDirectories(dir.resolve("documents")));
  }

  @AfterEach
  void tearDown() {
    if (runtime != null) {
      runtime.stop();
    }
    addon.close();
  }

  private void start() {
    runtime = RuntimeHarness.start(addon, dir, RuntimeHarness.settings(), host, engine);
  }

  private Path journalFile() {
    return dir.resolve("runs").resolve("state").resolve("commands").resolve(OutboxJournal.FILE);
  }

  private static ObjectNode maintenance(long id) {
    ObjectNode c = FakeAddon.JSON.createObjectNode();
    c.put("command_id", id);
    c.put("type", "maintenance_full");
    c.putNull("run_id");
    c.putNull("job_id");
    c.putObject("payload");
    ObjectNode job = FakeAddon.run(0, "kopia", SOURCE);
    job.putNull("run_id");
    c.set("job", job);
    return c;
  }

  private List<Long> acknowledged() {
    List<Long> ids = new ArrayList<>();
    for (FakeAddon.Request r : addon.requests("agent_ack_commands.php")) {
      r.body().path("command_ids").forEach(id -> ids.add(id.asLong()));
    }
    return ids;
  }

  private int completions(long commandId) {
    return (int)
        addon.requests("agent_complete_command.php").stream()
            .filter(r -> r.body().path("command_id").asLong() == commandId)
            .count();
  }

  @Test
  void aCommandIsAcknowledgedOnlyOnceItIsInTheJournalOnDisk() {
    // What the journal file holds at the moment each acknowledgement reaches the addon.
    List<String> journalAtAck = new CopyOnWriteArrayList<>();
    addon.onRequest(
        "agent_ack_commands.php",
        body -> {
          try {
            journalAtAck.add(
                Files.exists(journalFile())
                    ? new String(Files.readAllBytes(journalFile()), StandardCharsets.ISO_8859_1)
                    : "");
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
    start();
    addon.queueCommand(maintenance(77));

    await().until(() -> completions(77) == 1);
    assertThat(acknowledged()).containsExactly(77L);
    assertThat(journalAtAck).hasSize(1);
    assertThat(journalAtAck.get(0)).contains("\"command_id\":77");
    assertThat(engine.maintenance).hasSize(1);
  }

  @Test
  void aCommandHandedOutAgainRunsOnceAndIsAcknowledgedAgain() {
    start();
    addon.queueCommand(maintenance(78));
    await().until(() -> completions(78) == 1);

    // The addon never got the acknowledgement and hands the command out again.
    addon.queueCommand(maintenance(78));
    await().until(() -> acknowledged().size() == 2);
    assertThat(acknowledged()).containsExactly(78L, 78L);
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> engine.maintenance.size() == 1 && completions(78) == 1);
  }

  @Test
  void aCommandReceivedByAnEarlierProcessIsNotRunAgainAfterARestart() {
    start();
    addon.queueCommand(maintenance(79));
    await().until(() -> completions(79) == 1);
    runtime.stop();

    start();
    addon.queueCommand(maintenance(79));
    await().until(() -> acknowledged().size() == 2);
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> engine.maintenance.size() == 1 && completions(79) == 1);
  }

  @Test
  void
      aCommandJournalledButNotYetStartedWhenKilledIsReportedAfterTheRestartAndNotRunWhenHandedOutAgain()
          throws Exception {
    // A process killed right after it journalled (and maybe acknowledged) command 80.
    try (CommandJournal before =
        new CommandJournal(dir.resolve("runs").resolve("state").resolve("commands"))) {
      assertThat(
              before.receive(
                  FakeAddon.JSON.treeToValue(
                      maintenance(80), ca.eazybackup.e3.agent.api.AgentCommand.class),
                  null,
                  true))
          .isEqualTo(new CommandJournal.Received(true, true));
    }
    start();
    await().until(() -> completions(80) == 1);
    JsonNode done =
        addon.requests("agent_complete_command.php").stream()
            .filter(r -> r.body().path("command_id").asLong() == 80)
            .findFirst()
            .orElseThrow()
            .body();
    assertThat(done.path("status").asText()).isEqualTo("failed");
    assertThat(done.path("result_message").asText()).contains("agent restarted");

    addon.queueCommand(maintenance(80)); // its acknowledgement had not got through
    await().until(() -> acknowledged().contains(80L));
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> engine.maintenance.isEmpty() && completions(80) == 1);
  }
}
