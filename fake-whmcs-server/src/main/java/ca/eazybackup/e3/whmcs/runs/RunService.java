package ca.eazybackup.e3.whmcs.runs;

import ca.eazybackup.e3.whmcs.db.Db;
import ca.eazybackup.e3.whmcs.db.Row;
import ca.eazybackup.e3.whmcs.db.Sql;
import ca.eazybackup.e3.whmcs.http.ApiException;
import ca.eazybackup.e3.whmcs.http.FieldLimits;
import ca.eazybackup.e3.whmcs.http.Json;
import ca.eazybackup.e3.whmcs.http.Params;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creating runs, the agent's progress and status updates, events, and the run listings. */
public final class RunService {
  private static final Logger LOG = LoggerFactory.getLogger(RunService.class);
  private static final List<String> LEVELS = List.of("info", "warn", "error");

  private final Db db;
  private final Clock clock;
  private final RunFinishedListener finished;

  public RunService(Db db, Clock clock, RunFinishedListener finished) {
    this.db = db;
    this.clock = clock;
    this.finished = finished;
  }

  /** Inserts a run for a job, bound to the job's agent, snapshotting engine and destination. */
  public static long insertRun(
      Sql sql,
      Row job,
      String runType,
      String trigger,
      String status,
      Instant now,
      Instant scheduledFor) {
    long id =
        sql.insert(
            "INSERT INTO s3_cloudbackup_runs (job_id, client_id, agent_id, run_type, trigger_type,"
                + " status, engine, dest_type, dest_bucket, dest_prefix, dest_local_path,"
                + " policy_snapshot, scheduled_for, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            job.lng("id"),
            job.lng("client_id"),
            job.lng("agent_id"),
            runType,
            trigger,
            status,
            job.str("engine"),
            job.str("dest_type"),
            job.str("dest_bucket"),
            job.str("dest_prefix"),
            job.str("dest_local_path"),
            job.str("policy_json"),
            scheduledFor,
            now,
            now);
    RunLog.write(
        sql,
        id,
        now,
        "info",
        "RUN_" + status.toUpperCase(java.util.Locale.ROOT),
        runType + " run " + status + " (" + trigger + ")");
    return id;
  }

  /** cloudbackup_start_run: a queued run bound to the job's agent. */
  public long startManualRun(Row job) {
    Instant now = clock.instant();
    return db.tx(
        sql -> {
          Optional<Row> active =
              sql.one(
                  "SELECT id FROM s3_cloudbackup_runs WHERE job_id = ? AND run_type = 'backup'"
                      + " AND status IN "
                      + RunStatus.ACTIVE_SQL,
                  job.lng("id"));
          if (active.isPresent()) {
            throw ApiException.conflict(
                "job "
                    + job.lng("id")
                    + " already has run "
                    + active.get().lng("id")
                    + " in progress");
          }
          return insertRun(sql, job, "backup", "manual", RunStatus.QUEUED, now, null);
        });
  }

  /** Legacy agent_start_run: a run created directly as starting, bound to the calling agent. */
  public long startLegacyRun(long agentId, Row job) {
    Instant now = clock.instant();
    return db.tx(
        sql -> {
          long id = insertRun(sql, job, "backup", "manual", RunStatus.STARTING, now, null);
          sql.update(
              "UPDATE s3_cloudbackup_runs SET agent_id = ?, started_at = ? WHERE id = ?",
              agentId,
              now,
              id);
          return id;
        });
  }

  /** The run if it belongs to this agent (run.agent_id, else the job's agent), else 404. */
  public Row ownedByAgent(long agentId, long runId) {
    Row run =
        db.one(
                "SELECT r.*, j.agent_id AS job_agent_id FROM s3_cloudbackup_runs r"
                    + " JOIN s3_cloudbackup_jobs j ON j.id = r.job_id WHERE r.id = ?",
                runId)
            .orElseThrow(() -> ApiException.notFound("run " + runId + " not found"));
    Long owner = run.lng("agent_id") != null ? run.lng("agent_id") : run.lng("job_agent_id");
    if (owner == null || owner != agentId) {
      throw ApiException.notFound("run " + runId + " not found");
    }
    return run;
  }

  /** What agent_update_run answers. */
  public record UpdateResult(String runStatus, boolean cancelRequested) {}

