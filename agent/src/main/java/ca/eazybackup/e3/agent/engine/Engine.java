package ca.eazybackup.e3.agent.engine;

import ca.eazybackup.e3.agent.api.RunAssignment;

/**
 * A backup engine ("sync" or "kopia"). The runner picks one by {@link RunAssignment#engine()} and
 * calls it on a worker thread; the engine reports through {@link RunContext#progress()} and stops
 * promptly when {@link RunContext#cancellation()} fires.
 */
public interface Engine {

  /** The engine name as the addon sends it: {@code sync} or {@code kopia}. */
  String name();

  /** Backs up the job's sources to its destination. */
  RunOutcome backup(RunAssignment job, RunContext ctx) throws Exception;

  /** Restores what {@code request} names from the job's destination. */
  RunOutcome restore(RunAssignment job, RestoreRequest request, RunContext ctx) throws Exception;

  /** Repository maintenance; engines without a repository have nothing to do. */
  default RunOutcome maintain(RunAssignment job, MaintenanceMode mode, RunContext ctx)
      throws Exception {
    return RunOutcome.success("engine '" + name() + "' has no maintenance to run");
  }

  /**
   * Checks the job's repository: every snapshot's tree reachable, every content present, and {@code
   * readDataPercent} of the data read back and decrypted. A repository with damage ends {@link
   * RunStatus#FAILED} naming what is damaged.
   */
  default RunOutcome verify(RunAssignment job, int readDataPercent, RunContext ctx)
      throws Exception {
    return RunOutcome.success("engine '" + name() + "' has no repository to verify");
  }
}
