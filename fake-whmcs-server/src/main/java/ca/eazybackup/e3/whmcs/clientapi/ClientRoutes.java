package ca.eazybackup.e3.whmcs.clientapi;

import static ca.eazybackup.e3.whmcs.http.Api.ok;

import ca.eazybackup.e3.whmcs.agents.AgentDirectory;
import ca.eazybackup.e3.whmcs.db.Db;
import ca.eazybackup.e3.whmcs.db.Row;
import ca.eazybackup.e3.whmcs.http.Api;
import ca.eazybackup.e3.whmcs.http.ApiException;
import ca.eazybackup.e3.whmcs.http.Params;
import ca.eazybackup.e3.whmcs.jobs.JobService;
import ca.eazybackup.e3.whmcs.jobs.JobView;
import ca.eazybackup.e3.whmcs.nas.NasService;
import ca.eazybackup.e3.whmcs.runs.RunService;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The client-facing endpoints (header X-Client-Session); every query is scoped to the client. */
public final class ClientRoutes {
  private final Db db;
  private final Clock clock;
  private final JobService jobs;
  private final RunService runs;
  private final ClientCommands commands;
  private final BrowseRequests browse;
  private final NasService nas;

  public ClientRoutes(
      Db db,
      Clock clock,
      JobService jobs,
      RunService runs,
      ClientCommands commands,
      BrowseRequests browse,
      NasService nas) {
    this.db = db;
    this.clock = clock;
    this.jobs = jobs;
    this.runs = runs;
    this.commands = commands;
    this.browse = browse;
    this.nas = nas;
  }

  public void register(Api api) {
    api.client("cloudbackup_create_job.php", (c, p, x) -> ok("job_id", jobs.create(c, p)));
    api.client("cloudbackup_update_job.php", this::updateJob);
    api.client("cloudbackup_list_jobs.php", this::listJobs);
    api.client(
        "cloudbackup_start_run.php",
        (c, p, x) -> ok("run_id", runs.startManualRun(jobs.owned(c, p.id("job_id")))));
    api.client("cloudbackup_list_runs.php", this::listRuns);
    api.client("cloudbackup_get_run_events.php", this::runEvents);
    api.client("cloudbackup_get_run_logs.php", this::runLogs);
    api.client(
        "cloudbackup_request_command.php",
        (c, p, x) -> ok("command_id", commands.request(c, p, false)));
    api.client("cloudbackup_start_restore.php", (c, p, x) -> commands.startRestore(c, p));
    api.client("cloudbackup_list_snapshots.php", this::listSnapshots);
    api.clientAsync("agent_browse_filesystem.php", this::browse);
    api.client("agent_list.php", this::agentList);
    api.client("bucket_list.php", this::bucketList);
    api.client("cloudnas_list_mounts.php", (c, p, x) -> ok("mounts", nas.list(c)));
    api.client("cloudnas_create_mount.php", (c, p, x) -> ok("mount_id", nas.create(c, p)));
    api.client("cloudnas_mount.php", (c, p, x) -> ok("command_id", nas.mount(c, p.id("mount_id"))));
    api.client(
        "cloudnas_unmount.php", (c, p, x) -> ok("command_id", nas.unmount(c, p.id("mount_id"))));
    api.client(
        "cloudnas_delete_mount.php",
        (c, p, x) -> ok("unmount_command_id", nas.delete(c, p.id("mount_id"))));
    api.client("cloudnas_settings.php", this::nasSettings);
    api.client(
        "cloudnas_mount_snapshot.php",
        (c, p, x) -> {
          Map<String, Object> r = nas.mountSnapshot(c, p);
          return ok("mount_id", r.get("mount_id"), "command_id", r.get("command_id"));
        });
  }

  private Map<String, Object> updateJob(long clientId, Params p, Context ctx) {
    long jobId = p.id("job_id");
    jobs.update(clientId, jobId, p);
    return ok("job_id", jobId);
  }

