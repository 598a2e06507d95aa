package ca.eazybackup.e3.whmcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's gap: a command the addon marked delivered to an agent killed before it journalled it.
 * The agent acknowledges what it has on disk (agent_ack_commands); a command delivered more than
 * the lease (the reclaim grace) ago and not acknowledged is handed out again at the next poll, when
 * it is safe to run twice, and failed after five deliveries.
 */
class CommandRedeliveryTest extends ServerTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T13:00:00Z"));

  @Override
  ServerConfig.Builder config() {
    return super.config()
        .clock(clock)
        .watchdogTimeout(Duration.ofSeconds(720))
        .reclaimGrace(Duration.ofSeconds(180))
        .watchdogSweepInterval(Duration.ZERO)
        .schedulerInterval(Duration.ZERO);
  }

  private long kopiaJob(Tenant t) {
    Map<String, Object> spec = t.jobSpec();
    spec.put("engine", "kopia");
    spec.put("bucket_auto_create", true);
    spec.put("encryption_password", "a repository password");
    return t.createJob(spec);
  }

  private long request(Tenant t, String type, long jobId) {
    return t.client("cloudbackup_request_command.php", Map.of("type", type, "job_id", jobId))
        .body()
        .get("command_id")
        .asLong();
  }

  private List<Long> poll(Tenant t) {
    List<Long> ids = new ArrayList<>();
    t.agent("agent_poll_pending_commands.php", Map.of())
        .body()
        .get("commands")
        .forEach(c -> ids.add(c.get("command_id").asLong()));
    return ids;
  }

  private JsonNode command(long id) {
    return http.post("sim/command", Map.of("command_id", id)).body().get("command");
  }

  @Test
  void aMaintenanceDeliveredButNeverAcknowledgedIsHandedOutAgainAfterTheLease() {
    Tenant t = Tenant.create(http);
    long job = kopiaJob(t);
    long full = request(t, "maintenance_full", job);
    long verify = request(t, "verify", job);
    assertThat(poll(t)).containsExactly(full, verify); // the agent is killed before its journal

    clock.advance(Duration.ofSeconds(60));
    assertThat(poll(t)).as("within the lease the agent may still acknowledge").isEmpty();

    clock.advance(Duration.ofSeconds(121)); // 181 s after delivery, none acknowledged
    assertThat(poll(t)).as("back after its restart").containsExactly(full, verify);
    assertThat(command(full).get("status").asText()).isEqualTo("delivered");
    assertThat(command(full).get("deliveries").asInt()).isEqualTo(2);
    assertThat(poll(t)).as("handed out once per lease, not at every poll").isEmpty();

    Http.Response ack =
        t.agent("agent_ack_commands.php", Golden.request("agent_ack_commands.request.json"));
    assertThat(ack.code()).as("ids not the agent's are ignored").isEqualTo(200);
    ack = t.agent("agent_ack_commands.php", Map.of("command_ids", List.of(full, verify)));
    Golden.assertMatches("agent_ack_commands.response.json", ack.body());
    assertThat(ack.body().get("acknowledged").asInt()).isEqualTo(2);
    assertThat(
            t.agent("agent_ack_commands.php", Map.of("command_ids", List.of(full)))
                .body()
                .get("acknowledged")
                .asInt())
        .as("a repeated acknowledgement changes nothing")
        .isZero();
    assertThat(command(full).get("acknowledged_at").isTextual()).isTrue();

    clock.advance(Duration.ofSeconds(600));
    assertThat(poll(t)).as("an acknowledged command is the agent's to finish").isEmpty();
  }

  @Test
  void aRestoreIsNotHandedOutAgainItsRunIsFailedByItsOwnRule() {
    Tenant t = Tenant.create(http);
    long runId = t.startRun(t.createJob());
    t.nextRun();
    t.update(runId, "status", "success");
    long command =
        t.client(
                "cloudbackup_start_restore.php",
                Map.of("run_id", runId, "target_path", "C:\\restore"))
            .body()
            .get("command_id")
            .asLong();
    assertThat(poll(t)).containsExactly(command);
    clock.advance(Duration.ofSeconds(200));
    assertThat(poll(t)).isEmpty();
    assertThat(command(command).get("deliveries").asInt()).isEqualTo(1);
  }

  @Test
  void aCommandThatNeverGetsAcknowledgedIsFailedAfterFiveDeliveries() {
    Tenant t = Tenant.create(http);
    long quick = request(t, "maintenance_quick", kopiaJob(t));
    for (int delivery = 1; delivery <= 5; delivery++) {
      assertThat(poll(t)).as("delivery %d", delivery).containsExactly(quick);
      clock.advance(Duration.ofSeconds(181));
    }
    assertThat(poll(t)).isEmpty();
    JsonNode c = command(quick);
    assertThat(c.get("status").asText()).isEqualTo("failed");
    assertThat(c.get("result_message").asText()).startsWith("AGENT_RESTARTED").contains("5 times");
    assertThat(
            t.agent(
                    "agent_complete_command.php",
                    Map.of("command_id", quick, "status", "completed"))
                .code())
        .as("a late completion is refused as for any ended command")
        .isEqualTo(409);
  }

  @Test
  void aCompletedCommandIsNeverHandedOutAgain() {
    Tenant t = Tenant.create(http);
    long quick = request(t, "maintenance_quick", kopiaJob(t));
    assertThat(poll(t)).containsExactly(quick);
    // An agent that completes before its acknowledgement got through.
    t.agent("agent_complete_command.php", Map.of("command_id", quick, "status", "completed"));
    clock.advance(Duration.ofSeconds(400));
    assertThat(poll(t)).isEmpty();
  }

  @Test
  void badAcknowledgementsNameTheField() {
    Tenant t = Tenant.create(http);
    assertThat(t.agent("agent_ack_commands.php", Map.of()).field()).isEqualTo("command_ids");
    assertThat(t.agent("agent_ack_commands.php", Map.of("command_ids", List.of(3, "x"))).field())
        .isEqualTo("command_ids[1]");
  }
}
