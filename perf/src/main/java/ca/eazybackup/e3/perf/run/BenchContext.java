package ca.eazybackup.e3.perf.run;

import ca.eazybackup.e3.agent.engine.Cancellation;
import ca.eazybackup.e3.agent.engine.RunContext;
import ca.eazybackup.e3.agent.progress.EventLevel;
import ca.eazybackup.e3.agent.progress.EventOnlyProgress;
import ca.eazybackup.e3.agent.progress.ProgressReporter;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** A run context without the agent's runtime: no reporting beyond skipped items and warnings. */
record BenchContext(Path cache, S3ClientFactory factory) implements RunContext {
  private static final Cancellation CANCELLATION = new Cancellation();

  @Override
  public long runId() {
    return 1;
  }

  @Override
  public ProgressReporter progress() {
    return QUIET;
  }

  @Override
  public Cancellation cancellation() {
    return CANCELLATION;
  }

  @Override
  public Path workDir() {
    return cache.resolve("work");
  }

  @Override
  public Path jobCacheDir() {
    return cache;
  }

  @Override
  public S3ClientFactory s3() {
    return factory;
  }

  @Override
  public Clock clock() {
    return Clock.systemUTC();
  }

  private static final ProgressReporter QUIET =
      new EventOnlyProgress() {
        @Override
        public void itemSkipped(String path, String reason) {
          System.err.println("skipped " + path + ": " + reason);
        }

        @Override
        public void event(String code, EventLevel level, String message, Map<String, Object> p) {
          if (level != EventLevel.INFO) {
            System.err.println(level + " " + code + " " + message);
          }
        }
      };
}
