package ca.eazybackup.e3.agent.service;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.tray.PipeStatusClient;
import ca.eazybackup.e3.shims.ServiceState;
import ca.eazybackup.e3.shims.jna.JnaWindowsHost;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's own service on the real SCM: {@code service install} registers {@code … service run}
 * with a 30 s preshutdown timeout and the tray's Run key; the SCM starts it (the dispatcher
 * connects, RUNNING), the tray channel answers, it stops and is removed. Elevated, Windows only:
 * the windows.yml job runs it.
 */
@EnabledOnOs(
    value = OS.WINDOWS,
    disabledReason = "the real Service Control Manager: runs in the windows.yml job")
class RealWindowsServiceTest {
  @TempDir Path dir;

  @Test
  void installStartRunningTrayStopUninstall() throws Exception {
    JnaWindowsHost host = new JnaWindowsHost();
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort(); // the addon is unreachable: the agent runs and retries
    }
    Path config =
        Files.writeString(
            dir.resolve("agent.conf"),
            "ApiBaseURL=http://127.0.0.1:"
                + closedPort
                + "/api/\nAgentID=7\nAgentToken=tok-0123456789abcdef\n");
    AgentService service = new AgentService(host);
    service.uninstall(null); // a leftover of an aborted earlier run

    service.install(config);
    try {
      assertThat(host.registry().getString(AgentService.RUN_KEY, AgentService.TRAY_VALUE))
          .hasValueSatisfying(v -> assertThat(v).contains(" tray --config "));
      service.start();
      assertThat(host.serviceControl().state(AgentService.NAME)).isEqualTo(ServiceState.RUNNING);
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(
              // Over this session's pipe: the service serves each signed-in user's session.
              () -> assertThat(new PipeStatusClient(host).status().state()).isEqualTo("running"));

      service.stop();
      assertThat(host.serviceControl().state(AgentService.NAME)).isEqualTo(ServiceState.STOPPED);
      assertThat(Files.readString(dir.resolve("logs").resolve("agent.log")))
          .contains("service.running")
          .contains("service.stopped control=STOP")
          .doesNotContain("tok-0123456789abcdef");
    } finally {
      service.uninstall(null);
    }
    assertThat(host.serviceControl().state(AgentService.NAME))
        .isEqualTo(ServiceState.NOT_INSTALLED);
    assertThat(host.registry().getString(AgentService.RUN_KEY, AgentService.TRAY_VALUE)).isEmpty();
  }
}
