package ca.eazybackup.e3.whmcs.commands;

import ca.eazybackup.e3.whmcs.crypto.SecretBox;
import ca.eazybackup.e3.whmcs.db.AddonSettings;
import ca.eazybackup.e3.whmcs.db.Db;
import ca.eazybackup.e3.whmcs.db.Row;
import ca.eazybackup.e3.whmcs.db.Sql;
import ca.eazybackup.e3.whmcs.http.ApiException;
import ca.eazybackup.e3.whmcs.http.Json;
import ca.eazybackup.e3.whmcs.jobs.JobContext;
import ca.eazybackup.e3.whmcs.runs.RunFinishedListener;
import ca.eazybackup.e3.whmcs.runs.RunLog;
import ca.eazybackup.e3.whmcs.runs.RunStatus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * s3_cloudbackup_run_commands: pending → delivered (when the agent polls) → completed/failed (when
 * it reports). A delivered command is also acknowledged once the agent has it on disk; one never
 * acknowledged is handed out again (see {@link CommandRedelivery}). Secrets are never stored in a
 * payload: NAS credentials and repository passwords are added, decrypted, only when the owning
 * agent polls.
 */
public final class CommandService {
  public static final List<String> TYPES =
      List.of(
          "cancel",
          "maintenance_quick",
          "maintenance_full",
          "verify",
          "restore",
          "browse_directory",
          "nas_mount",
          "nas_unmount",
          "nas_mount_snapshot",
          "snapshot_browse",
          "snapshot_diff");
  private static final Logger LOG = LoggerFactory.getLogger(CommandService.class);

  private final Db db;
  private final Clock clock;
  private final JobContext jobs;
  private final SecretBox box;
  private final AddonSettings settings;
  private final RunFinishedListener finished;
  private final CommandRedelivery redelivery;

  /**
   * @param ackLease how long a delivered command may wait for the agent's acknowledgement before it
   *     counts as lost with the agent (the reclaim grace: a live agent acknowledges within a poll)
   */
  public CommandService(
      Db db,
      Clock clock,
      JobContext jobs,
      SecretBox box,
      AddonSettings settings,
      RunFinishedListener finished,
      Duration ackLease) {
    this.redelivery = new CommandRedelivery(db, ackLease);
    this.db = db;
    this.clock = clock;
    this.jobs = jobs;
    this.box = box;
    this.settings = settings;
    this.finished = finished;
  }

  public static long enqueue(
      Sql sql,
      Instant now,
      long clientId,
      long agentId,
      Long runId,
      Long jobId,
      String type,
      Object payload) {
    long id =
        sql.insert(
            "INSERT INTO s3_cloudbackup_run_commands (run_id, job_id, agent_id, client_id, type,"
                + " payload_json, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?,"
                + " 'pending', ?, ?)",
            runId,
            jobId,
            agentId,
            clientId,
            type,
            Json.write(payload == null ? Map.of() : payload),
            now,
            now);
    LOG.info(
        "event=command_queued command_id={} type={} agent_id={} run_id={}",
        id,
        type,
        agentId,
        runId);
    return id;
  }

  public long enqueue(
      long clientId, long agentId, Long runId, Long jobId, String type, Object payload) {
    Instant now = clock.instant();
    return db.tx(sql -> enqueue(sql, now, clientId, agentId, runId, jobId, type, payload));
  }

  /**
   * agent_poll_pending_commands: the agent's commands lost unacknowledged, then its pending ones,
   * oldest first, now delivered.
   */
  public List<Map<String, Object>> poll(long agentId) {
    List<Map<String, Object>> out = new ArrayList<>();
    Instant now = clock.instant();
    for (Row c : redelivery.takeLost(agentId, now)) {
      out.add(view(c));
    }
    List<Row> pending =
        db.query(
            "SELECT * FROM s3_cloudbackup_run_commands WHERE agent_id = ? AND status = 'pending'"
                + " ORDER BY id LIMIT 50",
            agentId);
    for (Row c : pending) {
      int n =
          db.update(
              "UPDATE s3_cloudbackup_run_commands SET status = 'delivered', delivered_at = ?,"
                  + " deliveries = 1, updated_at = ? WHERE id = ? AND status = 'pending'",
              now,
              now,
              c.lng("id"));
      if (n == 1) {
        out.add(view(c));
      }
    }
    return out;
  }

  /**
   * agent_ack_commands: the agent has these commands in its journal (it runs each, or reports it
   * after a restart), so none of them is handed out again. Ids not the agent's, or not delivered,
   * are ignored (a repeated acknowledgement changes nothing). Returns how many were new.
   */
  public int acknowledge(long agentId, List<Long> commandIds) {
    Instant now = clock.instant();
    int n = 0;
    for (long id : commandIds) {
      n +=
          db.update(
              "UPDATE s3_cloudbackup_run_commands SET acknowledged_at = ?, updated_at = ? WHERE id"
                  + " = ? AND agent_id = ? AND acknowledged_at IS NULL AND status <> 'pending'",
              now,
              now,
              id,
              agentId);
    }
    LOG.info("event=commands_acknowledged agent_id={} ids={} new={}", agentId, commandIds, n);
    return n;
  }

