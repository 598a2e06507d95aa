package ca.eazybackup.e3.whmcs.runs;

import ca.eazybackup.e3.whmcs.db.Db;
import ca.eazybackup.e3.whmcs.db.Row;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * agent_next_run's decision: first the agent's own stale run (reclaim: no heartbeat for longer than
 * the grace but not yet past the watchdog cutoff), else the oldest queued backup run bound to the
 * agent. Both moves are single conditional UPDATEs, so two pollers can never get one run.
 *
 * <p>A restore cannot be handed back (the agent keeps no copy of the job's secrets and restores
 * come as commands), so the poll also ends restores its agent abandoned: see {@link
 * #failAbandonedRestores}.
 */
public final class RunClaimer {
  private static final Logger LOG = LoggerFactory.getLogger(RunClaimer.class);
  private static final int CANDIDATES = 5;

  private final Db db;
  private final Clock clock;
  private final Duration grace;
  private final Duration watchdogTimeout;

  /** What a restore run and its command say when the addon ends them for an agent that is back. */
  public static final String AGENT_RESTARTED =
      "AGENT_RESTARTED: the agent is back but no longer runs this restore (it was killed or"
          + " restarted while the restore ran); start the restore again";

  private final RunFinishedListener finished;

  /**
   * When each agent's unbroken series of agent_next_run polls began (no gap longer than half the
   * grace). In memory: after an addon restart every series starts anew, which only delays {@link
   * #failAbandonedRestores}.
   */
  private final Map<Long, Instant[]> pollSeries = new ConcurrentHashMap<>();

  public RunClaimer(
      Db db, Clock clock, Duration grace, Duration watchdogTimeout, RunFinishedListener finished) {
    this.db = db;
    this.clock = clock;
    this.grace = grace;
    this.watchdogTimeout = watchdogTimeout;
    this.finished = finished;
  }

  /** A run handed to an agent. */
  public record Claim(long runId, boolean reclaimed) {}

  public Optional<Claim> next(long agentId, String hostname) {
    Instant now = clock.instant();
    failAbandonedRestores(agentId, now, pollSeriesStart(agentId, now));
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

  private Instant pollSeriesStart(long agentId, Instant now) {
    Duration maxGap = grace.dividedBy(2);
    Instant[] series =
        pollSeries.compute(
            agentId,
            (id, s) ->
                s == null || Duration.between(s[1], now).compareTo(maxGap) > 0
                    ? new Instant[] {now, now}
                    : new Instant[] {s[0], now});
    return series[0];
  }

  /**
   * Fails the agent's restore runs it no longer runs: the restore's command was delivered more than
   * the grace ago, the run has had no update for the grace, and the agent has polled all through
   * that grace without a gap. A live restore heartbeats (also while it waits for its repository),
   * so an agent that polls but does not heartbeat it came back without it — killed before it could
   * record the restore, or its state lost; an agent that kept its record reports the restore failed
   * itself within a poll of starting. The gap rule keeps an addon outage longer than the grace from
   * failing a restore that is still running: after the outage the series starts again, and the
   * restore's heartbeat arrives long before another grace has passed. The run fails with {@link
   * #AGENT_RESTARTED} (log code {@code AGENT_RESTARTED}) and its command with the same text, so
   * neither waits for the watchdog (a run still {@code queued} the watchdog never ends, a command
   * {@code delivered} nothing ends).
   */
  private void failAbandonedRestores(long agentId, Instant now, Instant seriesStart) {
    Instant cutoff = now.minus(grace);
    if (seriesStart.isAfter(cutoff)) {
      return;
    }
    List<Row> delivered =
        db.query(
            "SELECT id, run_id FROM s3_cloudbackup_run_commands WHERE agent_id = ? AND status ="
                + " 'delivered' AND type = 'restore' AND delivered_at < ? ORDER BY id LIMIT "
                + CANDIDATES,
            agentId,
            cutoff);
    for (Row c : delivered) {
      Long runId = c.lng("run_id");
      if (runId == null) {
        continue;
      }
      boolean failed =
          db.tx(
              sql -> {
                int n =
                    sql.update(
                        "UPDATE s3_cloudbackup_runs SET status = 'failed', error_summary = ?,"
                            + " finished_at = ?, updated_at = ? WHERE id = ? AND status IN "
                            + RunStatus.ACTIVE_SQL
                            + " AND updated_at < ?",
                        AGENT_RESTARTED,
                        now,
                        now,
                        runId,
                        cutoff);
                if (n == 0) {
                  return false; // alive after all, or already ended by the agent's own report
                }
                sql.update(
                    "UPDATE s3_cloudbackup_run_commands SET status = 'failed', result_message = ?,"
                        + " completed_at = ?, updated_at = ? WHERE id = ? AND status = 'delivered'",
                    AGENT_RESTARTED,
                    now,
                    now,
                    c.lng("id"));
                RunLog.write(
                    sql,
                    runId,
                    now,
                    "error",
                    "AGENT_RESTARTED",
                    "agent "
                        + agentId
                        + " polls without running this restore; run and command failed");
                return true;
              });
      if (failed) {
        LOG.warn(
            "event=restore_abandoned run_id={} command_id={} agent_id={}",
            runId,
            c.lng("id"),
            agentId);
        finished.runFinished(runId);
      }
    }
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
