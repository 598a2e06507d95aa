package ca.eazybackup.e3.whmcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the hostile-input probe of issue 18 found, each as a test: every answer is the contract's
 * JSON with a 4xx a user can act on, never a 500, and a refused request changes nothing.
 */
class HostileInputTest extends ServerTest {

  private static String repeat(char c, int n) {
    return String.valueOf(c).repeat(n);
  }

  private static void assertRefused(Http.Response r, int code, String field) {
    assertThat(r.code()).as(r.body().toString()).isEqualTo(code);
    assertThat(r.body().path("status").asText()).isEqualTo("fail");
    assertThat(r.message()).isNotBlank();
    if (field != null) {
      assertThat(r.field()).as(r.body().toString()).isEqualTo(field);
    }
  }

  private long runningRun(Tenant t) {
    long runId = t.startRun(t.createJob());
    t.nextRun();
    assertThat(t.update(runId, "status", "running").code()).isEqualTo(200);
    return runId;
  }

  private JsonNode run(Tenant t, long runId) {
    for (JsonNode r :
        t.client("cloudbackup_list_runs.php", Map.of("limit", 1000)).body().path("runs")) {
      if (r.path("run_id").asLong() == runId) {
        return r;
      }
    }
    throw new AssertionError("run " + runId + " not listed");
  }

  @Test
  void anUnknownOrMalformedCharsetIsA415OnEveryKindOfEndpoint() {
    Tenant t = Tenant.create(http);
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    for (String ct :
        List.of(
            "application/json; charset=no-such-charset",
            "application/json; charset=\"",
            "application/json; charset=ü",
            "application/x-www-form-urlencoded; charset=x")) {
      assertRefused(
          http.raw(
              "POST", "agent_next_run.php", ct, body, Http.agentHeaders(t.agentId, t.agentToken)),
          415,
          "Content-Type");
      assertRefused(
          http.raw("POST", "cloudbackup_list_jobs.php", ct, body, Http.clientHeaders(t.session)),
          415,
          "Content-Type");
      assertRefused(http.raw("POST", "sim/create_client", ct, body), 415, "Content-Type");
    }
  }

  @Test
  void bytesThatAreNotValidUtf8AreA400() {
    Tenant t = Tenant.create(http);
    byte[] bad = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    assertRefused(
        http.raw(
            "POST",
            "agent_next_run.php",
            "application/json",
            bad,
            Http.agentHeaders(t.agentId, t.agentToken)),
        400,
        "body");
    assertRefused(
        http.socket(
            "GET {base}/cloudbackup_list_runs.php?limit=%zz HTTP/1.1\r\nX-Client-Session: "
                + t.session,
            new byte[0]),
        400,
        "query string");
  }

  @Test
  void aLongWindowsPathAsCurrentItemIsA400NamingItAndTheRunKeepsItsHeartbeat() {
    Tenant t = Tenant.create(http);
    long runId = runningRun(t);
    String longPath = "\\\\?\\C:\\" + repeat('d', 5_000);
    assertRefused(t.update(runId, "current_item", longPath), 400, "current_item");
    // At the limit it is stored, and the heartbeat moves.
    String atLimit = longPath.substring(0, 4_096);
    assertThat(t.update(runId, "current_item", atLimit).code()).isEqualTo(200);
    assertThat(run(t, runId).path("current_item").asText()).isEqualTo(atLimit);
  }

  @Test
  void everyColumnLimitIsA400NamingTheFieldNeverA500() {
    Tenant t = Tenant.create(http);
    long runId = runningRun(t);
    Map<String, Integer> runFields =
        Map.of("log_ref", 1_024, "manifest_id", 255, "current_item", 4_096);
    for (var f : runFields.entrySet()) {
      assertRefused(t.update(runId, f.getKey(), repeat('x', f.getValue() + 1)), 400, f.getKey());
      assertThat(t.update(runId, f.getKey(), repeat('x', f.getValue())).code())
          .as(f.getKey() + " at its limit")
          .isEqualTo(200);
    }
    assertRefused(t.update(runId, "error_summary", repeat('é', 16_001)), 400, "error_summary");
    assertRefused(
        t.agent("agent_next_run.php", Map.of("hostname", repeat('h', 256))), 400, "hostname");
    assertRefused(
        http.post("sim/create_client", Map.of("email", repeat('e', 256) + "@x")), 400, "email");
    assertRefused(
        http.post("sim/create_client", Map.of("firstname", repeat('f', 101))), 400, "firstname");
    assertRefused(
        http.post(
            "sim/create_agent", Map.of("client_id", t.clientId, "hostname", repeat('h', 256))),
        400,
        "hostname");
    assertRefused(
        http.post(
            "sim/create_agent", Map.of("client_id", t.clientId, "agent_token", repeat('t', 129))),
        400,
        "agent_token");
    Map<String, Object> job = t.jobSpec();
    job.put("notify_email", repeat('n', 250) + "@example.com");
    assertRefused(t.client("cloudbackup_create_job.php", job), 400, "notify_email");
    job = t.jobSpec();
    job.put("network_username", "u");
    job.put("network_password", repeat('p', 257));
    assertRefused(t.client("cloudbackup_create_job.php", job), 400, "network_password");
    job = t.jobSpec();
    job.put("source_paths", java.util.Collections.nCopies(40, "C:\\" + repeat('s', 4_000)));
    assertRefused(t.client("cloudbackup_create_job.php", job), 400, "source_paths");
    job = t.jobSpec();
    job.put("policy_json", Map.of("huge", repeat('p', 70_000)));
    assertRefused(t.client("cloudbackup_create_job.php", job), 400, "policy_json");
    assertRefused(
        t.client(
            "cloudnas_create_mount.php",
            Map.of(
                "agent_id",
                t.agentId,
                "bucket",
                t.bucket,
                "drive_letter",
                "Y",
                "prefix",
                repeat('p', 1_025))),
        400,
        "prefix");
    assertThat(t.client("cloudnas_list_mounts.php", Map.of()).body().path("mounts")).isEmpty();
  }