  private Map<String, Object> view(Row c) {
    String type = c.str("type");
    JsonNode payload = Json.parse(c.str("payload_json"));
    ObjectNode p = payload instanceof ObjectNode o ? o : Json.MAPPER.createObjectNode();
    Map<String, Object> job = null;
    Long jobId = c.lng("job_id");
    Long runId = c.lng("run_id");
    switch (type) {
      case "restore" -> {
        Optional<Row> run = db.one("SELECT * FROM s3_cloudbackup_runs WHERE id = ?", runId);
        Optional<Row> j = jobs.job(jobId);
        if (run.isPresent() && j.isPresent()) {
          job = jobs.forRun(run.get(), j.get(), false);
        }
      }
      case "maintenance_quick", "maintenance_full", "verify", "snapshot_browse", "snapshot_diff" ->
          job = jobs.job(jobId).map(j -> jobs.forJob(j, true)).orElse(null);
      case "nas_mount", "nas_mount_snapshot" -> addNasSecrets(p, type);
      default -> {}
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command_id", c.lng("id"));
    m.put("type", type);
    m.put("run_id", runId);
    m.put("job_id", jobId);
    m.put("payload", p);
    m.put("job", job);
    return m;
  }

  /**
   * Adds what the agent needs to reach the mount's bucket (endpoint, decrypted keys, region) to a
   * NAS payload; for {@code agent_list_mounts} as for the commands.
   */
  public void addNasSecrets(ObjectNode p, String type) {
    Optional<Row> mount =
        db.one("SELECT * FROM s3_cloudnas_mounts WHERE id = ?", p.path("mount_id").asLong());
    Optional<Row> bucket =
        mount.flatMap(
            m ->
                db.one(
                    "SELECT * FROM s3_buckets WHERE name = ? AND client_id = ?",
                    m.str("bucket_name"),
                    m.lng("client_id")));
    p.put("endpoint", settings.s3Endpoint());
    p.put("access_key", bucket.map(b -> box.decrypt(b.str("access_key_enc"))).orElse(""));
    p.put("secret_key", bucket.map(b -> box.decrypt(b.str("secret_key_enc"))).orElse(""));
    p.put("region", settings.s3Region());
    if ("nas_mount_snapshot".equals(type)) {
      String pw =
          jobs.job(p.path("job_id").asLong())
              .map(j -> box.decrypt(j.str("repository_password_enc")))
              .orElse(null);
      p.put("repository_password", pw);
    }
  }

  /** The agent's command, or 404. */
  public Row ownedByAgent(long agentId, long commandId) {
    return db.one(
            "SELECT * FROM s3_cloudbackup_run_commands WHERE id = ? AND agent_id = ?",
            commandId,
            agentId)
        .orElseThrow(() -> ApiException.notFound("command " + commandId + " not found"));
  }

  /** agent_complete_command / agent_report_browse: pending|delivered → completed|failed. */
  public void complete(long agentId, long commandId, boolean ok, String resultMessage) {
    Row c = ownedByAgent(agentId, commandId);
    Instant now = clock.instant();
    String status = ok ? "completed" : "failed";
    boolean restoreFailed =
        db.tx(
            sql -> {
              int n =
                  sql.update(
                      "UPDATE s3_cloudbackup_run_commands SET status = ?, result_message = ?,"
                          + " completed_at = ?, updated_at = ? WHERE id = ? AND status IN"
                          + " ('pending','delivered')",
                      status,
                      resultMessage,
                      now,
                      now,
                      commandId);
              if (n == 0) {
                throw ApiException.conflict(
                    "command "
                        + commandId
                        + " is already "
                        + sql.one(
                                "SELECT status FROM s3_cloudbackup_run_commands WHERE id = ?",
                                commandId)
                            .map(r -> r.str("status"))
                            .orElse("gone"));
              }
              // A restore that fails before it reported anything must not leave its run queued.
              if (!ok && "restore".equals(c.str("type")) && c.lng("run_id") != null) {
                int m =
                    sql.update(
                        "UPDATE s3_cloudbackup_runs SET status = 'failed', error_summary = ?,"
                            + " finished_at = ?, updated_at = ? WHERE id = ? AND status IN "
                            + RunStatus.ACTIVE_SQL,
                        resultMessage,
                        now,
                        now,
                        c.lng("run_id"));
                if (m == 1) {
                  RunLog.write(
                      sql,
                      c.lng("run_id"),
                      now,
                      "error",
                      "RESTORE_FAILED",
                      String.valueOf(resultMessage));
                  return true;
                }
              }
              return false;
            });
    LOG.info(
        "event=command_{} command_id={} type={} agent_id={}",
        status,
        commandId,
        c.str("type"),
        agentId);
    if (restoreFailed) {
      finished.runFinished(c.lng("run_id"));
    }
  }

  /** The command's row, for the short-poll of agent_browse_filesystem. */
  public Optional<Row> find(long commandId) {
    return db.one("SELECT * FROM s3_cloudbackup_run_commands WHERE id = ?", commandId);
  }

  /** Gives up on a browse the agent did not answer in time (its late report then gets 409). */
  public boolean expire(long commandId, String message) {
    Instant now = clock.instant();
    return db.update(
            "UPDATE s3_cloudbackup_run_commands SET status = 'failed', result_message = ?,"
                + " completed_at = ?, updated_at = ? WHERE id = ? AND status IN ('pending','delivered')",
            message,
            now,
            now,
            commandId)
        == 1;
  }
}
