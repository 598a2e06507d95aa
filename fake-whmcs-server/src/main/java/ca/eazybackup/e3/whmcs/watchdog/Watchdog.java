package ca.eazybackup.e3.whmcs.watchdog;

import ca.eazybackup.e3.whmcs.db.Db;
import ca.eazybackup.e3.whmcs.db.Row;
import ca.eazybackup.e3.whmcs.runs.RunFinishedListener;
import ca.eazybackup.e3.whmcs.runs.RunLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * crons/agent_watchdog.php: fails starting/running runs whose last heartbeat is older than
 * AGENT_WATCHDOG_TIMEOUT_SECONDS with error_summary AGENT_OFFLINE.
 */
public final class Watchdog {
  public static final String AGENT_OFFLINE = "AGENT_OFFLINE";
  private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);

  private final Db db;
  private final Clock clock;
  private final Duration timeout;
  private final RunFinishedListener finished;

  public Watchdog(Db db, Clock clock, Duration timeout, RunFinishedListener finished) {
    this.db = db;
    this.clock = clock;
    this.timeout = timeout;
    this.finished = finished;
  }

  /** One sweep; returns the ids of the runs it failed. */
  public List<Long> sweep() {
    Instant now = clock.instant();
    Instant cutoff = now.minus(timeout);
    List<Row> stale =
        db.query(
            "SELECT id, updated_at FROM s3_cloudbackup_runs WHERE status IN ('starting','running')"
                + " AND updated_at < ?",
            cutoff);
    List<Long> failed = new ArrayList<>();
    for (Row r : stale) {
      long runId = r.lng("id");
      boolean done =
          db.tx(
              sql -> {
                int n =
                    sql.update(
                        "UPDATE s3_cloudbackup_runs SET status = 'failed', error_summary = ?,"
                            + " finished_at = ?, updated_at = ? WHERE id = ? AND status IN"
                            + " ('starting','running') AND updated_at < ?",
                        AGENT_OFFLINE,
                        now,
                        now,
                        runId,
                        cutoff);
                if (n == 1) {
                  RunLog.write(
                      sql,
                      runId,
                      now,
                      "error",
                      AGENT_OFFLINE,
                      "no heartbeat since "
                          + r.time("updated_at")
                          + "; run failed by the watchdog");
                }
                return n == 1;
              });
      if (done) {
        LOG.warn("event=watchdog_failed_run run_id={} error=AGENT_OFFLINE", runId);
        failed.add(runId);
        finished.runFinished(runId);
      }
    }
    return failed;
  }
}
