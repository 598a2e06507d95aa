package ca.eazybackup.e3.whmcs.scheduler;

import ca.eazybackup.e3.whmcs.db.Db;
import ca.eazybackup.e3.whmcs.db.Row;
import ca.eazybackup.e3.whmcs.http.Json;
import ca.eazybackup.e3.whmcs.runs.RunLog;
import ca.eazybackup.e3.whmcs.runs.RunService;
import ca.eazybackup.e3.whmcs.runs.RunStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addon's scheduling cron: every job whose planned time has come gets a queued run (trigger
 * {@code schedule}); a job whose previous run is still in progress gets a {@code skipped} run
 * instead; a slot missed while the addon was down (older than the tolerance) runs once, with
 * trigger {@code missed}, and the plan moves to the next slot after now.
 */
public final class Scheduler {
  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

  private final Db db;
  private final Clock clock;
  private final Duration missedAfter;

  /**
   * @param missedAfter how late a slot may fire and still count as on time (a couple of cron
   *     intervals)
   */
  public Scheduler(Db db, Clock clock, Duration missedAfter) {
    this.db = db;
    this.clock = clock;
    this.missedAfter = missedAfter;
  }

  /** What one tick did. */
  public record Tick(int queued, int skipped, int missed) {}

  public Tick tick() {
    Instant now = clock.instant();
    List<Row> due =
        db.query(
            "SELECT * FROM s3_cloudbackup_jobs WHERE status = 'active' AND next_run_at IS NOT NULL"
                + " AND next_run_at <= ? ORDER BY next_run_at",
            now);
    int queued = 0;
    int skipped = 0;
    int missed = 0;
    for (Row job : due) {
      String outcome = fire(job, now);
      switch (outcome) {
        case "queued" -> queued++;
        case "missed" -> {
          queued++;
          missed++;
        }
        case "skipped" -> skipped++;
        default -> {}
      }
    }
    return new Tick(queued, skipped, missed);
  }

  private String fire(Row job, Instant now) {
    long jobId = job.lng("id");
    Schedule s;
    try {
      s = Schedule.parse(Json.parse(job.str("schedule_json")));
    } catch (IllegalArgumentException e) {
      LOG.warn("event=schedule_invalid job_id={} error={}", jobId, e.getMessage());
      db.update("UPDATE s3_cloudbackup_jobs SET next_run_at = NULL WHERE id = ?", jobId);
      return "none";
    }
    Instant planned = job.time("next_run_at");
    Instant slot = job.time("schedule_slot_at") == null ? planned : job.time("schedule_slot_at");
    boolean wasMissed = now.isAfter(planned.plus(missedAfter));
    // Plan the next slot: after the one that fired, or after now when slots were missed.
    Instant from = wasMissed ? now : slot;
    Optional<Instant> next = s.nextAfter(from);
    while (next.isPresent() && !next.get().isAfter(now)) {
      next = s.nextAfter(next.get());
    }
    Instant nextSlot = next.orElse(null);
    Instant nextPlanned = nextSlot == null ? null : nextSlot.plus(s.delayFor(jobId, nextSlot));
    return db.tx(
        sql -> {
          int n =
              sql.update(
                  "UPDATE s3_cloudbackup_jobs SET schedule_slot_at = ?, next_run_at = ? WHERE id = ?"
                      + " AND next_run_at = ?",
                  nextSlot,
                  nextPlanned,
                  jobId,
                  job.get("next_run_at"));
          if (n == 0) {
            return "none"; // another tick fired it
          }
          Optional<Row> active =
              sql.one(
                  "SELECT id FROM s3_cloudbackup_runs WHERE job_id = ? AND run_type = 'backup' AND"
                      + " status IN "
                      + RunStatus.ACTIVE_SQL,
                  jobId);
          if (active.isPresent()) {
            long id =
                RunService.insertRun(sql, job, "backup", "schedule", RunStatus.SKIPPED, now, slot);
            sql.update(
                "UPDATE s3_cloudbackup_runs SET error_summary = ?, finished_at = ? WHERE id = ?",
                "skipped: run " + active.get().lng("id") + " still in progress",
                now,
                id);
            RunLog.write(
                sql,
                id,
                now,
                "warn",
                "RUN_SKIPPED",
                "run " + active.get().lng("id") + " still in progress");
            LOG.info("event=schedule_skipped job_id={} run_id={}", jobId, id);
            return "skipped";
          }
          String trigger = wasMissed ? "missed" : "schedule";
          long id = RunService.insertRun(sql, job, "backup", trigger, RunStatus.QUEUED, now, slot);
          LOG.info("event=schedule_queued job_id={} run_id={} trigger={}", jobId, id, trigger);
          return wasMissed ? "missed" : "queued";
        });
  }
}
