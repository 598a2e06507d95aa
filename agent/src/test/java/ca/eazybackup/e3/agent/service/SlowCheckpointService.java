package ca.eazybackup.e3.agent.service;

import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.runner.EngineRegistry;
import ca.eazybackup.e3.agent.testing.ScriptedEngine;
import ca.eazybackup.e3.shims.sim.SimulatedWindowsHost;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * What {@code service run} does, launched by the simulated SCM in a test, with one more engine,
 * {@code slow}: its backup runs until cancelled and then takes {@link #CHECKPOINT_MS} to checkpoint
 * - longer than the SHUTDOWN phase's budget the test sets, well inside the preshutdown timeout.
 */
public final class SlowCheckpointService {
  static final long CHECKPOINT_MS = 1_500;

  private SlowCheckpointService() {}

  public static void main(String[] args) throws Exception {
    Path config = Path.of(args[0]);
    SimulatedWindowsHost host = SimulatedWindowsHost.fromEnvironment();
    ScriptedEngine slow =
        new ScriptedEngine("slow")
            .onBackup(
                (job, ctx) -> {
                  CountDownLatch cancelled = new CountDownLatch(1);
                  ctx.cancellation().onCancel(cancelled::countDown);
                  cancelled.await();
                  // The checkpoint's own duration is what the test is about: a fixed stretch of
                  // work that outlasts SHUTDOWN's budget and fits PRESHUTDOWN's; no event to await.
                  Thread.sleep(CHECKPOINT_MS);
                  return RunOutcome.cancelled(ctx.cancellation().reason());
                });
    AgentServiceProgram program =
        new AgentServiceProgram(
            () -> AgentProcess.start(config, host, new EngineRegistry(slow))::stop);
    host.serviceDispatcher().run(AgentService.NAME, program);
  }
}