  public UpdateResult update(long agentId, Params p) {
    long runId = p.id("run_id");
    Row run = ownedByAgent(agentId, runId);
    if (RunStatus.isTerminal(run.str("status"))) {
      throw ApiException.conflict("run " + runId + " is already " + run.str("status"));
    }
    Instant now = clock.instant();
    Map<String, Object> set = new LinkedHashMap<>();
    Optional<String> status = p.optEnum("status", RunStatus.REPORTABLE);
    p.optDouble("progress_pct")
        .ifPresent(
            v -> {
              if (v < 0 || v > 100 || v.isNaN()) {
                throw ApiException.badRequest("progress_pct", "progress_pct must be 0..100");
              }
              set.put("progress_pct", Math.round(v * 100) / 100.0);
            });
    for (String f :
        List.of(
            "bytes_transferred",
            "bytes_total",
            "files_done",
            "files_total",
            "speed_bytes_per_sec")) {
      if (p.has(f)) {
        set.put(f, p.nonNegative(f, 0));
      }
    }
    p.optLong("eta_seconds")
        .ifPresent(
            v -> {
              if (v < -1) {
                throw ApiException.badRequest(
                    "eta_seconds", "eta_seconds must be -1 (unknown) or more");
              }
              set.put("eta_seconds", v);
            });
    for (String f : List.of("current_item", "log_ref", "error_summary", "manifest_id")) {
      if (p.present(f)) {
        set.put(f, p.optStr(f).orElse(null));
      }
    }
    for (String f : List.of("progress_json", "stats_json")) {
      if (p.present(f)) {
        set.put(f, p.optJsonObject(f).map(Json::write).orElse(null));
      }
    }
    status.ifPresent(
        s -> {
          set.put("status", s);
          if (RunStatus.isTerminal(s)) {
            set.put("finished_at", now);
          }
          if (run.time("started_at") == null) {
            set.put("started_at", now);
          }
        });
    set.put("updated_at", now);
    List<Object> args = new ArrayList<>(set.values());
    args.add(runId);
    String newStatus = status.orElse(run.str("status"));
    boolean done =
        db.tx(
            sql -> {
              int n =
                  sql.update(
                      "UPDATE s3_cloudbackup_runs SET "
                          + String.join(" = ?, ", set.keySet())
                          + " = ? WHERE id = ? AND status IN "
                          + RunStatus.ACTIVE_SQL,
                      args.toArray());
              if (n == 0) {
                return false;
              }
              if (status.isPresent() && !status.get().equals(run.str("status"))) {
                RunLog.write(
                    sql,
                    runId,
                    now,
                    RunStatus.FAILED.equals(status.get()) ? "error" : "info",
                    "RUN_" + status.get().toUpperCase(java.util.Locale.ROOT),
                    "agent "
                        + agentId
                        + " reported "
                        + status.get()
                        + p.optStr("error_summary").map(e -> ": " + e).orElse(""));
              }
              if (RunStatus.isTerminal(newStatus)) {
                // A cancel the agent never picked up is moot once the run has ended.
                sql.update(
                    "UPDATE s3_cloudbackup_run_commands SET status = 'completed', result_message = ?,"
                        + " completed_at = ?, updated_at = ? WHERE run_id = ? AND type = 'cancel'"
                        + " AND status = 'pending'",
                    "run ended as " + newStatus,
                    now,
                    now,
                    runId);
              }
              return true;
            });
    if (!done) {
      String actual =
          db.one("SELECT status FROM s3_cloudbackup_runs WHERE id = ?", runId)
              .map(r -> r.str("status"))
              .orElse("gone");
      throw ApiException.conflict("run " + runId + " is already " + actual);
    }
    if (RunStatus.isTerminal(newStatus)) {
      LOG.info("event=run_finished run_id={} agent_id={} status={}", runId, agentId, newStatus);
      finished.runFinished(runId);
    }
    boolean cancel =
        db.one(
                "SELECT id FROM s3_cloudbackup_run_commands WHERE run_id = ? AND type = 'cancel'"
                    + " AND status IN ('pending','delivered')",
                runId)
            .isPresent();
    return new UpdateResult(newStatus, cancel);
  }

