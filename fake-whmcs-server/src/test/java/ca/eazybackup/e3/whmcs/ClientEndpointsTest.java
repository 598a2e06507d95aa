package ca.eazybackup.e3.whmcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Client, admin and sim endpoints: success, validation, auth and tenant isolation. */
class ClientEndpointsTest extends ServerTest {

  private ObjectNode goldenJob(Tenant t) {
    ObjectNode req = Golden.request("cloudbackup_create_job.request.json");
    req.put("agent_id", t.agentId);
    req.put("dest_bucket", t.bucket);
    return req;
  }

  @Test
  void createJobAcceptsTheGoldenRequest() {
    Tenant t = Tenant.create(http);
    Http.Response r = t.client("cloudbackup_create_job.php", goldenJob(t));
    assertThat(r.code()).as(r.body().toString()).isEqualTo(200);
    Golden.assertMatches("cloudbackup_create_job.response.json", r.body());
    JsonNode jobs = t.client("cloudbackup_list_jobs.php", Map.of()).body();
    Golden.assertMatches("cloudbackup_list_jobs.response.json", jobs);
    JsonNode job = jobs.get("jobs").get(0);
    assertThat(job.get("has_network_credentials").asBoolean()).isTrue();
    assertThat(job.get("next_run_at").isNull()).as("a daily job is planned").isFalse();
    assertThat(jobs.toString())
        .doesNotContain("example-share-password")
        .doesNotContain("secret-of-");
  }

