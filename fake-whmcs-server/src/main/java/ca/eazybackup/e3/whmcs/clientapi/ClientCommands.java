package ca.eazybackup.e3.whmcs.clientapi;

import static ca.eazybackup.e3.whmcs.http.Api.ok;

import ca.eazybackup.e3.whmcs.commands.CommandService;
import ca.eazybackup.e3.whmcs.db.Db;
import ca.eazybackup.e3.whmcs.db.Row;
import ca.eazybackup.e3.whmcs.http.ApiException;
import ca.eazybackup.e3.whmcs.http.FieldLimits;
import ca.eazybackup.e3.whmcs.http.Json;
import ca.eazybackup.e3.whmcs.http.Params;
import ca.eazybackup.e3.whmcs.runs.RunFinishedListener;
import ca.eazybackup.e3.whmcs.runs.RunLog;
import ca.eazybackup.e3.whmcs.runs.RunService;
import ca.eazybackup.e3.whmcs.runs.RunStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * cloudbackup_request_command, admin_cloudbackup_request_command and cloudbackup_start_restore:
 * which commands a client (or an admin) may queue, for which agent.
 */
public final class ClientCommands {
  private static final List<String> REQUESTABLE =
      List.of(
          "cancel",
          "maintenance_quick",
          "maintenance_full",
          "verify",
          "snapshot_browse",
          "snapshot_diff");
  private static final List<String> OVERWRITE =
      List.of("always", "if-newer", "if-changed", "never", "skip", "rename");

  private final Db db;
  private final Clock clock;
  private final RunFinishedListener finished;

  public ClientCommands(Db db, Clock clock, RunFinishedListener finished) {
    this.db = db;
    this.clock = clock;
    this.finished = finished;
  }

  /**
   * Queues cancel (run_id), maintenance (job_id) or a Time Machine question about a job's snapshots
   * (job_id plus {@link #commandPayload}). With {@code admin} true, any client's objects are
   * reachable.
   */
  public long request(long clientId, Params p, boolean admin) {
    String type = p.enumValue("type", REQUESTABLE);
    if ("cancel".equals(type)) {
      long runId = p.id("run_id");
      Row run =
          db.one(
                  "SELECT r.*, j.agent_id AS job_agent_id FROM s3_cloudbackup_runs r JOIN"
                      + " s3_cloudbackup_jobs j ON j.id = r.job_id WHERE r.id = ?"
                      + (admin ? "" : " AND r.client_id = " + clientId),
                  runId)
              .orElseThrow(() -> ApiException.notFound("run " + runId + " not found"));
      if (RunStatus.isTerminal(run.str("status"))) {
        throw ApiException.conflict("run " + runId + " is already " + run.str("status"));
      }
      Long agentId = run.lng("agent_id") != null ? run.lng("agent_id") : run.lng("job_agent_id");
      Instant now = clock.instant();
      boolean cancelledInQueue =
          RunStatus.QUEUED.equals(run.str("status")) && "backup".equals(run.str("run_type"));
      long id =
          db.tx(
              sql -> {
                long cmd =
                    CommandService.enqueue(
                        sql,
                        now,
                        run.lng("client_id"),
                        agentId,
                        runId,
                        run.lng("job_id"),
                        "cancel",
                        Map.of());
                if (cancelledInQueue
                    && sql.update(
                            "UPDATE s3_cloudbackup_runs SET status = 'cancelled', finished_at = ?,"
                                + " updated_at = ? WHERE id = ? AND status = 'queued'",
                            now,
                            now,
                            runId)
                        == 1) {
                  // Nobody holds a queued run: cancel it here, and the command is already done.
                  sql.update(
                      "UPDATE s3_cloudbackup_run_commands SET status = 'completed', result_message ="
                          + " 'cancelled before an agent claimed it', completed_at = ?, updated_at = ?"
                          + " WHERE id = ?",
                      now,
                      now,
                      cmd);
                  RunLog.write(sql, runId, now, "info", "RUN_CANCELLED", "cancelled while queued");
                }
                return cmd;
              });
      if (cancelledInQueue) {
        finished.runFinished(runId);
      }
      return id;
    }
    long jobId = p.id("job_id");
    Row job =
        db.one(
                "SELECT * FROM s3_cloudbackup_jobs WHERE id = ?"
                    + (admin ? "" : " AND client_id = " + clientId),
                jobId)
            .orElseThrow(() -> ApiException.notFound("job " + jobId + " not found"));
    if (!"kopia".equals(job.str("engine"))) {
      throw ApiException.badRequest("type", type + " applies only to kopia jobs");
    }
    if (job.lng("agent_id") == null) {
      throw ApiException.badRequest("job_id", "job " + jobId + " has no agent");
    }
    Map<String, Object> payload = commandPayload(type, p);
    return db.tx(
        sql ->
            CommandService.enqueue(
                sql,
                clock.instant(),
                job.lng("client_id"),
                job.lng("agent_id"),
                null,
                jobId,
                type,
                payload));
  }

