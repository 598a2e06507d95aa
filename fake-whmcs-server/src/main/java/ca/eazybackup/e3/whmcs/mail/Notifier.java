package ca.eazybackup.e3.whmcs.mail;

import ca.eazybackup.e3.whmcs.db.Db;
import ca.eazybackup.e3.whmcs.db.Row;
import ca.eazybackup.e3.whmcs.runs.RunFinishedListener;
import ca.eazybackup.e3.whmcs.runs.RunStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Email on a run's terminal status when its job asks for it (notify_email, notify_on = always |
 * failure | never): a row in the outbox table, and over SMTP when a relay is configured.
 */
public final class Notifier implements RunFinishedListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

  private final Db db;
  private final Clock clock;
  private final SmtpSender smtp;
  private final ExecutorService sender;

  public Notifier(Db db, Clock clock, SmtpSender smtp) {
    this.db = db;
    this.clock = clock;
    this.smtp = smtp;
    this.sender =
        smtp == null
            ? null
            : Executors.newSingleThreadExecutor(
                r -> {
                  Thread t = new Thread(r, "whmcs-smtp");
                  t.setDaemon(true);
                  return t;
                });
  }

  @Override
  public void runFinished(long runId) {
    Optional<Row> row =
        db.one(
            "SELECT r.id, r.status, r.run_type, r.error_summary, r.bytes_transferred, r.files_done,"
                + " r.started_at, r.finished_at, r.client_id, j.name AS job_name, j.notify_email,"
                + " j.notify_on FROM s3_cloudbackup_runs r JOIN s3_cloudbackup_jobs j ON j.id ="
                + " r.job_id WHERE r.id = ?",
            runId);
    if (row.isEmpty()) {
      return;
    }
    Row r = row.get();
    String to = r.str("notify_email");
    String on = r.str("notify_on");
    String status = r.str("status");
    boolean problem = RunStatus.FAILED.equals(status) || RunStatus.WARNING.equals(status);
    if (to == null || "never".equals(on) || ("failure".equals(on) && !problem)) {
      return;
    }
    String kind = "restore".equals(r.str("run_type")) ? "Restore" : "Backup";
    String subject =
        "[e3 backup] "
            + kind
            + " of '"
            + r.str("job_name")
            + "': "
            + status.toUpperCase(Locale.ROOT);
    String body =
        kind
            + " run "
            + runId
            + " of job '"
            + r.str("job_name")
            + "' finished: "
            + status
            + "\n"
            + "Started:  "
            + r.time("started_at")
            + "\n"
            + "Finished: "
            + r.time("finished_at")
            + "\n"
            + "Files:    "
            + r.lng("files_done", 0)
            + "\n"
            + "Bytes:    "
            + r.lng("bytes_transferred", 0)
            + "\n"
            + (r.str("error_summary") == null ? "" : "Error:    " + r.str("error_summary") + "\n");
    Instant now = clock.instant();
    long id =
        db.insert(
            "INSERT INTO sim_email_outbox (client_id, run_id, to_address, subject, body, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)",
            r.lng("client_id"),
            runId,
            to,
            subject,
            body,
            now);
    LOG.info("event=email_queued outbox_id={} run_id={} status={}", id, runId, status);
    if (sender != null) {
      sender.execute(() -> send(id, to, subject, body));
    }
  }

  private void send(long id, String to, String subject, String body) {
    try {
      smtp.send(to, subject, body);
      db.update("UPDATE sim_email_outbox SET sent_at = ? WHERE id = ?", clock.instant(), id);
    } catch (RuntimeException e) {
      LOG.warn("event=email_failed outbox_id={} error={}", id, e.getMessage());
      db.update("UPDATE sim_email_outbox SET send_error = ? WHERE id = ?", e.getMessage(), id);
    }
  }

  @Override
  public void close() {
    if (sender != null) {
      sender.shutdownNow();
    }
  }
}
