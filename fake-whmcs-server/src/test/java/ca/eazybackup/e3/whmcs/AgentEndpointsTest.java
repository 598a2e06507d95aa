package ca.eazybackup.e3.whmcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.eazybackup.e3.whmcs.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The agent endpoints of docs/agent-api.md against their golden files. */
class AgentEndpointsTest extends ServerTest {
  private static final List<String> AGENT_ENDPOINTS =
      List.of(
          "agent_next_run.php",
          "agent_update_run.php",
          "agent_push_events.php",
          "agent_poll_pending_commands.php",
          "agent_poll_commands.php",
          "agent_ack_commands.php",
          "agent_complete_command.php",
          "agent_report_browse.php",
          "agent_report_snapshot.php",
          "cloudnas_update_status.php",
          "agent_list_mounts.php",
          "agent_fetch_jobs.php",
          "agent_start_run.php");

  @Override
  ServerConfig.Builder config() {
    return super.config().browseTimeout(Duration.ofSeconds(2));
  }

  private Map<String, Object> kopiaSpec(Tenant t) {
    Map<String, Object> spec = t.jobSpec();
    spec.put("engine", "kopia");
    spec.put("bucket_auto_create", true);
    spec.put("local_exclude_glob", "**/*.tmp\n**/~$*");
    spec.put("parallelism", 4);
    spec.put("encryption_mode", "AES256-GCM-HMAC-SHA256");
    spec.put("compression", "zstd");
    spec.put("encryption_password", "example-repository-password");
    spec.put("schedule_json", Map.of("type", "daily", "time", "02:30", "random_delay_minutes", 30));
    spec.put("retention_json", Map.of("keep_latest", 10, "keep_daily", 7));
    spec.put("policy_json", Map.of("mirror", false));
    spec.put("network_username", "alice");
    spec.put("network_password", "example-share-password");
    spec.put("network_domain", "CORP");
    return spec;
  }

  @Test
  void nextRunWithoutWorkAnswersTheEmptyGolden() {
    Tenant t = Tenant.create(http);
    Http.Response r = t.agent("agent_next_run.php", Golden.read("agent_next_run.request.json"));
    assertThat(r.code()).isEqualTo(200);
    Golden.assertMatches("agent_next_run.empty.response.json", r.body());
    assertThat(r.body().get("run").isNull()).isTrue();
  }

  @Test
  void nextRunHandsOutTheQueuedRunWithDecryptedSecretsAsTheGoldenShows() {
    Tenant t = Tenant.create(http);
    long jobId = t.createJob(kopiaSpec(t));
    long runId = t.startRun(jobId);

    Http.Response r = t.agent("agent_next_run.php", Map.of("hostname", "ALICE-LAPTOP"));
    Golden.assertMatches("agent_next_run.response.json", r.body());
    JsonNode run = r.body().get("run");
    assertThat(run.get("run_id").asLong()).isEqualTo(runId);
    assertThat(run.get("job_id").asLong()).isEqualTo(jobId);
    assertThat(run.get("engine").asText()).isEqualTo("kopia");
    assertThat(run.get("source_path").asText()).isEqualTo("C:\\Users\\alice\\Documents");
    assertThat(run.get("source_paths")).hasSize(2);
    assertThat(run.get("dest_access_key").asText()).isEqualTo("AK" + t.clientId);
    assertThat(run.get("dest_secret_key").asText()).isEqualTo("secret-of-" + t.clientId);
    assertThat(run.get("repository_password").asText()).isEqualTo("example-repository-password");
    assertThat(run.get("network_credentials").get("password").asText())
        .isEqualTo("example-share-password");
    assertThat(run.get("network_credentials").get("domain").asText()).isEqualTo("CORP");
    assertThat(run.get("schedule_json").get("time").asText()).isEqualTo("02:30");
    assertThat(run.get("reclaimed").asBoolean()).isFalse();
    assertThat(run.get("dest_endpoint").asText()).isEqualTo("http://127.0.0.1:9000");
    assertThat(t.nextRun().isNull()).as("claimed once").isTrue();
  }

