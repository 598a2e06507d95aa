package ca.eazybackup.e3.agent.backup;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.engine.Engine;
import ca.eazybackup.e3.agent.engine.RestoreRequest;
import ca.eazybackup.e3.agent.engine.RunContext;
import ca.eazybackup.e3.agent.engine.RunOutcome;

/** The Kopia-format backup engine (placeholder until the engine lands). */
public final class KopiaEngine implements Engine {

  @Override
  public String name() {
    return "kopia";
  }

  @Override
  public RunOutcome backup(RunAssignment job, RunContext ctx) {
    return RunOutcome.failed("the kopia engine is not available in this build yet");
  }

  @Override
  public RunOutcome restore(RunAssignment job, RestoreRequest request, RunContext ctx) {
    return RunOutcome.failed("kopia restore is not available in this build yet");
  }
}