  @Test
  void createJobAcceptsAFormEncodedBody() {
    Tenant t = Tenant.create(http);
    String form =
        "name=Photos&agent_id="
            + t.agentId
            + "&engine=sync&dest_bucket="
            + t.bucket
            + "&source_paths="
            + enc("[\"D:\\\\Photos\",\"E:\\\\More\"]")
            + "&schedule_json="
            + enc("{\"type\":\"hourly\",\"minute\":5}")
            + "&bucket_auto_create=on&parallelism=2";
    Http.Response r =
        http.postForm("cloudbackup_create_job.php", form, Http.clientHeaders(t.session));
    assertThat(r.code()).as(r.body().toString()).isEqualTo(200);
    t.startRun(r.body().get("job_id").asLong());
    JsonNode run = t.nextRun();
    assertThat(run.get("source_paths").get(1).asText()).isEqualTo("E:\\More");
    assertThat(run.get("schedule_json").get("minute").asInt()).isEqualTo(5);
    assertThat(run.get("bucket_auto_create").asBoolean()).isTrue();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void createJobNamesTheFieldItRejects() {
    Tenant t = Tenant.create(http);
    Map<String, Object> noSource = t.jobSpec();
    noSource.remove("source_paths");
    Http.Response r = t.client("cloudbackup_create_job.php", noSource);
    assertThat(r.code()).isEqualTo(400);
    Golden.assertMatches("error.validation.response.json", r.body());
    assertThat(r.body().get("message").asText())
        .isEqualTo("source_path is required for a local_agent job");

    assertRejected(t, "name", "");
    assertRejected(t, "engine", "restic");
    assertRejected(t, "dest_type", "local");
    assertRejected(t, "source_type", "aws");
    assertRejected(t, "schedule_json", Map.of("type", "daily", "time", "25:99"));
    assertRejected(t, "schedule_json", "{not json");
    assertRejected(t, "retention_json", List.of(1, 2));
    assertRejected(t, "parallelism", -1);
    assertRejected(t, "bandwidth_limit_kbps", "fast");
    assertRejected(t, "notify_email", "not-an-address");
    assertRejected(t, "notify_on", "sometimes");
    assertRejected(t, "dest_prefix", "../escape");
    assertRejected(t, "encryption_password", "short");
    Map<String, Object> userOnly = t.jobSpec();
    userOnly.put("network_username", "bob");
    assertThat(t.client("cloudbackup_create_job.php", userOnly).field())
        .isEqualTo("network_password");
    assertThat(t.client("cloudbackup_create_job.php", "[1,2]").field()).isEqualTo("body");
  }

  private void assertRejected(Tenant t, String field, Object value) {
    Map<String, Object> spec = t.jobSpec();
    spec.put(field, value);
    Http.Response r = t.client("cloudbackup_create_job.php", spec);
    assertThat(r.code()).as(field + "=" + value + " → " + r.body()).isEqualTo(400);
    assertThat(r.field()).isEqualTo(field);
  }

  @Test
  void anotherClientsAgentBucketJobRunAndMountAreNotFound() {
    Tenant alice = Tenant.create(http);
    Tenant mallory = Tenant.create(http);
    long jobId = alice.createJob();
    long runId = alice.startRun(jobId);
    long mountId =
        alice
            .client(
                "cloudnas_create_mount.php",
                Map.of("agent_id", alice.agentId, "bucket", alice.bucket, "drive_letter", "Y"))
            .body()
            .get("mount_id")
            .asLong();

    Map<String, Object> spec = mallory.jobSpec();
    spec.put("agent_id", alice.agentId);
    Http.Response agent = mallory.client("cloudbackup_create_job.php", spec);
    assertThat(agent.code()).isEqualTo(404);
    assertThat(agent.field()).isEqualTo("agent_id");
    // Another client's bucket reads exactly as a bucket that does not exist (the name aside)...
    spec = mallory.jobSpec();
    spec.put("dest_bucket", alice.bucket);
    Http.Response theirs = mallory.client("cloudbackup_create_job.php", spec);
    spec.put("dest_bucket", "no-such-bucket-here");
    Http.Response none = mallory.client("cloudbackup_create_job.php", spec);
    assertThat(theirs.code()).isEqualTo(404).isEqualTo(none.code());
    assertThat(theirs.field()).isEqualTo("dest_bucket").isEqualTo(none.field());
    assertThat(theirs.message().replace(alice.bucket, "?"))
        .isEqualTo(none.message().replace("no-such-bucket-here", "?"));
    // ...and with auto-create its name is taken, as S3 says of a global bucket name, not by whom.
    spec.put("dest_bucket", alice.bucket);
    spec.put("bucket_auto_create", true);
    Http.Response taken = mallory.client("cloudbackup_create_job.php", spec);
    assertThat(taken.code()).isEqualTo(409);
    assertThat(taken.message()).contains("already taken");

    Map<String, Map<String, Object>> calls =
        Map.ofEntries(
            Map.entry("cloudbackup_update_job.php", Map.of("job_id", jobId, "name", "mine")),
            Map.entry("cloudbackup_start_run.php", Map.of("job_id", jobId)),
            Map.entry("cloudbackup_list_runs.php", Map.of("job_id", jobId)),
            Map.entry("cloudbackup_get_run_events.php", Map.of("run_id", runId)),
            Map.entry("cloudbackup_get_run_logs.php", Map.of("run_id", runId)),
            Map.entry("cloudbackup_request_command.php", Map.of("type", "cancel", "run_id", runId)),
            Map.entry(
                "cloudbackup_start_restore.php", Map.of("run_id", runId, "target_path", "C:\\x")),
            Map.entry("cloudbackup_list_snapshots.php", Map.of("job_id", jobId)),
            Map.entry("agent_browse_filesystem.php", Map.of("agent_id", alice.agentId)),
            Map.entry(
                "cloudnas_create_mount.php",
                Map.of("agent_id", alice.agentId, "bucket", alice.bucket, "drive_letter", "X")),
            Map.entry("cloudnas_mount.php", Map.of("mount_id", mountId)),
            Map.entry("cloudnas_unmount.php", Map.of("mount_id", mountId)),
            Map.entry("cloudnas_delete_mount.php", Map.of("mount_id", mountId)),
            Map.entry(
                "cloudnas_mount_snapshot.php",
                Map.of("job_id", jobId, "run_id", runId, "drive_letter", "T")));
    calls.forEach(
        (endpoint, body) -> {
          Http.Response r = mallory.client(endpoint, body);
          assertThat(r.code()).as(endpoint + " " + r.body()).isEqualTo(404);
          assertThat(r.body().get("status").asText()).isEqualTo("fail");
        });
    assertThat(mallory.client("cloudbackup_list_runs.php", Map.of()).body().get("runs")).isEmpty();
    assertThat(mallory.client("cloudnas_list_mounts.php", Map.of()).body().get("mounts")).isEmpty();
    assertThat(mallory.client("agent_list.php", Map.of()).body().get("agents")).hasSize(1);
    assertThat(mallory.client("bucket_list.php", Map.of()).body().get("buckets")).hasSize(1);
  }

  @Test
  void clientEndpointsNeedASession() {
    for (String endpoint :
        List.of(
            "cloudbackup_create_job.php",
            "cloudbackup_list_runs.php",
            "agent_list.php",
            "cloudnas_settings.php")) {
      assertThat(http.post(endpoint, Map.of()).code()).as(endpoint).isEqualTo(401);
      assertThat(http.post(endpoint, Map.of(), Http.clientHeaders("forged")).code())
          .as(endpoint)
          .isEqualTo(401);
    }
  }

  @Test
  void runListingsLogsAndSnapshotsFollowTheirGoldens() {
    Tenant t = Tenant.create(http);
    Map<String, Object> spec = t.jobSpec();
    spec.put("engine", "kopia");
    spec.put("notify_email", "alice@example.com");
    long jobId = t.createJob(spec);
    long runId = t.startRun(jobId);
    assertThat(t.client("cloudbackup_start_run.php", Map.of("job_id", jobId)).code())
        .as("one run in progress per job")
        .isEqualTo(409);
    t.nextRun();
    t.update(runId, "status", "running", "bytes_total", 10485760, "files_total", 320);
    t.update(
        runId,
        "status",
        "success",
        "bytes_transferred",
        10485760,
        "files_done",
        320,
        "manifest_id",
        "kabc");

    JsonNode runs =
        t.client(
                "cloudbackup_list_runs.php",
                Golden.request("cloudbackup_list_runs.request.json").put("job_id", jobId))
            .body();
    Golden.assertMatches("cloudbackup_list_runs.response.json", runs);
    JsonNode logs = t.client("cloudbackup_get_run_logs.php", Map.of("run_id", runId)).body();
    Golden.assertMatches("cloudbackup_get_run_logs.response.json", logs);
    assertThat(logs.get("logs").findValuesAsText("code"))
        .contains("RUN_QUEUED", "RUN_CLAIMED", "RUN_SUCCESS");
    JsonNode snaps = t.client("cloudbackup_list_snapshots.php", Map.of("job_id", jobId)).body();
    Golden.assertMatches("cloudbackup_list_snapshots.response.json", snaps);
    JsonNode snap = snaps.get("snapshots").get(0);
    assertThat(snap.get("manifest_id").asText()).isEqualTo("kabc");
    assertThat(snap.get("size_bytes").asLong()).isEqualTo(10485760);
    assertThat(snap.get("file_count").asLong()).isEqualTo(320);

    JsonNode outbox = http.post("sim/outbox", Map.of("client_id", t.clientId)).body();
    Golden.assertMatches("sim_outbox.response.json", outbox);
    assertThat(outbox.get("emails").get(0).get("subject").asText()).contains("SUCCESS");
    assertThat(t.client("cloudbackup_list_runs.php", Map.of("limit", 0)).field())
        .isEqualTo("limit");
  }

  @Test
  void cancellingAQueuedRunCancelsItAtOnceAndFailureOnlyMailSkipsSuccess() {
    Tenant t = Tenant.create(http);
    Map<String, Object> spec = t.jobSpec();
    spec.put("notify_email", "ops@example.com");
    spec.put("notify_on", "failure");
    long jobId = t.createJob(spec);
    long runId = t.startRun(jobId);
    Http.Response cancel =
        t.client(
            "cloudbackup_request_command.php",
            Golden.request("cloudbackup_request_command.request.json").put("run_id", runId));
    Golden.assertMatches("cloudbackup_request_command.response.json", cancel.body());
    assertThat(
            t.client("cloudbackup_list_runs.php", Map.of("job_id", jobId))
                .body()
                .get("runs")
                .get(0)
                .get("status")
                .asText())
        .isEqualTo("cancelled");
    assertThat(t.nextRun().isNull()).isTrue();
    assertThat(t.agent("agent_poll_pending_commands.php", Map.of()).body().get("commands"))
        .isEmpty();
    assertThat(
            t.client("cloudbackup_request_command.php", Map.of("type", "cancel", "run_id", runId))
                .code())
        .isEqualTo(409);
    assertThat(
            t.client(
                    "cloudbackup_request_command.php",
                    Map.of("type", "maintenance_full", "job_id", jobId))
                .field())
        .as("maintenance is for kopia jobs")
        .isEqualTo("type");
    assertThat(t.client("cloudbackup_request_command.php", Map.of("type", "reboot")).field())
        .isEqualTo("type");

    long failing = t.startRun(jobId);
    t.nextRun();
    t.update(failing, "status", "failed", "error_summary", "source vanished");
    JsonNode emails = http.post("sim/outbox", Map.of("client_id", t.clientId)).body().get("emails");
    assertThat(emails).hasSize(1);
    assertThat(emails.get(0).get("to").asText()).isEqualTo("ops@example.com");
    assertThat(emails.get(0).get("body").asText()).contains("source vanished");
  }

  @Test
  void updateJobChangesOnlyTheFieldsSent() {
    Tenant t = Tenant.create(http);
    long jobId = t.createJob();
    ObjectNode req = Golden.request("cloudbackup_update_job.request.json");
    req.put("job_id", jobId);
    Http.Response r = t.client("cloudbackup_update_job.php", req);
    Golden.assertMatches("cloudbackup_update_job.response.json", r.body());
    JsonNode job = t.client("cloudbackup_list_jobs.php", Map.of()).body().get("jobs").get(0);
    assertThat(job.get("parallelism").asInt()).isEqualTo(8);
    assertThat(job.get("schedule_json").get("days")).hasSize(2);
    assertThat(job.get("name").asText()).isEqualTo("Documents");
    assertThat(job.get("source_paths")).hasSize(2);
    assertThat(
            t.client("cloudbackup_update_job.php", Map.of("job_id", jobId, "engine", "zip"))
                .field())
        .isEqualTo("engine");
    assertThat(t.client("cloudbackup_update_job.php", Map.of("job_id", 987654321)).code())
        .isEqualTo(404);
  }

  @Test
  void restoreNeedsAFinishedBackupAndATarget() {
    Tenant t = Tenant.create(http);
    long jobId = t.createJob();
    long runId = t.startRun(jobId);
    assertThat(
            t.client(
                    "cloudbackup_start_restore.php",
                    Map.of("run_id", runId, "target_path", "D:\\R"))
                .field())
        .isEqualTo("run_id");
    t.nextRun();
    t.update(runId, "status", "success");
    assertThat(t.client("cloudbackup_start_restore.php", Map.of("run_id", runId)).field())
        .isEqualTo("target_path");
    assertThat(
            t.client(
                    "cloudbackup_start_restore.php",
                    Map.of("run_id", runId, "target_path", "D:\\R", "overwrite", "maybe"))
                .field())
        .isEqualTo("overwrite");
    Http.Response ok =
        t.client("cloudbackup_start_restore.php", Map.of("run_id", runId, "target_path", "D:\\R"));
    assertThat(ok.code()).isEqualTo(200);
    long restoreRun = ok.body().get("restore_run_id").asLong();
    JsonNode cmd =
        t.agent("agent_poll_pending_commands.php", Map.of()).body().get("commands").get(0);
    assertThat(t.update(restoreRun, "status", "running").code()).isEqualTo(200);
    assertThat(t.update(restoreRun, "status", "success").code()).isEqualTo(200);
    assertThat(
            t.agent(
                    "agent_complete_command.php",
                    Map.of("command_id", cmd.get("command_id").asLong(), "status", "completed"))
                .code())
        .isEqualTo(200);
  }

  @Test
  void agentAndBucketListsFollowTheirGoldens() {
    Tenant t = Tenant.create(http);
    t.nextRun(); // marks the agent seen
    JsonNode agents = t.client("agent_list.php", Map.of()).body();
    Golden.assertMatches("agent_list.response.json", agents);
    assertThat(agents.get("agents").get(0).get("online").asBoolean()).isTrue();
    JsonNode buckets = t.client("bucket_list.php", Map.of()).body();
    Golden.assertMatches("bucket_list.response.json", buckets);
    assertThat(buckets.toString()).doesNotContain("secret-of-");
  }

  @Test
  void cloudNasLifecycleFollowsItsGoldens() {
    Tenant t = Tenant.create(http);
    ObjectNode create = Golden.request("cloudnas_create_mount.request.json");
    create.put("agent_id", t.agentId).put("bucket", t.bucket);
    Http.Response created = t.client("cloudnas_create_mount.php", create);
    Golden.assertMatches("cloudnas_create_mount.response.json", created.body());
    long mountId = created.body().get("mount_id").asLong();
    assertThat(t.client("cloudnas_create_mount.php", create).code())
        .as("letter taken")
        .isEqualTo(409);
    assertThat(
            t.client("cloudnas_create_mount.php", create.deepCopy().put("drive_letter", "YY"))
                .field())
        .isEqualTo("drive_letter");
    assertThat(
            t.client(
                    "cloudnas_create_mount.php",
                    create.deepCopy().put("drive_letter", "Q").put("cache_mode", "huge"))
                .field())
        .isEqualTo("cache_mode");
    assertThat(
            t.client(
                    "cloudnas_create_mount.php",
                    create.deepCopy().put("drive_letter", "Q").put("bucket", "nope-nope"))
                .code())
        .isEqualTo(404);

    Golden.assertMatches(
        "cloudnas_mount.response.json",
        t.client("cloudnas_mount.php", Map.of("mount_id", mountId)).body());
    Golden.assertMatches(
        "cloudnas_list_mounts.response.json",
        t.client("cloudnas_list_mounts.php", Map.of()).body());
    t.agent("cloudnas_update_status.php", Map.of("mount_id", mountId, "status", "mounted"));
    Golden.assertMatches(
        "cloudnas_unmount.response.json",
        t.client("cloudnas_unmount.php", Map.of("mount_id", mountId)).body());
    Http.Response deleted = t.client("cloudnas_delete_mount.php", Map.of("mount_id", mountId));
    Golden.assertMatches("cloudnas_delete_mount.response.json", deleted.body());
    assertThat(t.client("cloudnas_list_mounts.php", Map.of()).body().get("mounts")).isEmpty();
    JsonNode commands = t.agent("agent_poll_pending_commands.php", Map.of()).body().get("commands");
    assertThat(commands.findValuesAsText("type"))
        .containsExactly("nas_mount", "nas_unmount", "nas_unmount");
    commands.forEach(c -> assertThat(c.get("run_id").isNull()).isTrue());
  }

  @Test
  void cloudNasSettingsMergeDefaultsAndValidate() {
    Tenant t = Tenant.create(http);
    assertThat(
            http.get("cloudnas_settings.php", Http.clientHeaders(t.session))
                .body()
                .get("settings")
                .get("cache_mode")
                .asText())
        .isEqualTo("full");
    ObjectNode req = Golden.request("cloudnas_settings.request.json");
    req.put("default_agent_id", t.agentId);
    Http.Response saved = t.client("cloudnas_settings.php", req);
    Golden.assertMatches("cloudnas_settings.response.json", saved.body());
    assertThat(
            http.get("cloudnas_settings.php", Http.clientHeaders(t.session))
                .body()
                .get("settings")
                .get("cache_size_gb")
                .asInt())
        .isEqualTo(20);
    assertThat(t.client("cloudnas_settings.php", Map.of("cache_mode", "turbo")).field())
        .isEqualTo("cache_mode");
    assertThat(t.client("cloudnas_settings.php", Map.of("default_agent_id", 99999999)).code())
        .isEqualTo(404);
  }

  @Test
  void snapshotMountQueuesAMountWithTheRepositoryPassword() {
    Tenant t = Tenant.create(http);
    Map<String, Object> spec = t.jobSpec();
    spec.put("engine", "kopia");
    spec.put("encryption_password", "example-repository-password");
    long jobId = t.createJob(spec);
    long runId = t.startRun(jobId);
    t.nextRun();
    t.update(runId, "status", "success", "manifest_id", "k5b8c3e1f0a9d7c6b5a4f3e2d1c0b9a8");
    ObjectNode req = Golden.request("cloudnas_mount_snapshot.request.json");
    req.put("job_id", jobId);
    Http.Response r = t.client("cloudnas_mount_snapshot.php", req);
    Golden.assertMatches("cloudnas_mount_snapshot.response.json", r.body());
    JsonNode cmd =
        t.agent("agent_poll_pending_commands.php", Map.of()).body().get("commands").get(0);
    assertThat(cmd.get("type").asText()).isEqualTo("nas_mount_snapshot");
    assertThat(cmd.get("payload").get("repository_password").asText())
        .isEqualTo("example-repository-password");
    assertThat(cmd.get("payload").get("manifest_id").asText())
        .isEqualTo("k5b8c3e1f0a9d7c6b5a4f3e2d1c0b9a8");
    // the drive's label is "Time Machine (<job name>, <date>)"
    assertThat(cmd.get("payload").get("job_name").asText()).isEqualTo(spec.get("name"));
    assertThat(
            t.client(
                    "cloudnas_mount_snapshot.php",
                    req.deepCopy().put("manifest_id", "nope").put("drive_letter", "S"))
                .code())
        .isEqualTo(404);
  }

  @Test
  void adminSeesAllClientsAndQueuesMaintenance() {
    Tenant t = Tenant.create(http);
    Map<String, Object> spec = t.jobSpec();
    spec.put("engine", "kopia");
    long jobId = t.createJob(spec);
    String[] admin = {"X-Admin-Token", "test-admin-token"};
    assertThat(http.post("admin_cloudbackup_list_jobs.php", Map.of()).code()).isEqualTo(401);
    assertThat(
            http.post("admin_cloudbackup_list_jobs.php", Map.of(), "X-Admin-Token", "guess").code())
        .isEqualTo(401);
    Http.Response cmd =
        http.post(
            "admin_cloudbackup_request_command.php",
            Golden.request("admin_cloudbackup_request_command.request.json").put("job_id", jobId),
            admin);
    Golden.assertMatches("admin_cloudbackup_request_command.response.json", cmd.body());
    JsonNode jobs =
        http.post("admin_cloudbackup_list_jobs.php", Map.of("client_id", t.clientId), admin).body();
    Golden.assertMatches("cloudbackup_list_jobs.response.json", jobs);
    t.startRun(jobId);
    JsonNode runs =
        http.post("admin_cloudbackup_list_runs.php", Map.of("job_id", jobId), admin).body();
    assertThat(runs.get("runs").get(0).get("engine").asText()).isEqualTo("kopia");
    assertThat(runs.get("runs").get(0).has("log_ref")).isTrue();
    JsonNode delivered =
        t.agent("agent_poll_pending_commands.php", Map.of()).body().get("commands").get(0);
    assertThat(delivered.get("type").asText()).isEqualTo("maintenance_full");

    // verify: queued by an admin with the share of packs to read, delivered with the job
    assertThat(
            http.post(
                    "admin_cloudbackup_request_command.php",
                    Map.of("type", "verify", "job_id", jobId, "read_data_percent", 101),
                    admin)
                .field())
        .isEqualTo("read_data_percent");
    http.post(
        "admin_cloudbackup_request_command.php",
        Map.of("type", "verify", "job_id", jobId, "read_data_percent", 10),
        admin);
    JsonNode verify =
        t.agent("agent_poll_pending_commands.php", Map.of()).body().get("commands").get(0);
    assertThat(verify.get("type").asText()).isEqualTo("verify");
    assertThat(verify.get("payload").get("read_data_percent").asInt()).isEqualTo(10);
    assertThat(verify.get("job").get("repository_password").asText()).isNotEmpty();
  }

  @Test
  void simEndpointsFollowTheirGoldens() {
    Http.Response client =
        http.post("sim/create_client", Golden.read("sim_create_client.request.json"));
    Golden.assertMatches("sim_create_client.response.json", client.body());
    long clientId = client.body().get("client_id").asLong();
    Golden.assertMatches(
        "sim_create_session.response.json",
        http.post("sim/create_session", Map.of("client_id", clientId)).body());
    Golden.assertMatches(
        "sim_create_agent.response.json",
        http.post(
                "sim/create_agent",
                Golden.request("sim_create_agent.request.json").put("client_id", clientId))
            .body());
    ObjectNode bucket =
        Golden.request("sim_create_bucket.request.json")
            .put("client_id", clientId)
            .put("name", "golden-" + clientId);
    Golden.assertMatches(
        "sim_create_bucket.response.json", http.post("sim/create_bucket", bucket).body());
    assertThat(http.post("sim/create_bucket", bucket).code()).isEqualTo(409);
    assertThat(http.post("sim/create_bucket", bucket.deepCopy().put("name", "Bad_Name")).field())
        .isEqualTo("name");
    assertThat(http.post("sim/create_agent", Map.of("client_id", 987654)).code()).isEqualTo(404);
    Golden.assertMatches(
        "sim_settings.response.json",
        http.post("sim/settings", Golden.read("sim_settings.request.json")).body());
    assertThat(
            http.post("sim/settings", Map.of("cloudbackup_agent_s3_endpoint", "s3.example.com"))
                .code())
        .isEqualTo(400);
    Golden.assertMatches(
        "sim_run_watchdog.response.json", http.post("sim/run_watchdog", Map.of()).body());
    Golden.assertMatches(
        "sim_run_scheduler.response.json", http.post("sim/run_scheduler", Map.of()).body());
    assertThat(http.post("no_such_endpoint.php", Map.of()).code()).isEqualTo(404);
  }
}