  @Test
  void kopiaJobWithoutPasswordGetsAGeneratedRepositoryPassword() {
    Tenant t = Tenant.create(http);
    Map<String, Object> spec = t.jobSpec();
    spec.put("engine", "kopia");
    t.startRun(t.createJob(spec));
    String pw = t.nextRun().get("repository_password").asText();
    assertThat(pw).hasSizeGreaterThanOrEqualTo(24);
  }

  @Test
  void anotherAgentOfTheSameClientNeverGetsTheRun() {
    Tenant t = Tenant.create(http);
    Tenant.Agent other = t.secondAgent();
    t.startRun(t.createJob());
    Http.Response r = t.agent(other, "agent_next_run.php", Map.of());
    assertThat(r.body().get("run").isNull()).isTrue();
    assertThat(t.nextRun().isNull()).isFalse();
  }

  @Test
  void everyAgentEndpointRefusesMissingOrWrongCredentials() {
    Tenant t = Tenant.create(http);
    for (String endpoint : AGENT_ENDPOINTS) {
      Http.Response none = http.post(endpoint, Map.of());
      assertThat(none.code()).as(endpoint).isEqualTo(401);
      Golden.assertMatches("error.unauthorized.response.json", none.body());
      assertThat(none.message()).isEqualTo("invalid agent credentials");
      Http.Response wrong =
          http.post(endpoint, Map.of(), Http.agentHeaders(t.agentId, t.agentToken + "x"));
      assertThat(wrong.code()).as(endpoint).isEqualTo(401);
      Http.Response badId =
          http.post(endpoint, Map.of(), "X-Agent-ID", "abc", "X-Agent-Token", t.agentToken);
      assertThat(badId.code()).as(endpoint).isEqualTo(401);
    }
  }

  @Test
  void aRevokedAgentIsRefusedAtOnceEvenRightAfterAnAcceptedPoll() {
    Tenant t = Tenant.create(http);
    Tenant.Agent other = t.secondAgent();
    assertThat(t.agent("agent_poll_pending_commands.php", Map.of()).code()).isEqualTo(200);
    assertThat(t.agent(other, "agent_poll_pending_commands.php", Map.of()).code()).isEqualTo(200);

    Http.Response revoke = http.post("sim/revoke_agent", Map.of("agent_id", t.agentId));
    assertThat(revoke.code()).isEqualTo(200);

    for (String endpoint : List.of("agent_poll_pending_commands.php", "agent_next_run.php")) {
      Http.Response r = t.agent(endpoint, Map.of());
      assertThat(r.code()).as(endpoint).isEqualTo(401);
      assertThat(r.message()).isEqualTo("invalid agent credentials");
    }
    assertThat(t.agent(other, "agent_poll_pending_commands.php", Map.of()).code())
        .as("the client's other agent keeps working")
        .isEqualTo(200);
    assertThat(http.post("sim/revoke_agent", Map.of("agent_id", 999_999_999L)).code())
        .isEqualTo(404);
  }

  @Test
  void aTokenThatWorkedForOneAgentDoesNotWorkForAnother() {
    Tenant t = Tenant.create(http);
    Tenant.Agent other = t.secondAgent();
    assertThat(t.agent("agent_poll_pending_commands.php", Map.of()).code()).isEqualTo(200);
    Http.Response r =
        http.post(
            "agent_poll_pending_commands.php",
            Map.of(),
            Http.agentHeaders(other.id(), t.agentToken));
    assertThat(r.code()).isEqualTo(401);
  }

  @Test
  void nextRunStoresEveryNewHostnameTheAgentReports() {
    Tenant t = Tenant.create(http);
    for (String host : List.of("LAPTOP", "RENAMED-PC", "RENAMED-PC", "LAPTOP")) {
      assertThat(t.agent("agent_next_run.php", Map.of("hostname", host)).code()).isEqualTo(200);
      Http.Response list = t.client("agent_list.php", Map.of());
      assertThat(list.body().get("agents").get(0).get("hostname").asText()).isEqualTo(host);
    }
  }

