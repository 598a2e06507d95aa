package ca.eazybackup.e3.agent.sync;

import ca.eazybackup.e3.agent.engine.Cancellation;
import ca.eazybackup.e3.agent.engine.RunContext;
import ca.eazybackup.e3.agent.progress.ProgressReporter;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import java.nio.file.Path;
import java.time.Clock;

/** A run context over temp folders, a recording reporter and a counting S3 factory. */
final class TestRunContext implements RunContext {
  final RecordingProgress progress = new RecordingProgress();
  final Cancellation cancellation = new Cancellation();
  private final Path workDir;
  private final Path jobCacheDir;
  private final S3ClientFactory s3;

  TestRunContext(Path workDir, Path jobCacheDir, S3ClientFactory s3) {
    this.workDir = workDir;
    this.jobCacheDir = jobCacheDir;
    this.s3 = s3;
  }

  @Override
  public long runId() {
    return 1;
  }

  @Override
  public ProgressReporter progress() {
    return progress;
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
    return Clock.systemUTC();
  }
}
