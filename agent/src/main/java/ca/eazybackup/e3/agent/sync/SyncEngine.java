package ca.eazybackup.e3.agent.sync;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.engine.Engine;
import ca.eazybackup.e3.agent.engine.RestoreRequest;
import ca.eazybackup.e3.agent.engine.RunContext;
import ca.eazybackup.e3.agent.engine.RunOutcome;

/** The rclone-like sync engine (placeholder until the engine lands). */
public final class SyncEngine implements Engine {

  @Override
  public String name() {
    return "sync";
  }

  @Override
  public RunOutcome backup(RunAssignment job, RunContext ctx) {
    return RunOutcome.failed("the sync engine is not available in this build yet");
  }

  @Override
  public RunOutcome restore(RunAssignment job, RestoreRequest request, RunContext ctx) {
    return RunOutcome.failed("sync restore is not available in this build yet");
  }
}