  @Test
  void updateRunTakesTheGoldenRequestAndAnswersTheGoldenResponse() {
    Tenant t = Tenant.create(http);
    long runId = t.startRun(t.createJob());
    t.nextRun();
    ObjectNode req = Golden.request("agent_update_run.request.json");
    req.put("run_id", runId);
    Http.Response r = t.agent("agent_update_run.php", req);
    assertThat(r.code()).as(r.body().toString()).isEqualTo(200);
    Golden.assertMatches("agent_update_run.response.json", r.body());
    JsonNode listed = t.client("cloudbackup_list_runs.php", Map.of()).body().get("runs").get(0);
    assertThat(listed.get("status").asText()).isEqualTo("running");
    assertThat(listed.get("bytes_transferred").asLong()).isEqualTo(3932160);
    assertThat(listed.get("progress_pct").asDouble()).isEqualTo(37.5);
    assertThat(listed.get("progress_json").get("files_done").asInt()).isEqualTo(120);
    assertThat(listed.get("log_ref").asText()).isEqualTo("runs/run_42.log");
  }

  @Test
  void updateRunRefusesTerminalRunsOtherAgentsRunsAndBadValues() {
    Tenant t = Tenant.create(http);
    Tenant other = Tenant.create(http);
    long runId = t.startRun(t.createJob());
    t.nextRun();

    Http.Response foreign = other.update(runId, "status", "running");
    assertThat(foreign.code()).isEqualTo(404);
    Golden.assertMatches("error.not_found.response.json", foreign.body());
    assertThat(t.update(4242424242L).code()).isEqualTo(404);

    Http.Response bad = t.update(runId, "progress_pct", 120);
    assertThat(bad.code()).isEqualTo(400);
    Golden.assertMatches("error.validation.response.json", bad.body());
    assertThat(bad.field()).isEqualTo("progress_pct");
    assertThat(t.update(runId, "status", "exploded").field()).isEqualTo("status");
    assertThat(t.agent("agent_update_run.php", Map.of()).field()).isEqualTo("run_id");
    assertThat(t.agent("agent_update_run.php", "{not json").code()).isEqualTo(400);

    assertThat(t.update(runId, "status", "failed", "error_summary", "disk gone").code())
        .isEqualTo(200);
    Http.Response again = t.update(runId, "status", "running");
    assertThat(again.code()).isEqualTo(409);
    assertThat(again.message()).contains("already failed");
  }

  @Test
  void pushEventsStoresTheGoldenBatchOnceEvenWhenResent() {
    Tenant t = Tenant.create(http);
    long runId = t.startRun(t.createJob());
    t.nextRun();
    ObjectNode req = Golden.request("agent_push_events.request.json");
    req.put("run_id", runId);
    Http.Response first = t.agent("agent_push_events.php", req);
    Golden.assertMatches("agent_push_events.response.json", first.body());
    assertThat(first.body().get("accepted").asInt()).isEqualTo(2);
    assertThat(t.agent("agent_push_events.php", req).body().get("accepted").asInt()).isZero();

    JsonNode events = t.client("cloudbackup_get_run_events.php", Map.of("run_id", runId)).body();
    Golden.assertMatches("cloudbackup_get_run_events.response.json", events);
    assertThat(events.get("events")).hasSize(2);
    assertThat(events.get("events").get(1).get("params").get("files_done").asInt()).isEqualTo(120);
  }

