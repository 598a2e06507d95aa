package ca.eazybackup.e3.agent.service;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.config.ConfigException;
import ca.eazybackup.e3.shims.ServiceControlRequest;
import ca.eazybackup.e3.shims.ServiceState;
import ca.eazybackup.e3.shims.ServiceStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class AgentServiceProgramTest {

  private record Report(ServiceState state, int checkPoint, Duration waitHint) {}

  private final List<Report> reports = new CopyOnWriteArrayList<>();
  private final ServiceStatus status = (s, cp, hint) -> reports.add(new Report(s, cp, hint));

  @Test
  void aStopDuringLongWorkIsCheckpointedWithinTheWaitHintUntilTheAgentHasStopped()
      throws Exception {
    AgentServiceProgram program =
        new AgentServiceProgram(
            () ->
                () -> {
                  try {
                    Thread.sleep(2_600); // the run's cancel, checkpoint and final report
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    CompletableFuture<Integer> main =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return program.main(status);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    org.awaitility.Awaitility.await()
        .until(() -> reports.stream().anyMatch(r -> r.state() == ServiceState.RUNNING));

    program.control(ServiceControlRequest.PRESHUTDOWN, status);

    assertThat(main.get()).isZero();
    List<Report> stopping =
        reports.stream().filter(r -> r.state() == ServiceState.STOP_PENDING).toList();
    assertThat(stopping.size()).isGreaterThanOrEqualTo(3);
    for (int i = 1; i < stopping.size(); i++) {
      assertThat(stopping.get(i).checkPoint()).isGreaterThan(stopping.get(i - 1).checkPoint());
    }
    assertThat(stopping)
        .allSatisfy(
            r ->
                assertThat(r.waitHint())
                    .isGreaterThan(AgentServiceProgram.CHECKPOINT_EVERY.multipliedBy(2)));
    assertThat(reports.get(0).state()).isEqualTo(ServiceState.START_PENDING);
  }

  @Test
  void aBrokenConfigEndsTheServiceWithTheConfigExitCodeWithoutEverRunning() throws Exception {
    AgentServiceProgram program =
        new AgentServiceProgram(
            () -> {
              throw new ConfigException("agent.conf: AgentID is missing");
            });

    assertThat(program.main(status)).isEqualTo(AgentServiceProgram.EXIT_CONFIG);
    assertThat(reports).extracting(Report::state).containsExactly(ServiceState.START_PENDING);
  }

  @Test
  void interrogateIsNotAStop() throws Exception {
    AgentServiceProgram program = new AgentServiceProgram(() -> () -> {});
    program.control(ServiceControlRequest.INTERROGATE, status);
    assertThat(program.awaitStopRequest(Duration.ofMillis(50))).isFalse();
    program.control(ServiceControlRequest.SHUTDOWN, status);
    assertThat(program.awaitStopRequest(Duration.ofMillis(50))).isTrue();
  }
}
