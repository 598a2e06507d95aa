package ca.eazybackup.e3.perf.poll;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Creates the benchmark's tenant through the addon's own endpoints: one client with a bucket, N
 * agents (sim/create_agent) and queued runs spread over them (create job + start run).
 */
final class Fleet {
  /** One simulated agent's credentials. */
  record Agent(long id, String token, String hostname) {}

  /** POSTs JSON to an endpoint below the base URL, with an optional client session. */
  @FunctionalInterface
  interface Poster {
    JsonNode post(String endpoint, Map<String, Object> body, String session) throws Exception;
  }

  private final Poster api;

  Fleet(Poster api) {
    this.api = api;
  }

  List<Agent> create(int agents, int runs) throws Exception {
    api.post("sim/settings", Map.of("cloudbackup_agent_s3_endpoint", "http://127.0.0.1:9"), null);
    JsonNode c = api.post("sim/create_client", Map.of("email", "poll-bench@example.com"), null);
    long clientId = c.get("client_id").asLong();
    String session = c.get("session_token").asText();
    api.post(
        "sim/create_bucket",
        Map.of("client_id", clientId, "name", "poll-bench", "access_key", "AK", "secret_key", "SK"),
        null);
    List<Agent> fleet = new ArrayList<>(agents);
    for (int i = 0; i < agents; i++) {
      String host = "bench-host-" + i;
      JsonNode a =
          api.post("sim/create_agent", Map.of("client_id", clientId, "hostname", host), null);
      fleet.add(new Agent(a.get("agent_id").asLong(), a.get("agent_token").asText(), host));
    }
    int stride = Math.max(1, agents / Math.max(1, runs));
    for (int i = 0; i < runs; i++) {
      Agent a = fleet.get(i * stride % agents);
      JsonNode job =
          api.post(
              "cloudbackup_create_job.php",
              Map.of(
                  "name",
                  "poll-bench-" + i,
                  "agent_id",
                  a.id(),
                  "source_path",
                  "C:\\data",
                  "dest_bucket",
                  "poll-bench"),
              session);
      api.post("cloudbackup_start_run.php", Map.of("job_id", job.get("job_id").asLong()), session);
    }
    return fleet;
  }
}