  private Map<String, Object> listJobs(long clientId, Params p, Context ctx) {
    return ok(
        "jobs",
        db
            .query("SELECT * FROM s3_cloudbackup_jobs WHERE client_id = ? ORDER BY id", clientId)
            .stream()
            .map(JobView::of)
            .toList());
  }

  private static int limit(Params p) {
    long l = p.optLong("limit").orElse(100L);
    if (l < 1 || l > 1000) {
      throw ApiException.badRequest("limit", "limit must be 1..1000");
    }
    return (int) l;
  }

  private Map<String, Object> listRuns(long clientId, Params p, Context ctx) {
    Long jobId = p.optLong("job_id").orElse(null);
    if (jobId != null) {
      jobs.owned(clientId, jobId);
    }
    return ok("runs", runs.listRuns(clientId, jobId, limit(p)));
  }

  private Map<String, Object> runEvents(long clientId, Params p, Context ctx) {
    Row run = runs.ownedByClient(clientId, p.id("run_id"));
    long after = p.optLong("after_seq").orElse(0L);
    return ok(
        "run_id", run.lng("id"),
        "run_status", run.str("status"),
        "events",
            runs.events(
                run.lng("id"),
                after,
                p.optLong("limit").filter(l -> l > 0 && l <= 5000).orElse(1000L).intValue()));
  }

  private Map<String, Object> runLogs(long clientId, Params p, Context ctx) {
    Row run = runs.ownedByClient(clientId, p.id("run_id"));
    long after = p.optLong("after_id").orElse(0L);
    return ok(
        "run_id", run.lng("id"),
        "run_status", run.str("status"),
        "log_ref", run.str("log_ref"),
        "logs", runs.logs(run.lng("id"), after, 1000));
  }

  private Map<String, Object> listSnapshots(long clientId, Params p, Context ctx) {
    long jobId = p.id("job_id");
    jobs.owned(clientId, jobId);
    List<Map<String, Object>> snaps =
        db
            .query(
                "SELECT * FROM s3_cloudbackup_runs WHERE job_id = ? AND run_type = 'backup' AND"
                    + " manifest_id IS NOT NULL AND status IN ('success','warning') ORDER BY id DESC",
                jobId)
            .stream()
            .map(
                r -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("run_id", r.lng("id"));
                  m.put("manifest_id", r.str("manifest_id"));
                  Instant t =
                      r.time("finished_at") != null ? r.time("finished_at") : r.time("updated_at");
                  m.put("time", t);
                  m.put(
                      "size_bytes",
                      Math.max(r.lng("bytes_total", 0), r.lng("bytes_transferred", 0)));
                  m.put("file_count", Math.max(r.lng("files_total", 0), r.lng("files_done", 0)));
                  m.put("status", r.str("status"));
                  return m;
                })
            .toList();
    return ok("job_id", jobId, "snapshots", snaps);
  }

  private CompletableFuture<Map<String, Object>> browse(long clientId, Params p, Context ctx) {
    return browse
        .browse(clientId, p.id("agent_id"), p.strOr("path", ""))
        .thenApply(result -> ok("result", result));
  }

  private Map<String, Object> agentList(long clientId, Params p, Context ctx) {
    return ok("agents", AgentDirectory.ofClient(db, clock, clientId));
  }

  private Map<String, Object> bucketList(long clientId, Params p, Context ctx) {
    return ok(
        "buckets",
        db
            .query(
                "SELECT id, name, created_at FROM s3_buckets WHERE client_id = ? ORDER BY name",
                clientId)
            .stream()
            .map(
                b -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("bucket_id", b.lng("id"));
                  m.put("name", b.str("name"));
                  m.put("created_at", b.time("created_at"));
                  return m;
                })
            .toList());
  }

  private Map<String, Object> nasSettings(long clientId, Params p, Context ctx) {
    boolean save = "POST".equalsIgnoreCase(ctx.method().name()) && !p.node().isEmpty();
    return ok("settings", save ? nas.saveSettings(clientId, p) : nas.settings(clientId));
  }
}
