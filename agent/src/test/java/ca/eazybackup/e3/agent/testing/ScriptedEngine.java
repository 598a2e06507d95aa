package ca.eazybackup.e3.agent.testing;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.engine.Engine;
import ca.eazybackup.e3.agent.engine.MaintenanceMode;
import ca.eazybackup.e3.agent.engine.RestoreRequest;
import ca.eazybackup.e3.agent.engine.RunContext;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An engine whose behaviour a test writes as a lambda; records what it was given. */
public final class ScriptedEngine implements Engine {

  /** A backup or restore body. */
  public interface Script {
    RunOutcome run(RunAssignment job, RunContext ctx) throws Exception;
  }

  private final String name;
  private volatile Script backup = (job, ctx) -> RunOutcome.success("done");
  private volatile Script restore = (job, ctx) -> RunOutcome.success("restored");
  public final List<RunAssignment> backups = new CopyOnWriteArrayList<>();
  public final List<RestoreRequest> restores = new CopyOnWriteArrayList<>();
  public final List<MaintenanceMode> maintenance = new CopyOnWriteArrayList<>();
  public final List<Integer> verifies = new CopyOnWriteArrayList<>();

  public ScriptedEngine(String name) {
    this.name = name;
  }

  public ScriptedEngine onBackup(Script script) {
    this.backup = script;
    return this;
  }

  public ScriptedEngine onRestore(Script script) {
    this.restore = script;
    return this;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public RunOutcome backup(RunAssignment job, RunContext ctx) throws Exception {
    backups.add(job);
    return backup.run(job, ctx);
  }

  @Override
  public RunOutcome restore(RunAssignment job, RestoreRequest request, RunContext ctx)
      throws Exception {
    restores.add(request);
    return restore.run(job, ctx);
  }

  @Override
  public RunOutcome maintain(RunAssignment job, MaintenanceMode mode, RunContext ctx) {
    maintenance.add(mode);
    return RunOutcome.success("maintenance " + mode + " done");
  }

  /** Reports damage when asked to read more than half the data, so both outcomes are testable. */
  @Override
  public RunOutcome verify(RunAssignment job, int readDataPercent, RunContext ctx) {
    verifies.add(readDataPercent);
    if (readDataPercent > 50) {
      return RunOutcome.failed("verify: 1 problem found: pack p1 is missing");
    }
    return RunOutcome.success("verify: repository is healthy: 1 snapshots");
  }
}
