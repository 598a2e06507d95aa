package ca.eazybackup.e3.whmcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The seed's "Heartbeats, watchdog, and resume", with the clock moved by hand. */
class WatchdogReclaimTest extends ServerTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T13:00:00Z"));

  @Override
  ServerConfig.Builder config() {
    return super.config()
        .clock(clock)
        .watchdogTimeout(Duration.ofSeconds(720))
        .reclaimGrace(Duration.ofSeconds(180))
        .watchdogSweepInterval(Duration.ZERO)
        .schedulerInterval(Duration.ZERO);
  }

  private long runningRun(Tenant t) {
    long runId = t.startRun(t.createJob());
    assertThat(t.nextRun().get("run_id").asLong()).isEqualTo(runId);
    t.update(runId, "status", "running", "progress_json", Map.of("files_done", 7));
    return runId;
  }

  @Test
  void aRestartedAgentReclaimsItsOwnRunWithinTheGraceWindow() {
    Tenant t = Tenant.create(http);
    Tenant.Agent other = t.secondAgent();
    long runId = runningRun(t);

    clock.advance(Duration.ofSeconds(60));
    assertThat(t.nextRun().isNull()).as("heartbeat still fresh").isTrue();

    clock.advance(Duration.ofSeconds(140)); // 200 s without a heartbeat
    assertThat(t.agent(other, "agent_next_run.php", Map.of()).body().get("run").isNull())
        .as("another agent never gets it")
        .isTrue();
    JsonNode run = t.nextRun();
    assertThat(run.get("run_id").asLong()).isEqualTo(runId);
    assertThat(run.get("reclaimed").asBoolean()).isTrue();
    assertThat(run.get("progress_json").get("files_done").asInt()).isEqualTo(7);
    assertThat(t.nextRun().isNull()).as("handed back once per stale period").isTrue();
    assertThat(t.update(runId, "status", "success").code()).isEqualTo(200);
    JsonNode logs =
        t.client("cloudbackup_get_run_logs.php", Map.of("run_id", runId)).body().get("logs");
    assertThat(logs.findValuesAsText("code")).contains("AGENT_RECLAIMED");
  }

  @Test
  void watchdogFailsARunWhoseAgentStoppedHeartbeatingWithAgentOffline() {
    Tenant t = Tenant.create(http);
    long runId = runningRun(t);
    clock.advance(Duration.ofSeconds(700));
    assertThat(server.runWatchdog()).doesNotContain(runId);
    clock.advance(Duration.ofSeconds(30)); // 730 s > 720 s
    assertThat(t.nextRun().isNull()).as("past the watchdog cutoff: no reclaim").isTrue();
    assertThat(server.runWatchdog()).contains(runId);
    JsonNode listed = t.client("cloudbackup_list_runs.php", Map.of()).body().get("runs").get(0);
    assertThat(listed.get("status").asText()).isEqualTo("failed");
    assertThat(listed.get("error_summary").asText()).isEqualTo("AGENT_OFFLINE");
    assertThat(t.update(runId, "status", "running").code())
        .as("a late heartbeat is refused")
        .isEqualTo(409);
  }

  @Test
  void heartbeatsKeepARunAlive() {
    Tenant t = Tenant.create(http);
    long runId = runningRun(t);
    for (int i = 0; i < 20; i++) {
      clock.advance(Duration.ofSeconds(90));
      assertThat(t.update(runId).code()).isEqualTo(200);
    }
    assertThat(server.runWatchdog()).doesNotContain(runId);
    assertThat(t.nextRun().isNull()).isTrue();
  }

  @Test
  void watchdogIsAlsoReachableThroughTheSimEndpoint() {
    Tenant t = Tenant.create(http);
    long runId = t.startRun(t.createJob());
    t.nextRun(); // starting, never updated
    clock.advance(Duration.ofSeconds(721));
    JsonNode r = http.post("sim/run_watchdog", Map.of()).body();
    assertThat(r.get("failed_run_ids").toString()).contains(String.valueOf(runId));
  }

  /** A finished backup and a restore of it whose command the agent has polled (delivered). */
  private long[] deliveredRestore(Tenant t) {
    long backupRun = runningRun(t);
    t.update(backupRun, "status", "success");
    JsonNode restore =
        t.client(
                "cloudbackup_start_restore.php",
                Map.of("run_id", backupRun, "target_path", "C:\\restore"))
            .body();
    JsonNode polled = t.agent("agent_poll_pending_commands.php", Map.of()).body();
    assertThat(polled.get("commands").findValuesAsText("type")).contains("restore");
    return new long[] {restore.get("restore_run_id").asLong(), restore.get("command_id").asLong()};
  }

  /** The agent polls agent_next_run every 30 s for {@code seconds}. */
  private void pollsFor(Tenant t, int seconds) {
    for (int s = 0; s < seconds; s += 30) {
      clock.advance(Duration.ofSeconds(30));
      assertThat(t.nextRun().isNull()).isTrue();
    }
  }

  private JsonNode runOf(Tenant t, long runId) {
    for (JsonNode r : t.client("cloudbackup_list_runs.php", Map.of()).body().get("runs")) {
      if (r.get("run_id").asLong() == runId) {
        return r;
      }
    }
    throw new AssertionError("run " + runId + " not listed");
  }

  private JsonNode command(long commandId) {
    return http.post("sim/command", Map.of("command_id", commandId)).body().get("command");
  }

  @Test
  void aRestoreItsAgentCameBackWithoutIsFailedAtItsPollsNotLeftToTheWatchdog() {
    Tenant t = Tenant.create(http);
    long[] restore = deliveredRestore(t);
    t.update(restore[0], "status", "running"); // the agent started it, then was killed

    pollsFor(t, 150); // back and polling, but the restore has had no heartbeat for 150 s
    assertThat(runOf(t, restore[0]).get("status").asText())
        .as("inside the grace")
        .isEqualTo("running");
    pollsFor(t, 60); // 210 s > 180 s grace, polled all through it

    JsonNode run = runOf(t, restore[0]);
    assertThat(run.get("status").asText()).isEqualTo("failed");
    assertThat(run.get("error_summary").asText()).startsWith("AGENT_RESTARTED");
    JsonNode c = command(restore[1]);
    assertThat(c.get("status").asText())
        .as("the command is not left delivered")
        .isEqualTo("failed");
    assertThat(c.get("result_message").asText()).startsWith("AGENT_RESTARTED");
    JsonNode logs =
        t.client("cloudbackup_get_run_logs.php", Map.of("run_id", restore[0])).body().get("logs");
    assertThat(logs.findValuesAsText("code")).contains("AGENT_RESTARTED");
    assertThat(t.update(restore[0], "status", "success").code())
        .as("a late report of the restore is refused as for any ended run")
        .isEqualTo(409);
  }

  @Test
  void aRestoreKilledBeforeItsFirstUpdateIsNotLeftQueued() {
    Tenant t = Tenant.create(http);
    long[] restore = deliveredRestore(t); // delivered, killed before the agent reported anything
    pollsFor(t, 210);
    assertThat(runOf(t, restore[0]).get("status").asText()).isEqualTo("failed");
    assertThat(command(restore[1]).get("status").asText()).isEqualTo("failed");
  }

  @Test
  void aRestoreThatHeartbeatsIsNeverFailedByThePolls() {
    Tenant t = Tenant.create(http);
    long[] restore = deliveredRestore(t);
    t.update(restore[0], "status", "running");
    for (int i = 0; i < 20; i++) {
      clock.advance(Duration.ofSeconds(30));
      t.nextRun();
      if (i % 3 == 0) {
        assertThat(t.update(restore[0]).code()).isEqualTo(200); // a heartbeat every 90 s
      }
    }
    assertThat(runOf(t, restore[0]).get("status").asText()).isEqualTo("running");
    assertThat(command(restore[1]).get("status").asText()).isEqualTo("delivered");
  }

  @Test
  void anAddonOutageLongerThanTheGraceDoesNotFailARestoreThatStillRuns() {
    Tenant t = Tenant.create(http);
    long[] restore = deliveredRestore(t);
    t.update(restore[0], "status", "running");
    clock.advance(Duration.ofSeconds(300)); // neither polls nor heartbeats get through
    assertThat(t.nextRun().isNull()).isTrue(); // the first poll after the outage
    clock.advance(Duration.ofSeconds(30));
    t.nextRun();
    assertThat(runOf(t, restore[0]).get("status").asText())
        .as("the restore's heartbeat has not come yet, but the agent was away, not idle")
        .isEqualTo("running");
    assertThat(t.update(restore[0]).code()).isEqualTo(200); // its heartbeat follows
    pollsFor(t, 150);
    assertThat(runOf(t, restore[0]).get("status").asText()).isEqualTo("running");
    assertThat(t.update(restore[0], "status", "success").code()).isEqualTo(200);
    assertThat(
            t.agent(
                    "agent_complete_command.php",
                    Map.of("command_id", restore[1], "status", "completed"))
                .code())
        .isEqualTo(200);
  }

  @Test
  void aRestoreTheAgentReportedItselfKeepsItsStatus() {
    Tenant t = Tenant.create(http);
    long[] restore = deliveredRestore(t);
    // The agent's own report after its restart: failed "agent restarted", command failed.
    t.update(
        restore[0],
        "status",
        "failed",
        "error_summary",
        "restore interrupted: the agent restarted");
    t.agent(
        "agent_complete_command.php",
        Map.of(
            "command_id", restore[1], "status", "failed", "result_message", "restore interrupted"));
    pollsFor(t, 210);
    assertThat(runOf(t, restore[0]).get("error_summary").asText()).contains("agent restarted");
    assertThat(command(restore[1]).get("result_message").asText()).isEqualTo("restore interrupted");
  }

  @Test
  void configRefusesAGraceThatIsNotShorterThanTheTimeout() {
    assertThatThrownBy(
            () ->
                ServerConfig.builder()
                    .watchdogTimeout(Duration.ofSeconds(100))
                    .reclaimGrace(Duration.ofSeconds(100))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be shorter than the watchdog timeout");
  }
}