  @Test
  void pushEventsValidatesTheBatch() {
    Tenant t = Tenant.create(http);
    long runId = t.startRun(t.createJob());
    t.nextRun();
    assertThat(t.agent("agent_push_events.php", Map.of("run_id", runId)).field())
        .isEqualTo("events");
    Http.Response badLevel =
        t.agent(
            "agent_push_events.php",
            Map.of("run_id", runId, "events", List.of(Map.of("seq", 1, "level", "loud"))));
    assertThat(badLevel.field()).isEqualTo("events[0].level");
    Http.Response noSeq =
        t.agent(
            "agent_push_events.php",
            Map.of("run_id", runId, "events", List.of(Map.of("level", "info"))));
    assertThat(noSeq.field()).isEqualTo("events[0].seq");
    assertThat(
            Tenant.create(http)
                .agent("agent_push_events.php", Map.of("run_id", runId, "events", List.of()))
                .code())
        .isEqualTo(404);
  }

  @Test
  void commandsAreDeliveredOnceAndCompletedOnce() {
    Tenant t = Tenant.create(http);
    long runId = t.startRun(t.createJob());
    t.nextRun();
    t.update(runId, "status", "running");
    long cmd =
        t.client("cloudbackup_request_command.php", Map.of("type", "cancel", "run_id", runId))
            .body()
            .get("command_id")
            .asLong();
    assertThat(t.update(runId).body().get("cancel_requested").asBoolean()).isTrue();

    JsonNode polled = t.agent("agent_poll_pending_commands.php", Map.of()).body();
    assertThat(polled.get("commands")).hasSize(1);
    JsonNode c = polled.get("commands").get(0);
    assertThat(c.get("command_id").asLong()).isEqualTo(cmd);
    assertThat(c.get("type").asText()).isEqualTo("cancel");
    assertThat(c.get("run_id").asLong()).isEqualTo(runId);
    assertThat(t.agent("agent_poll_commands.php", Map.of()).body().get("commands")).isEmpty();

    assertThat(
            Tenant.create(http)
                .agent(
                    "agent_complete_command.php", Map.of("command_id", cmd, "status", "completed"))
                .code())
        .isEqualTo(404);
    assertThat(
            t.agent("agent_complete_command.php", Map.of("command_id", cmd, "status", "done"))
                .field())
        .isEqualTo("status");
    ObjectNode done = Golden.request("agent_complete_command.request.json");
    done.put("command_id", cmd);
    Http.Response ok = t.agent("agent_complete_command.php", done);
    Golden.assertMatches("agent_complete_command.response.json", ok.body());
    assertThat(t.agent("agent_complete_command.php", done).code()).isEqualTo(409);
    t.update(runId, "status", "cancelled");
  }

