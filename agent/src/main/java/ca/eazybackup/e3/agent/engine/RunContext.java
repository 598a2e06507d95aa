package ca.eazybackup.e3.agent.engine;

import ca.eazybackup.e3.agent.progress.ProgressReporter;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import java.nio.file.Path;
import java.time.Clock;

/** Everything an engine gets from the runtime for one run or command. */
public interface RunContext {

  /** The run that progress is reported on (a restore has its own run). */
  long runId();

  ProgressReporter progress();

  Cancellation cancellation();

  /** Per-run scratch folder, deleted after the run. */
  Path workDir();

  /** Per-job persistent cache folder (kopia: {@code runs/kopia/job_<id>}). */
  Path jobCacheDir();

  /** The one S3 client factory of the agent. */
  S3ClientFactory s3();

  Clock clock();

  /** Where the sources are read: live, or through the run's VSS shadow copies. */
  default SourceAccess sourceAccess() {
    return SourceAccess.LIVE;
  }
}
