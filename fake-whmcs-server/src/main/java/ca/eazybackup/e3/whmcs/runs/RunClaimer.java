package ca.eazybackup.e3.whmcs.runs;

import ca.eazybackup.e3.whmcs.db.Db;
import ca.eazybackup.e3.whmcs.db.Row;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * agent_next_run's decision: first the agent's own stale run (reclaim: no heartbeat for longer than
 * the grace but not yet past the watchdog cutoff), else the oldest queued backup run bound to the
 * agent. Both moves are single conditional UPDATEs, so two pollers can never get one run.
 */
public final class RunClaimer {
  private static final Logger LOG = LoggerFactory.getLogger(RunClaimer.class);
  private static final int CANDIDATES = 5;

  private final Db db;
  private final Clock clock;
  private final Duration grace;
  private final Duration watchdogTimeout;

  public RunClaimer(Db db, Clock clock, Duration grace, Duration watchdogTimeout) {
    this.db = db;
    this.clock = clock;
    this.grace = grace;
    this.watchdogTimeout = watchdogTimeout;
  }

  /** A run handed to an agent. */
  public record Claim(long runId, boolean reclaimed) {}

  public Optional<Claim> next(long agentId, String hostname) {
    Instant now = clock.instant();
    Optional<Claim> reclaimed = reclaim(agentId, now);
    if (reclaimed.isPresent()) {
      return reclaimed;
    }
    List<Row> queued =
        oldestFirst(
            db.query(
                "SELECT id FROM s3_cloudbackup_runs WHERE status = 'queued' AND agent_id = ? AND"
                    + " run_type = 'backup' ORDER BY id LIMIT "
                    + CANDIDATES,
                agentId),
            db.query(
                "SELECT r.id FROM s3_cloudbackup_runs r WHERE r.status = 'queued' AND r.agent_id"
                    + " IS NULL AND r.run_type = 'backup' AND r.job_id IN (SELECT j.id FROM"
                    + " s3_cloudbackup_jobs j WHERE j.agent_id = ?) ORDER BY r.id LIMIT "
                    + CANDIDATES,
                agentId));
    for (Row r : queued) {
      long runId = r.lng("id");
      int n =
          db.update(
              "UPDATE s3_cloudbackup_runs SET status = 'starting', agent_id = ?, worker_host = ?,"
                  + " started_at = ?, updated_at = ? WHERE id = ? AND status = 'queued'",
              agentId,
              hostname,
              now,
              now,
              runId);
      if (n == 1) {
        db.auto(
            sql -> {
              RunLog.write(sql, runId, now, "info", "RUN_CLAIMED", "claimed by agent " + agentId);
              return null;
            });
        LOG.info("event=run_claimed run_id={} agent_id={}", runId, agentId);
        return Optional.of(new Claim(runId, false));
      }
    }
    return Optional.empty();
  }

  private Optional<Claim> reclaim(long agentId, Instant now) {
    Instant graceCutoff = now.minus(grace);
    Instant watchdogCutoff = now.minus(watchdogTimeout);
    String staleWithStatus =
        "SELECT id, updated_at FROM s3_cloudbackup_runs WHERE status = ? AND agent_id = ? AND"
            + " run_type = 'backup' AND updated_at < ? AND updated_at >= ? ORDER BY id LIMIT "
            + CANDIDATES;
    List<Row> stale =
        oldestFirst(
            db.query(staleWithStatus, RunStatus.STARTING, agentId, graceCutoff, watchdogCutoff),
            db.query(staleWithStatus, RunStatus.RUNNING, agentId, graceCutoff, watchdogCutoff));
    for (Row r : stale) {
      long runId = r.lng("id");
      // Conditional on the heartbeat we saw: a concurrent poll or heartbeat wins, we move on.
      int n =
          db.update(
              "UPDATE s3_cloudbackup_runs SET updated_at = ? WHERE id = ? AND updated_at = ? AND"
                  + " status IN ('starting','running')",
              now,
              runId,
              r.get("updated_at"));
      if (n == 1) {
        db.auto(
            sql -> {
              RunLog.write(
                  sql,
                  runId,
                  now,
                  "warn",
                  "AGENT_RECLAIMED",
                  "run handed back to agent " + agentId);
              return null;
            });
        LOG.info("event=run_reclaimed run_id={} agent_id={}", runId, agentId);
        return Optional.of(new Claim(runId, true));
      }
    }
    return Optional.empty();
  }

  /**
   * The lowest ids of two candidate lists. The lookups are split because H2 turns "status IN (...)"
   * or an OR into a walk over every active run of every agent (only "status = ? AND agent_id = ?"
   * is an exact index probe there), and it re-parses a UNION on every execution.
   */
  private static List<Row> oldestFirst(List<Row> a, List<Row> b) {
    if (b.isEmpty()) {
      return a;
    }
    if (a.isEmpty()) {
      return b;
    }
    List<Row> all = new ArrayList<>(a);
    all.addAll(b);
    all.sort(Comparator.comparingLong(r -> r.lng("id")));
    return all.subList(0, Math.min(CANDIDATES, all.size()));
  }
}