  @Test
  void aBatchOfEventsWithOneBadEventStoresNone() {
    Tenant t = Tenant.create(http);
    long runId = runningRun(t);
    Map<String, Object> good = Map.of("seq", 1, "code", "BACKUP_STARTING", "type", "lifecycle");
    for (Map<String, Object> bad :
        List.of(
            Map.<String, Object>of("seq", 2, "code", repeat('C', 65)),
            Map.<String, Object>of("seq", 2, "type", repeat('t', 33)),
            Map.<String, Object>of("seq", -2),
            Map.<String, Object>of("seq", 0),
            Map.<String, Object>of("seq", 2, "message", "a\u0000b"))) {
      Http.Response r =
          t.agent("agent_push_events.php", Map.of("run_id", runId, "events", List.of(good, bad)));
      assertThat(r.code()).as(r.body().toString()).isEqualTo(400);
      assertThat(r.field()).startsWith("events[1]");
      assertThat(
              t.client("cloudbackup_get_run_events.php", Map.of("run_id", runId))
                  .body()
                  .path("events"))
          .as("events stored after a refused batch")
          .isEmpty();
    }
    assertThat(
            t.agent("agent_push_events.php", Map.of("run_id", runId, "events", List.of(good)))
                .body()
                .path("accepted")
                .asInt())
        .isEqualTo(1);
  }

  @Test
  void integersOutOfRangeInOtherScriptsOrWithTrailingDataAreRefused() {
    Tenant t = Tenant.create(http);
    long jobId = t.createJob();
    long runId = runningRun(t);
    String[] client = Http.clientHeaders(t.session);
    // 2^64 + 11 wrapped to job 11 before.
    assertRefused(
        http.post("cloudbackup_start_run.php", "{\"job_id\":18446744073709551627}", client),
        400,
        "job_id");
    assertRefused(
        http.post("cloudbackup_start_run.php", "{\"job_id\":\"18446744073709551627\"}", client),
        400,
        "job_id");
    assertRefused(
        t.update(runId, "bytes_total", new java.math.BigInteger("1" + "0".repeat(30))),
        400,
        "bytes_total");
    assertRefused(t.update(runId, "bytes_total", 1e30), 400, "bytes_total");
    assertRefused(
        http.post("cloudbackup_start_run.php", Map.of("job_id", "١٢"), client), 400, "job_id");
    assertRefused(
        http.post("cloudbackup_start_run.php", "{\"job_id\":" + jobId + "} {\"x\":1}", client),
        400,
        "body");
    assertRefused(
        http.post("cloudbackup_start_run.php", "{\"job_id\":1,\"job_id\":" + jobId + "}", client),
        400,
        "body");
    assertRefused(t.update(runId, "progress_pct", "0x1p3"), 400, "progress_pct");
    assertRefused(t.update(runId, "progress_pct", "NaN"), 400, "progress_pct");
    Map<String, Object> job = t.jobSpec();
    job.put("bucket_auto_create", 7);
    assertRefused(t.client("cloudbackup_create_job.php", job), 400, "bucket_auto_create");
    assertThat(
            http.socket(
                    "POST {base}/agent_next_run.php HTTP/1.1\r\nContent-Type: application/json"
                        + "\r\nX-Agent-ID: ١"
                        + t.agentId
                        + "\r\nX-Agent-Token: "
                        + t.agentToken,
                    "{}".getBytes(StandardCharsets.UTF_8))
                .code())
        .isEqualTo(401);
    // Nothing was started by any of these.
    assertThat(t.client("cloudbackup_list_runs.php", Map.of("job_id", jobId)).body().path("runs"))
        .isEmpty();
  }