  @Test
  void pollShowsEveryCommandTypeInTheGoldenShape() {
    Tenant t = Tenant.create(http);
    Map<String, Object> spec = kopiaSpec(t);
    spec.remove("network_username");
    spec.remove("network_password");
    long jobId = t.createJob(spec);
    long runId = t.startRun(jobId);
    t.nextRun();
    t.update(runId, "status", "success", "manifest_id", "k0123456789abcdef");
    t.client(
        "cloudbackup_request_command.php", Map.of("type", "maintenance_quick", "job_id", jobId));
    JsonNode restore =
        t.client(
                "cloudbackup_start_restore.php",
                Golden.request("cloudbackup_start_restore.request.json").put("run_id", runId))
            .body();
    Golden.assertMatches("cloudbackup_start_restore.response.json", restore);
    long mountId =
        t.client(
                "cloudnas_create_mount.php",
                Map.of("agent_id", t.agentId, "bucket", t.bucket, "drive_letter", "Y"))
            .body()
            .get("mount_id")
            .asLong();
    t.client("cloudnas_mount.php", Map.of("mount_id", mountId));

    JsonNode polled =
        t.agent(
                "agent_poll_pending_commands.php",
                Golden.read("agent_poll_pending_commands.request.json"))
            .body();
    Golden.assertMatches("agent_poll_pending_commands.response.json", polled);
    Map<String, JsonNode> byType = new LinkedHashMap<>();
    polled.get("commands").forEach(c -> byType.put(c.get("type").asText(), c));
    assertThat(byType).containsOnlyKeys("maintenance_quick", "restore", "nas_mount");

    JsonNode r = byType.get("restore");
    long restoreRunId = restore.get("restore_run_id").asLong();
    assertThat(r.get("run_id").asLong()).isEqualTo(restoreRunId);
    assertThat(r.get("job").get("run_id").asLong()).isEqualTo(restoreRunId);
    assertThat(r.get("job").get("run_type").asText()).isEqualTo("restore");
    assertThat(r.get("payload").get("manifest_id").asText()).isEqualTo("k0123456789abcdef");
    assertThat(r.get("payload").get("source_run_id").asLong()).isEqualTo(runId);
    assertThat(r.get("job").get("repository_password").asText())
        .isEqualTo("example-repository-password");

    JsonNode m = byType.get("maintenance_quick");
    assertThat(m.get("run_id").isNull()).isTrue();
    assertThat(m.get("job").get("job_id").asLong()).isEqualTo(jobId);

    JsonNode n = byType.get("nas_mount");
    assertThat(n.get("run_id").isNull()).isTrue();
    assertThat(n.get("payload").get("secret_key").asText()).isEqualTo("secret-of-" + t.clientId);
    assertThat(n.get("payload").get("drive_letter").asText()).isEqualTo("Y");

    assertThat(t.nextRun().isNull()).as("a restore run is never handed out as a backup").isTrue();
    // A restore the agent fails before reporting progress does not stay queued.
    t.agent(
        "agent_complete_command.php",
        Map.of(
            "command_id",
            r.get("command_id").asLong(),
            "status",
            "failed",
            "result_message",
            "target not writable"));
    JsonNode runs =
        t.client("cloudbackup_list_runs.php", Map.of("job_id", jobId)).body().get("runs");
    assertThat(runs.get(0).get("run_id").asLong()).isEqualTo(restoreRunId);
    assertThat(runs.get(0).get("status").asText()).isEqualTo("failed");
  }

  @Test
  void nasStatusUpdatesOnlyTheAgentsOwnMount() {
    Tenant t = Tenant.create(http);
    long mountId =
        t.client(
                "cloudnas_create_mount.php",
                Map.of("agent_id", t.agentId, "bucket", t.bucket, "drive_letter", "Z"))
            .body()
            .get("mount_id")
            .asLong();
    ObjectNode req = Golden.request("cloudnas_update_status.request.json");
    req.put("mount_id", mountId);
    Http.Response ok = t.agent("cloudnas_update_status.php", req);
    Golden.assertMatches("cloudnas_update_status.response.json", ok.body());
    JsonNode mount = t.client("cloudnas_list_mounts.php", Map.of()).body().get("mounts").get(0);
    assertThat(mount.get("status").asText()).isEqualTo("mounted");
    assertThat(mount.get("last_mounted_at").isNull()).isFalse();
    assertThat(Tenant.create(http).agent("cloudnas_update_status.php", req).code()).isEqualTo(404);
    assertThat(
            t.agent("cloudnas_update_status.php", Map.of("mount_id", mountId, "status", "flying"))
                .field())
        .isEqualTo("status");
  }

  @Test
  void nasStatusKeepsCacheBytesAndWarningForTheDrivesCard() {
    Tenant t = Tenant.create(http);
    long mountId =
        t.client(
                "cloudnas_create_mount.php",
                Map.of("agent_id", t.agentId, "bucket", t.bucket, "drive_letter", "Y"))
            .body()
            .get("mount_id")
            .asLong();
    t.agent(
        "cloudnas_update_status.php",
        Map.of(
            "mount_id", mountId, "status", "mounted", "cache_bytes_used", 4096, "warning", "big"));
    JsonNode mount = t.client("cloudnas_list_mounts.php", Map.of()).body().get("mounts").get(0);
    Golden.assertMatches(
        "cloudnas_list_mounts.response.json",
        t.client("cloudnas_list_mounts.php", Map.of()).body());
    assertThat(mount.get("cache_bytes_used").asLong()).isEqualTo(4096);
    assertThat(mount.get("warning").asText()).isEqualTo("big");
    // A later report without a warning clears it; one without cache bytes keeps the last figure.
    t.agent("cloudnas_update_status.php", Map.of("mount_id", mountId, "status", "mounted"));
    mount = t.client("cloudnas_list_mounts.php", Map.of()).body().get("mounts").get(0);
    assertThat(mount.get("warning").isNull()).isTrue();
    assertThat(mount.get("cache_bytes_used").asLong()).isEqualTo(4096);
    assertThat(
            t.agent(
                    "cloudnas_update_status.php",
                    Map.of("mount_id", mountId, "status", "mounted", "cache_bytes_used", -1))
                .field())
        .isEqualTo("cache_bytes_used");
  }

