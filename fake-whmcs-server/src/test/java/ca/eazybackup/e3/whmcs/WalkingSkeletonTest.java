package ca.eazybackup.e3.whmcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WalkingSkeletonTest {
  static FakeWhmcsServer server;
  static Http http;

  @BeforeAll
  static void start() {
    server = FakeWhmcsServer.start(ServerConfig.defaults());
    http = new Http(server.baseUrl());
    http.post("sim/settings", Map.of("cloudbackup_agent_s3_endpoint", "http://127.0.0.1:9000"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aStartedRunTravelsFromQueuedToSuccessWithItsEvents() {
    Tenant t = Tenant.create(http);
    long jobId = t.createJob();
    long runId = t.startRun(jobId);

    JsonNode run = t.nextRun();
    assertThat(run.get("run_id").asLong()).isEqualTo(runId);
    assertThat(run.get("dest_access_key").asText()).isEqualTo("AK" + t.clientId);
    assertThat(run.get("dest_endpoint").asText()).isEqualTo("http://127.0.0.1:9000");
    assertThat(t.nextRun().isNull()).isTrue();

    assertThat(
            t.update(runId, "status", "running", "progress_pct", 50)
                .body()
                .get("run_status")
                .asText())
        .isEqualTo("running");
    Http.Response ev =
        t.agent(
            "agent_push_events.php",
            Map.of(
                "run_id",
                runId,
                "events",
                List.of(
                    Map.of(
                        "seq",
                        1,
                        "ts",
                        "2026-11-25T13:00:00Z",
                        "type",
                        "lifecycle",
                        "level",
                        "info",
                        "code",
                        "BACKUP_STARTING",
                        "message",
                        "starting",
                        "params",
                        Map.of()))));
    assertThat(ev.body().get("accepted").asInt()).isEqualTo(1);
    assertThat(t.update(runId, "status", "success").body().get("run_status").asText())
        .isEqualTo("success");

    Http.Response runs = t.client("cloudbackup_list_runs.php", Map.of("job_id", jobId));
    assertThat(runs.body().get("runs").get(0).get("status").asText()).isEqualTo("success");
    Http.Response events = t.client("cloudbackup_get_run_events.php", Map.of("run_id", runId));
    assertThat(events.body().get("events").get(0).get("code").asText())
        .isEqualTo("BACKUP_STARTING");
  }
}