  /**
   * snapshot_browse: {@code manifest_id}, {@code path} ("" = the snapshot's root), {@code offset}
   * (paging by 1,000); snapshot_diff: {@code from_manifest_id}, {@code to_manifest_id}; verify:
   * {@code read_data_percent}. Empty for the other types.
   */
  static Map<String, Object> commandPayload(String type, Params p) {
    return switch (type) {
      case "verify" -> Map.of("read_data_percent", readDataPercent(p));
      case "snapshot_browse" ->
          Map.of(
              "manifest_id", manifestId(p, "manifest_id"),
              "path", p.strOr("path", ""),
              "offset", p.nonNegative("offset", 0));
      case "snapshot_diff" ->
          Map.of(
              "from_manifest_id", manifestId(p, "from_manifest_id"),
              "to_manifest_id", manifestId(p, "to_manifest_id"));
      default -> Map.of();
    };
  }

  /** The share of packs the agent reads back whole and decrypts (0: structure only). */
  private static long readDataPercent(Params p) {
    long pct = p.nonNegative("read_data_percent", 0);
    if (pct > 100) {
      throw ApiException.badRequest("read_data_percent", "must be from 0 to 100");
    }
    return pct;
  }

  private static String manifestId(Params p, String field) {
    String id = p.str(field).trim();
    if (!id.matches("[0-9a-f]{8,64}")) {
      throw ApiException.badRequest(field, field + " must be a snapshot manifest id (hex)");
    }
    return id;
  }

  /** cloudbackup_start_restore: a restore run for progress plus the restore command. */
  public Map<String, Object> startRestore(long clientId, Params p) {
    long sourceRunId = p.id("run_id");
    Row source =
        db.one(
                "SELECT * FROM s3_cloudbackup_runs WHERE id = ? AND client_id = ? AND run_type = 'backup'",
                sourceRunId,
                clientId)
            .orElseThrow(() -> ApiException.notFound("run " + sourceRunId + " not found"));
    if (!List.of(RunStatus.SUCCESS, RunStatus.WARNING).contains(source.str("status"))) {
      throw ApiException.badRequest(
          "run_id",
          "run "
              + sourceRunId
              + " is "
              + source.str("status")
              + "; only finished backups can be restored");
    }
    Row job =
        db.one("SELECT * FROM s3_cloudbackup_jobs WHERE id = ?", source.lng("job_id"))
            .orElseThrow();
    String target = FieldLimits.checkNoParentSegments("target_path", p.str("target_path").trim());
    List<String> paths = p.optStringList("paths").orElse(List.of());
    for (String s : paths) {
      if (s.contains("..")) {
        throw ApiException.badRequest("paths", "paths must not contain '..'");
      }
    }
    FieldLimits.checkTextBytes("paths", Json.write(paths));
    String overwrite = p.optEnum("overwrite", OVERWRITE).orElse("if-changed");
    boolean deleteExtra = p.bool("delete_extra", false);
    String manifestId =
        p.optStr("manifest_id").filter(s -> !s.isBlank()).orElse(source.str("manifest_id"));
    if ("kopia".equals(source.str("engine")) && manifestId == null) {
      throw ApiException.badRequest(
          "manifest_id", "run " + sourceRunId + " has no snapshot manifest to restore");
    }
    long agentId = job.lng("agent_id");
    if (p.has("agent_id")) {
      agentId = p.id("agent_id");
      long a = agentId;
      var unused =
          db.one("SELECT id FROM s3_cloudbackup_agents WHERE id = ? AND client_id = ?", a, clientId)
              .orElseThrow(() -> new ApiException(404, "agent " + a + " not found", "agent_id"));
    }
    long restoreAgent = agentId;
    Instant now = clock.instant();
    return db.tx(
        sql -> {
          long restoreRunId =
              RunService.insertRun(sql, job, "restore", "manual", RunStatus.QUEUED, now, null);
          sql.update(
              "UPDATE s3_cloudbackup_runs SET agent_id = ?, source_run_id = ?, manifest_id = ?,"
                  + " engine = ?, dest_bucket = ?, dest_prefix = ? WHERE id = ?",
              restoreAgent,
              sourceRunId,
              manifestId,
              source.str("engine"),
              source.str("dest_bucket"),
              source.str("dest_prefix"),
              restoreRunId);
          Map<String, Object> payload = new LinkedHashMap<>();
          payload.put("restore_run_id", restoreRunId);
          payload.put("source_run_id", sourceRunId);
          payload.put("manifest_id", manifestId);
          payload.put("target_path", target);
          payload.put("paths", paths);
          payload.put("overwrite", overwrite);
          payload.put("delete_extra", deleteExtra);
          long cmd =
              CommandService.enqueue(
                  sql,
                  now,
                  clientId,
                  restoreAgent,
                  restoreRunId,
                  job.lng("id"),
                  "restore",
                  payload);
          return ok("restore_run_id", restoreRunId, "command_id", cmd);
        });
  }
}