  @Test
  void requiredFieldsCannotBeFilledWithNulOrWhitespaceAndNulIsRefusedEverywhere() {
    Tenant t = Tenant.create(http);
    long runId = runningRun(t);
    assertThat(t.update(runId, "status", "success").code()).isEqualTo(200);
    for (String blank : List.of("\u0000", " ", "\u0001", "\t\n")) {
      Map<String, Object> restore = new LinkedHashMap<>();
      restore.put("run_id", runId);
      restore.put("target_path", blank);
      assertRefused(t.client("cloudbackup_start_restore.php", restore), 400, "target_path");
    }
    Map<String, Object> job = t.jobSpec();
    job.put("dest_prefix", "a\u0000b");
    assertRefused(t.client("cloudbackup_create_job.php", job), 400, "dest_prefix");
    job = t.jobSpec();
    job.put("name", "Docs\u0000");
    assertRefused(t.client("cloudbackup_create_job.php", job), 400, "name");
    long other = runningRun(t);
    assertRefused(t.update(other, "manifest_id", "k\u0000"), 400, "manifest_id");
    assertThat(t.client("cloudbackup_list_jobs.php", Map.of()).body().path("jobs")).hasSize(2);
    assertThat(t.agent("agent_poll_pending_commands.php", Map.of()).body().path("commands"))
        .as("no restore command was queued")
        .isEmpty();
  }

  @Test
  void traversalInSourceAndTargetPathsIsRefused() {
    Tenant t = Tenant.create(http);
    Map<String, Object> job = t.jobSpec();
    job.put("source_paths", List.of("C:\\Users\\..\\..\\Windows"));
    assertRefused(t.client("cloudbackup_create_job.php", job), 400, "source_paths");
    long runId = runningRun(t);
    assertThat(t.update(runId, "status", "success").code()).isEqualTo(200);
    assertRefused(
        t.client(
            "cloudbackup_start_restore.php",
            Map.of("run_id", runId, "target_path", "C:\\restore\\..\\Windows\\System32")),
        400,
        "target_path");
  }

  @Test
  void malformedJsonIsExplainedWithoutTheParsersOwnWords() {
    Tenant t = Tenant.create(http);
    for (String body :
        List.of(
            "{\"a\":",
            "{'a':1}",
            "{\"a\":tru}",
            "{\"a\":\"\u0001\"}",
            "{\"a\":NaN}",
            "{\"a\":01}")) {
      Http.Response r = http.post("cloudbackup_list_jobs.php", body, Http.clientHeaders(t.session));
      assertRefused(r, 400, "body");
      assertThat(r.message())
          .startsWith("request body is not valid JSON")
          .doesNotContainIgnoringCase("jackson")
          .doesNotContain("Feature")
          .doesNotContain("ALLOW_")
          .doesNotContain("Source:")
          .doesNotContain("(code ")
          .doesNotContain("com.fasterxml");
    }
  }

  @Test
  void frameworkAndJettyErrorsAnswerTheContractsJson() {
    Tenant t = Tenant.create(http);
    Http.Response tooLarge =
        http.raw(
            "POST",
            "agent_push_events.php",
            "application/json",
            ("{\"x\":\"" + repeat('x', 5 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8),
            Http.agentHeaders(t.agentId, t.agentToken));
    assertRefused(tooLarge, 413, null);
    assertThat(tooLarge.message()).contains("too large");

    assertRefused(http.raw("GET", "no_such_endpoint.php", null, new byte[0]), 404, null);
    for (String method : List.of("PUT", "DELETE", "PATCH")) {
      Http.Response r =
          http.raw(
              method,
              "agent_next_run.php",
              "application/json",
              "{}".getBytes(StandardCharsets.UTF_8));
      assertRefused(r, 405, null);
      assertThat(r.message()).contains("GET or POST");
    }
    assertRefused(
        oversized(
            () ->
                http.raw(
                    "POST",
                    "cloudbackup_list_jobs.php",
                    "application/json",
                    "{}".getBytes(StandardCharsets.UTF_8),
                    "X-Client-Session",
                    t.session,
                    "X-Padding",
                    repeat('p', 20_000))),
        431,
        null);
    assertRefused(
        oversized(
            () ->
                http.raw(
                    "GET",
                    "cloudbackup_list_jobs.php?q=" + repeat('q', 20_000),
                    null,
                    new byte[0])),
        414,
        null);
  }

  /**
   * Jetty answers a request head over its limit and closes the connection while the client may
   * still be sending the rest of it; when the unread bytes make the kernel reset the connection
   * first, the client reads nothing (seen once in CI at load: "HTTP/1.1 header parser received no
   * bytes"). That is TCP's race, not the server's answer, so the request is sent again, up to three
   * times; the answer, when it arrives, must still be the contract's JSON.
   */
  private static Http.Response oversized(java.util.function.Supplier<Http.Response> request) {
    java.io.UncheckedIOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        return request.get();
      } catch (java.io.UncheckedIOException e) {
        last = e;
      }
    }
    throw last;
  }
}