  @Test
  void listMountsGivesTheAgentItsDrivesWithKeysSettingsAndWhichToMountAgain() {
    Tenant t = Tenant.create(http);
    t.client(
        "cloudnas_settings.php",
        Map.of(
            "bandwidth_limit_enabled", true,
            "bandwidth_upload_kbps", 512,
            "bandwidth_download_kbps", 2048));
    long kept = mount(t, "Y", true);
    long once = mount(t, "X", false);
    long off = mount(t, "W", true);
    t.agent("cloudnas_update_status.php", Map.of("mount_id", kept, "status", "mounted"));
    t.agent("cloudnas_update_status.php", Map.of("mount_id", once, "status", "mounted"));
    // W: the client mounted and then unmounted: not to be mounted again at start.

    Http.Response r = t.agent("agent_list_mounts.php", Map.of());
    Golden.assertMatches("agent_list_mounts.response.json", r.body());
    Map<Long, JsonNode> byId = new java.util.HashMap<>();
    r.body().get("mounts").forEach(m -> byId.put(m.get("mount_id").asLong(), m));
    assertThat(byId).containsOnlyKeys(kept, once, off);
    assertThat(byId.get(kept).get("auto_mount").asBoolean()).isTrue();
    assertThat(byId.get(once).get("auto_mount").asBoolean()).isFalse();
    assertThat(byId.get(off).get("auto_mount").asBoolean()).isFalse();
    assertThat(byId.get(kept).get("secret_key").asText()).isNotBlank();
    assertThat(byId.get(kept).get("bandwidth_upload_kbps").asLong()).isEqualTo(512);
    assertThat(byId.get(kept).get("bandwidth_download_kbps").asLong()).isEqualTo(2048);
    // Another agent's list holds none of them.
    assertThat(Tenant.create(http).agent("agent_list_mounts.php", Map.of()).body().get("mounts"))
        .isEmpty();
  }

  private static long mount(Tenant t, String letter, boolean persistent) {
    long id =
        t.client(
                "cloudnas_create_mount.php",
                Map.of(
                    "agent_id",
                    t.agentId,
                    "bucket",
                    t.bucket,
                    "drive_letter",
                    letter,
                    "persistent",
                    persistent))
            .body()
            .get("mount_id")
            .asLong();
    t.client("cloudnas_mount.php", Map.of("mount_id", id));
    if (letter.equals("W")) {
      t.client("cloudnas_unmount.php", Map.of("mount_id", id));
      t.agent("cloudnas_update_status.php", Map.of("mount_id", id, "status", "unmounted"));
    }
    return id;
  }

