package ca.eazybackup.e3.whmcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** One simulated customer: a client session, an agent and a bucket, made through /sim/. */
final class Tenant {
  final Http http;
  final long clientId;
  final String session;
  final long agentId;
  final String agentToken;
  final String bucket;

  private Tenant(
      Http http, long clientId, String session, long agentId, String agentToken, String bucket) {
    this.http = http;
    this.clientId = clientId;
    this.session = session;
    this.agentId = agentId;
    this.agentToken = agentToken;
    this.bucket = bucket;
  }

  static Tenant create(Http http) {
    Http.Response c = http.post("sim/create_client", Map.of("email", "alice@example.com"));
    assertThat(c.code()).isEqualTo(200);
    long clientId = c.body().get("client_id").asLong();
    Http.Response a =
        http.post("sim/create_agent", Map.of("client_id", clientId, "hostname", "LAPTOP"));
    assertThat(a.code()).isEqualTo(200);
    String bucket = "b-" + UUID.randomUUID().toString().substring(0, 8);
    Http.Response b =
        http.post(
            "sim/create_bucket",
            Map.of(
                "client_id",
                clientId,
                "name",
                bucket,
                "access_key",
                "AK" + clientId,
                "secret_key",
                "secret-of-" + clientId));
    assertThat(b.code()).isEqualTo(200);
    return new Tenant(
        http,
        clientId,
        c.body().get("session_token").asText(),
        a.body().get("agent_id").asLong(),
        a.body().get("agent_token").asText(),
        bucket);
  }

  /** Another agent for the same client. */
  Agent secondAgent() {
    Http.Response a = http.post("sim/create_agent", Map.of("client_id", clientId));
    return new Agent(a.body().get("agent_id").asLong(), a.body().get("agent_token").asText());
  }

  record Agent(long id, String token) {}

  Agent agent() {
    return new Agent(agentId, agentToken);
  }

  Map<String, Object> jobSpec() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", "Documents");
    m.put("agent_id", agentId);
    m.put("engine", "sync");
    m.put("source_paths", java.util.List.of("C:\\Users\\alice\\Documents", "D:\\Photos"));
    m.put("dest_bucket", bucket);
    m.put("dest_prefix", "laptop/documents");
    return m;
  }

  Http.Response client(String file, Object body) {
    return http.post(file, body, Http.clientHeaders(session));
  }

  Http.Response agent(String file, Object body) {
    return http.post(file, body, Http.agentHeaders(agentId, agentToken));
  }

  Http.Response agent(Agent a, String file, Object body) {
    return http.post(file, body, Http.agentHeaders(a.id(), a.token()));
  }

  long createJob(Map<String, Object> spec) {
    Http.Response r = client("cloudbackup_create_job.php", spec);
    assertThat(r.code()).as(r.body().toString()).isEqualTo(200);
    return r.body().get("job_id").asLong();
  }

  long createJob() {
    return createJob(jobSpec());
  }

  long startRun(long jobId) {
    Http.Response r = client("cloudbackup_start_run.php", Map.of("job_id", jobId));
    assertThat(r.code()).as(r.body().toString()).isEqualTo(200);
    return r.body().get("run_id").asLong();
  }

  JsonNode nextRun() {
    Http.Response r = agent("agent_next_run.php", Map.of());
    assertThat(r.code()).as(r.body().toString()).isEqualTo(200);
    return r.body().get("run");
  }

  Http.Response update(long runId, Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run_id", runId);
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return agent("agent_update_run.php", m);
  }
}
