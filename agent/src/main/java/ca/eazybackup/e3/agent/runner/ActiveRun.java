package ca.eazybackup.e3.agent.runner;

import ca.eazybackup.e3.agent.engine.Cancellation;
import ca.eazybackup.e3.agent.engine.RunContext;
import ca.eazybackup.e3.agent.engine.RunStatus;
import ca.eazybackup.e3.agent.engine.SourceAccess;
import ca.eazybackup.e3.agent.progress.ProgressReporter;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/** A run (backup or restore) in progress on this agent: the engine's {@link RunContext}. */
final class ActiveRun implements RunContext {
  private final long runId;
  private final RunProgressReporter reporter;
  private final Cancellation cancellation = new Cancellation();
  private final Path workDir;
  private final Path jobCacheDir;
  private final S3ClientFactory s3;
  private final Clock clock;
  final CompletableFuture<RunStatus> done = new CompletableFuture<>();
  private volatile SourceAccess sourceAccess = SourceAccess.LIVE;

  ActiveRun(
      long runId,
      RunProgressReporter reporter,
      Path workDir,
      Path jobCacheDir,
      S3ClientFactory s3,
      Clock clock) {
    this.runId = runId;
    this.reporter = reporter;
    this.workDir = workDir;
    this.jobCacheDir = jobCacheDir;
    this.s3 = s3;
    this.clock = clock;
  }

  @Override
  public long runId() {
    return runId;
  }

  @Override
  public ProgressReporter progress() {
    return reporter;
  }

  RunProgressReporter reporter() {
    return reporter;
  }

  @Override
  public Cancellation cancellation() {
    return cancellation;
  }

  @Override
  public Path workDir() {
    return workDir;
  }

  @Override
  public Path jobCacheDir() {
    return jobCacheDir;
  }

  @Override
  public S3ClientFactory s3() {
    return s3;
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public SourceAccess sourceAccess() {
    return sourceAccess;
  }

  /** Set while the run is prepared, before the engine starts. */
  void sourceAccess(SourceAccess access) {
    this.sourceAccess = access;
  }
}
