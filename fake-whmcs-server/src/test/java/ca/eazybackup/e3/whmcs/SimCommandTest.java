package ca.eazybackup.e3.whmcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code sim/command}: the admin's view of one command, e.g. maintenance that has no run. */
class SimCommandTest extends ServerTest {

  @Test
  void showsAMaintenanceCommandFromPendingToCompleted() {
    Tenant t = Tenant.create(http);
    Map<String, Object> spec = t.jobSpec();
    spec.put("engine", "kopia");
    spec.put("encryption_password", "example-repository-password");
    long jobId = t.createJob(spec);
    long commandId =
        t.client(
                "cloudbackup_request_command.php",
                Map.of("type", "maintenance_full", "job_id", jobId))
            .body()
            .get("command_id")
            .asLong();

    JsonNode pending =
        http.post(
                "sim/command",
                Golden.request("sim_command.request.json").put("command_id", commandId))
            .body();
    assertThat(pending.get("command").get("status").asText()).isEqualTo("pending");
    assertThat(pending.get("command").get("run_id").isNull()).isTrue();

    t.agent("agent_poll_pending_commands.php", Map.of());
    t.agent("agent_ack_commands.php", Map.of("command_ids", java.util.List.of(commandId)));
    t.agent(
        "agent_complete_command.php",
        Map.of(
            "command_id",
            commandId,
            "status",
            "completed",
            "result_message",
            "maintenance full: 3 packs rewritten"));

    JsonNode done = http.post("sim/command", Map.of("command_id", commandId)).body();
    Golden.assertMatches("sim_command.response.json", done);
    assertThat(done.get("command").get("type").asText()).isEqualTo("maintenance_full");
    assertThat(done.get("command").get("status").asText()).isEqualTo("completed");
    assertThat(done.get("command").get("result_message").asText()).contains("3 packs");
    assertThat(done.get("command").get("acknowledged_at").isTextual()).isTrue();
    assertThat(done.get("command").get("deliveries").asInt()).isEqualTo(1);
  }

  @Test
  void anUnknownCommandIs404NamingTheField() {
    Http.Response r = http.post("sim/command", Map.of("command_id", 987654));
    assertThat(r.code()).isEqualTo(404);
    assertThat(r.field()).isEqualTo("command_id");
  }
}
