package ca.eazybackup.e3.agent.backup.testing;

import ca.eazybackup.e3.agent.engine.Cancellation;
import ca.eazybackup.e3.agent.engine.RunContext;
import ca.eazybackup.e3.agent.progress.ProgressReporter;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import java.nio.file.Path;
import java.time.Clock;

/** A run context for engine tests: a work folder, a job cache folder and a recording reporter. */
public final class EngineContext implements RunContext {
  public final RecordingProgress progress = new RecordingProgress();
  public final Cancellation cancellation = new Cancellation();
  private final Path work;
  private final Path cache;
  public Clock clock = Clock.systemUTC();

  public EngineContext(Path work, Path cache) {
    this.work = work;
    this.cache = cache;
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
    return work;
  }

  @Override
  public Path jobCacheDir() {
    return cache;
  }

  @Override
  public S3ClientFactory s3() {
    return new S3ClientFactory();
  }

  @Override
  public Clock clock() {
    return clock;
  }
}
