package ca.eazybackup.e3.agent.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.shims.ServiceState;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.Win32Error;
import ca.eazybackup.e3.shims.sim.SimulatedWindowsHost;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent registered as a service on the simulated SCM, which launches the registered command
 * line as a real process: the old registration ({@code … run}, no dispatcher) is killed with 1053
 * as Windows would; {@code … service run} reaches RUNNING and stops cleanly.
 */
class AgentServiceOnSimulatedScmTest {
  @TempDir Path dir;
  private SimulatedWindowsHost admin;
  private Path config;

  @BeforeEach
  void setUp() throws Exception {
    admin = SimulatedWindowsHost.builder(dir.resolve("win")).elevated(true).build();
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort(); // the addon is unreachable: the agent runs and retries
    }
    config =
        Files.writeString(
            dir.resolve("agent.conf"),
            "ApiBaseURL=http://127.0.0.1:"
                + closedPort
                + "/api/\nAgentID=7\nAgentToken=tok-123\nPollIntervalSecs=0.5\n");
  }

  @AfterEach
  void killLeftovers() {
    ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
  }

  @Test
  void theOldForegroundRegistrationIsKilledWith1053() throws Exception {
    admin
        .registry()
        .setDword("HKLM\\SYSTEM\\CurrentControlSet\\Control", "ServicesPipeTimeout", 4000);
    List<String> old =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "ca.eazybackup.e3.agent.cli.AgentMain",
            "run",
            "--config",
            config.toString());
    admin.serviceControl().install(AgentService.NAME, AgentService.DISPLAY_NAME, old);

    assertThatThrownBy(() -> admin.serviceControl().start(AgentService.NAME))
        .isInstanceOfSatisfying(
            ShimException.class,
            e -> assertThat(e.error()).isEqualTo(Win32Error.ERROR_SERVICE_REQUEST_TIMEOUT));
    assertThat(admin.serviceControl().state(AgentService.NAME)).isEqualTo(ServiceState.STOPPED);
  }

  @Test
  void theServiceRegistrationRunsAndStopsUnderTheScmsRules() throws Exception {
    List<String> cmd =
        AgentService.commandLine(config, null, Path.of(System.getProperty("java.home")));
    assertThat(cmd).containsSequence("service", "run", "--config");
    admin.serviceControl().install(AgentService.NAME, AgentService.DISPLAY_NAME, cmd);

    admin.serviceControl().start(AgentService.NAME);
    assertThat(admin.serviceControl().state(AgentService.NAME)).isEqualTo(ServiceState.RUNNING);

    admin.serviceControl().stop(AgentService.NAME);
    assertThat(admin.serviceControl().state(AgentService.NAME)).isEqualTo(ServiceState.STOPPED);
    String log = Files.readString(dir.resolve("logs").resolve("agent.log"));
    assertThat(log).contains("service.running").contains("service.stopped control=STOP");
    assertThat(log).doesNotContain("tok-123");
  }

  @Test
  void theRegisteredJavaIsTheBundledRuntimeBesideTheJar() throws Exception {
    Path install = dir.resolve("E3Backup");
    Path jar = Files.createDirectories(install.resolve("app")).resolve("e3-backup-agent.jar");
    Files.writeString(jar, "");
    Path java =
        Files.createDirectories(install.resolve("runtime").resolve("bin"))
            .resolve(System.getProperty("os.name").startsWith("Windows") ? "java.exe" : "java");
    Files.writeString(java, "");

    List<String> cmd = AgentService.commandLine(config, jar, Path.of("/somewhere/else/jdk"));

    assertThat(cmd.get(0)).isEqualTo(java.toString());
    assertThat(cmd.get(1)).isEqualTo("-Xrs");
    // the agent's heap cap and collector, not a quarter of the PC's RAM
    assertThat(cmd.subList(2, 2 + JvmOptions.agent().size()))
        .isEqualTo(JvmOptions.agent())
        .anyMatch(o -> o.startsWith("-Xmx"));
    assertThat(cmd).containsSequence("-jar", jar.toString(), "service", "run");
    assertThat(AgentService.commandLine(config, dir.resolve("loose.jar"), Path.of("/jdk")).get(0))
        .isEqualTo(Path.of("/jdk", "bin", "java").toString());
  }
}
