package ca.eazybackup.e3.agent.sync;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.engine.Engine;
import ca.eazybackup.e3.agent.engine.RestoreRequest;
import ca.eazybackup.e3.agent.engine.RunContext;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rclone-like sync engine: one-way sync of local folders to {@code s3://bucket/prefix/} and
 * download for restore. See the package documentation (package-info) for the semantics.
 */
public final class SyncEngine implements Engine {
  private static final Logger log = LoggerFactory.getLogger(SyncEngine.class);
  private final FileOpener opener;

  public SyncEngine() {
    this(FileOpener.DEFAULT);
  }

  /** Tests: count reads, inject a locked file. */
  SyncEngine(FileOpener opener) {
    this.opener = opener;
  }

  @Override
  public String name() {
    return "sync";
  }

  @Override
  public RunOutcome backup(RunAssignment job, RunContext ctx) throws Exception {
    try {
      SyncSettings settings = SyncSettings.from(job);
      log.info(
          "event=sync_started job={} bucket={} prefix={} sources={} mirror={} checksum={} parallelism={}",
          job.jobId(),
          settings.bucket(),
          settings.prefix(),
          settings.sources().size(),
          settings.mirror(),
          settings.checksum(),
          settings.parallelism());
      return new SyncRun(settings, ctx, opener).execute();
    } catch (SyncException e) {
      log.warn("event=sync_failed job={} reason={}", job.jobId(), e.getMessage());
      return RunOutcome.failed(e.getMessage());
    }
  }

  @Override
  public RunOutcome restore(RunAssignment job, RestoreRequest request, RunContext ctx)
      throws Exception {
    try {
      return new SyncRestore(SyncSettings.from(job), request, ctx).execute();
    } catch (SyncException e) {
      log.warn("event=sync_restore_failed job={} reason={}", job.jobId(), e.getMessage());
      return RunOutcome.failed(e.getMessage());
    }
  }
}
