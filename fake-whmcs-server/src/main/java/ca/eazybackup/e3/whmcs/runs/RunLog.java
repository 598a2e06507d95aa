package ca.eazybackup.e3.whmcs.runs;

import ca.eazybackup.e3.whmcs.db.Sql;
import java.time.Instant;

/** Server-side lines of a run's structured log (s3_cloudbackup_run_logs). */
public final class RunLog {
  private RunLog() {}

  public static void write(
      Sql sql, long runId, Instant at, String level, String code, String message) {
    sql.update(
        "INSERT INTO s3_cloudbackup_run_logs (run_id, level, code, message, created_at)"
            + " VALUES (?, ?, ?, ?, ?)",
        runId,
        level,
        code,
        message,
        at);
  }
}
