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