  /** agent_push_events: stores new events, ignores (run_id, seq) pairs already stored. */
  public int pushEvents(long agentId, Params p) {
    long runId = p.id("run_id");
    ownedByAgent(agentId, runId);
    JsonNode events = p.node().get("events");
    if (events == null || !events.isArray()) {
      throw ApiException.badRequest("events", "events must be a list");
    }
    if (events.size() > 1000) {
      throw ApiException.badRequest("events", "at most 1000 events per request");
    }
    Instant now = clock.instant();
    List<Object[]> rows = new ArrayList<>();
    int i = 0;
    for (JsonNode e : events) {
      rows.add(eventRow(runId, "events[" + i + "]", e, now));
      i++;
    }
    // All or nothing: a batch with one bad event stores none, so the agent's resend is whole.
    return db.tx(
        sql -> {
          int accepted = 0;
          for (Object[] r : rows) {
            if (sql.insertIgnoringDuplicate(
                "INSERT INTO s3_cloudbackup_run_events (run_id, seq, ts, event_type, level, code,"
                    + " message, params_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                r)) {
              accepted++;
            }
          }
          return accepted;
        });
  }

  /** One event's row, every field checked; errors name the field as {@code events[i].field}. */
  private static Object[] eventRow(long runId, String at, JsonNode e, Instant now) {
    if (!e.isObject()) {
      throw ApiException.badRequest(at, at + " must be an object");
    }
    Params ep = Params.of(e);
    try {
      long seq = ep.id("seq");
      if (seq < 1) {
        throw ApiException.badRequest("seq", "seq must be 1 or more");
      }
      String level = ep.strOr("level", "info").toLowerCase(java.util.Locale.ROOT);
      if (!LEVELS.contains(level)) {
        throw ApiException.badRequest("level", "level must be info, warn or error");
      }
      Instant ts = ep.optInstant("ts").orElse(now);
      JsonNode params = e.get("params");
      String paramsJson =
          params == null || params.isNull()
              ? null
              : FieldLimits.checkTextBytes("params", Json.write(params));
      return new Object[] {
        runId,
        seq,
        ts,
        ep.strOr("type", ""),
        level,
        ep.strOr("code", ""),
        ep.strOr("message", ""),
        paramsJson,
        now
      };
    } catch (ApiException x) {
      String field = x.field() == null ? at : at + "." + x.field();
      throw ApiException.badRequest(field, at + ": " + x.getMessage());
    }
  }

  /** The client's run (404 for another client's). */
  public Row ownedByClient(long clientId, long runId) {
    return db.one(
            "SELECT r.*, j.name AS job_name FROM s3_cloudbackup_runs r JOIN s3_cloudbackup_jobs j"
                + " ON j.id = r.job_id WHERE r.id = ? AND r.client_id = ?",
            runId,
            clientId)
        .orElseThrow(() -> ApiException.notFound("run " + runId + " not found"));
  }

  public List<Map<String, Object>> listRuns(Long clientId, Long jobId, int limit) {
    StringBuilder q =
        new StringBuilder(
            "SELECT r.*, j.name AS job_name FROM s3_cloudbackup_runs r JOIN s3_cloudbackup_jobs j"
                + " ON j.id = r.job_id WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (clientId != null) {
      q.append(" AND r.client_id = ?");
      args.add(clientId);
    }
    if (jobId != null) {
      q.append(" AND r.job_id = ?");
      args.add(jobId);
    }
    q.append(" ORDER BY r.id DESC LIMIT ").append(limit);
    return db.query(q.toString(), args.toArray()).stream().map(RunService::runView).toList();
  }

  /** A run as client and admin listings show it (no secrets exist on runs). */
  public static Map<String, Object> runView(Row r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run_id", r.lng("id"));
    m.put("job_id", r.lng("job_id"));
    m.put("job_name", r.str("job_name"));
    m.put("agent_id", r.lng("agent_id"));
    m.put("run_type", r.str("run_type"));
    m.put("trigger_type", r.str("trigger_type"));
    m.put("status", r.str("status"));
    m.put("engine", r.str("engine"));
    m.put("dest_type", r.str("dest_type"));
    m.put("dest_bucket", r.str("dest_bucket"));
    m.put("dest_prefix", r.str("dest_prefix"));
    m.put("progress_pct", r.dbl("progress_pct"));
    m.put("bytes_transferred", r.lng("bytes_transferred"));
    m.put("bytes_total", r.lng("bytes_total"));
    m.put("files_done", r.lng("files_done"));
    m.put("files_total", r.lng("files_total"));
    m.put("speed_bytes_per_sec", r.lng("speed_bytes_per_sec"));
    m.put("eta_seconds", r.lng("eta_seconds"));
    m.put("current_item", r.str("current_item"));
    m.put("error_summary", r.str("error_summary"));
    m.put("manifest_id", r.str("manifest_id"));
    m.put("log_ref", r.str("log_ref"));
    m.put("stats_json", Json.parse(r.str("stats_json")));
    m.put("progress_json", Json.parse(r.str("progress_json")));
    m.put("source_run_id", r.lng("source_run_id"));
    m.put("scheduled_for", r.time("scheduled_for"));
    m.put("started_at", r.time("started_at"));
    m.put("finished_at", r.time("finished_at"));
    m.put("created_at", r.time("created_at"));
    m.put("updated_at", r.time("updated_at"));
    return m;
  }

  public List<Map<String, Object>> events(long runId, long afterSeq, int limit) {
    return db
        .query(
            "SELECT * FROM s3_cloudbackup_run_events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT "
                + limit,
            runId,
            afterSeq)
        .stream()
        .map(
            e -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("event_id", e.lng("id"));
              m.put("seq", e.lng("seq"));
              m.put("ts", e.time("ts"));
              m.put("type", e.str("event_type"));
              m.put("level", e.str("level"));
              m.put("code", e.str("code"));
              m.put("message", e.str("message"));
              m.put("params", Json.parse(e.str("params_json")));
              return m;
            })
        .toList();
  }

  public List<Map<String, Object>> logs(long runId, long afterId, int limit) {
    return db
        .query(
            "SELECT * FROM s3_cloudbackup_run_logs WHERE run_id = ? AND id > ? ORDER BY id LIMIT "
                + limit,
            runId,
            afterId)
        .stream()
        .map(
            e -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("log_id", e.lng("id"));
              m.put("ts", e.time("created_at"));
              m.put("level", e.str("level"));
              m.put("code", e.str("code"));
              m.put("message", e.str("message"));
              m.put("details", Json.parse(e.str("details_json")));
              return m;
            })
        .toList();
  }
}