  @Test
  void browseRoundTripsThroughTheAgentsReport() {
    Tenant t = Tenant.create(http);
    CompletableFuture<Http.Response> browse =
        CompletableFuture.supplyAsync(
            () ->
                t.client(
                    "agent_browse_filesystem.php",
                    Map.of("agent_id", t.agentId, "path", "C:\\Users")));
    List<JsonNode> commands = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              t.agent("agent_poll_pending_commands.php", Map.of())
                  .body()
                  .get("commands")
                  .forEach(commands::add);
              return !commands.isEmpty();
            });
    JsonNode cmd = commands.get(0);
    assertThat(cmd.get("type").asText()).isEqualTo("browse_directory");
    assertThat(cmd.get("payload").get("path").asText()).isEqualTo("C:\\Users");
    ObjectNode report = Golden.request("agent_report_browse.request.json");
    report.put("command_id", cmd.get("command_id").asLong());
    Http.Response reported = t.agent("agent_report_browse.php", report);
    Golden.assertMatches("agent_report_browse.response.json", reported.body());

    Http.Response answer = browse.join();
    assertThat(answer.code()).as(answer.body().toString()).isEqualTo(200);
    assertThat(answer.body().get("result").get("entries")).hasSize(2);
    assertThat(t.agent("agent_report_browse.php", report).code())
        .as("reported twice")
        .isEqualTo(409);
  }

  @Test
  void snapshotBrowseAndDiffCarryTheJobAndAreAnsweredByAgentReportSnapshot() {
    Tenant t = Tenant.create(http);
    long jobId = t.createJob(kopiaSpec(t));
    long browseId =
        t.client(
                "cloudbackup_request_command.php",
                Map.of(
                    "type",
                    "snapshot_browse",
                    "job_id",
                    jobId,
                    "manifest_id",
                    "0123456789abcdef",
                    "path",
                    "docs",
                    "offset",
                    1000))
            .body()
            .get("command_id")
            .asLong();
    assertThat(
            t.client(
                    "cloudbackup_request_command.php",
                    Map.of(
                        "type",
                        "snapshot_diff",
                        "job_id",
                        jobId,
                        "from_manifest_id",
                        "../etc",
                        "to_manifest_id",
                        "0123456789abcdef"))
                .code())
        .as("a manifest id that is not hex")
        .isEqualTo(400);
    long diffId =
        t.client(
                "cloudbackup_request_command.php",
                Map.of(
                    "type",
                    "snapshot_diff",
                    "job_id",
                    jobId,
                    "from_manifest_id",
                    "00000000aaaaaaaa",
                    "to_manifest_id",
                    "11111111bbbbbbbb"))
            .body()
            .get("command_id")
            .asLong();
    JsonNode polled = t.agent("agent_poll_pending_commands.php", Map.of()).body().get("commands");
    assertThat(polled).hasSize(2);
    JsonNode browse = polled.get(0);
    assertThat(browse.get("type").asText()).isEqualTo("snapshot_browse");
    assertThat(browse.get("payload").get("manifest_id").asText()).isEqualTo("0123456789abcdef");
    assertThat(browse.get("payload").get("path").asText()).isEqualTo("docs");
    assertThat(browse.get("payload").get("offset").asLong()).isEqualTo(1000);
    assertThat(browse.get("job").get("repository_password").asText())
        .isEqualTo("example-repository-password");
    assertThat(polled.get(1).get("payload").get("to_manifest_id").asText())
        .isEqualTo("11111111bbbbbbbb");

    ArrayNode tooMany = Json.MAPPER.createArrayNode();
    for (int i = 0; i < 1001; i++) {
      tooMany.addObject().put("name", "f" + i);
    }
    ObjectNode big = Json.MAPPER.createObjectNode();
    big.put("command_id", browseId);
    big.putObject("result").set("entries", tooMany);
    assertThat(t.agent("agent_report_snapshot.php", big).code()).isEqualTo(400);
    ObjectNode page = Json.MAPPER.createObjectNode();
    page.put("command_id", browseId);
    ObjectNode result = page.putObject("result");
    result.put("path", "docs");
    result.putArray("entries").addObject().put("name", "a.txt").put("type", "file");
    result.put("total", 1001);
    result.put("truncated", true);
    assertThat(t.agent("agent_report_snapshot.php", page).code()).isEqualTo(200);
    assertThat(t.agent("agent_report_snapshot.php", page).code()).as("twice").isEqualTo(409);

    Map<String, Object> error =
        Map.of(
            "command_id", diffId, "error", "snapshot '00000000aaaaaaaa' is not in the repository");
    assertThat(t.agent("agent_report_snapshot.php", error).code()).isEqualTo(200);

    long cancelOther =
        t.client(
                "cloudbackup_request_command.php",
                Map.of("type", "maintenance_quick", "job_id", jobId))
            .body()
            .get("command_id")
            .asLong();
    assertThat(
            t.agent(
                    "agent_report_snapshot.php",
                    Map.of("command_id", cancelOther, "error", "not mine"))
                .code())
        .as("a command of another type")
        .isEqualTo(400);
  }

  @Test
  void browseOfDrivesGoldenIsAccepted() {
    Tenant t = Tenant.create(http);
    CompletableFuture<Http.Response> browse =
        CompletableFuture.supplyAsync(
            () ->
                t.client("agent_browse_filesystem.php", Map.of("agent_id", t.agentId, "path", "")));
    List<JsonNode> commands = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              t.agent("agent_poll_pending_commands.php", Map.of())
                  .body()
                  .get("commands")
                  .forEach(commands::add);
              return !commands.isEmpty();
            });
    ObjectNode report = Golden.request("agent_report_browse.drives.request.json");
    report.put("command_id", commands.get(0).get("command_id").asLong());
    assertThat(t.agent("agent_report_browse.php", report).code()).isEqualTo(200);
    JsonNode result = browse.join().body().get("result");
    assertThat(result.get("entries").get(1).get("unc_path").asText())
        .isEqualTo("\\\\fileserver\\documents");
  }

  @Test
  void browseWithoutAnAnswerTimesOutCleanly() {
    Tenant t = Tenant.create(http);
    Http.Response r =
        t.client("agent_browse_filesystem.php", Map.of("agent_id", t.agentId, "path", "C:\\"));
    assertThat(r.code()).isEqualTo(504);
    assertThat(r.message()).contains("did not answer");
    JsonNode late = t.agent("agent_poll_pending_commands.php", Map.of()).body().get("commands");
    assertThat(late).as("an expired browse is not delivered").isEmpty();
    assertThat(
            Tenant.create(http)
                .client("agent_browse_filesystem.php", Map.of("agent_id", t.agentId))
                .code())
        .isEqualTo(404);
  }

  @Test
  void browseReportsTheAgentsError() {
    Tenant t = Tenant.create(http);
    CompletableFuture<Http.Response> browse =
        CompletableFuture.supplyAsync(
            () ->
                t.client(
                    "agent_browse_filesystem.php", Map.of("agent_id", t.agentId, "path", "Q:\\")));
    List<JsonNode> commands = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              t.agent("agent_poll_pending_commands.php", Map.of())
                  .body()
                  .get("commands")
                  .forEach(commands::add);
              return !commands.isEmpty();
            });
    t.agent(
        "agent_report_browse.php",
        Map.of(
            "command_id",
            commands.get(0).get("command_id").asLong(),
            "error",
            "drive Q: not found"));
    Http.Response r = browse.join();
    assertThat(r.code()).isEqualTo(502);
    assertThat(r.message()).contains("drive Q: not found");
  }

  @Test
  void legacyFetchJobsAndStartRunFollowTheirGoldens() {
    Tenant t = Tenant.create(http);
    long jobId = t.createJob();
    Http.Response jobs = t.agent("agent_fetch_jobs.php", Map.of());
    Golden.assertMatches("agent_fetch_jobs.response.json", jobs.body());
    assertThat(jobs.body().get("jobs").get(0).get("job_id").asLong()).isEqualTo(jobId);
    Http.Response started =
        t.agent(
            "agent_start_run.php",
            Golden.request("agent_start_run.request.json").put("job_id", jobId));
    Golden.assertMatches("agent_start_run.response.json", started.body());
    long runId = started.body().get("run_id").asLong();
    assertThat(t.update(runId, "status", "running").code()).isEqualTo(200);
    assertThat(Tenant.create(http).agent("agent_start_run.php", Map.of("job_id", jobId)).code())
        .isEqualTo(404);
  }
}
