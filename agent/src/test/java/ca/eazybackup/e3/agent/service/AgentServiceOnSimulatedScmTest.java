package ca.eazybackup.e3.agent.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.agent.logging.EventLogAppender;
import ca.eazybackup.e3.agent.testing.FakeAddon;
import ca.eazybackup.e3.agent.tray.PipeStatusClient;
import ca.eazybackup.e3.agent.tray.StatusChannel;
import ca.eazybackup.e3.agent.tray.StatusSource;
import ca.eazybackup.e3.shims.EventLog;
import ca.eazybackup.e3.shims.ServiceState;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.Win32Error;
import ca.eazybackup.e3.shims.sim.ServiceShutdown;
import ca.eazybackup.e3.shims.sim.SimulatedWindowsHost;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
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
  void aShutdownDuringARunCancelsAndReportsItWithinThePreshutdownTimeout() throws Exception {
    try (FakeAddon addon = new FakeAddon()) {
      Path conf =
          Files.writeString(
              dir.resolve("slow.conf"),
              "ApiBaseURL="
                  + addon.baseUrl()
                  + "\nAgentID="
                  + FakeAddon.AGENT_ID
                  + "\nAgentToken="
                  + FakeAddon.TOKEN
                  + "\nPollIntervalSecs=0.2\n");
      long runId = 41;
      addon.queueRun(FakeAddon.run(runId, "slow", dir.toString()));
      admin
          .serviceControl()
          .install(AgentService.NAME, AgentService.DISPLAY_NAME, slowService(conf));
      admin
          .serviceControl()
          .setPreshutdownTimeout(AgentService.NAME, AgentService.PRESHUTDOWN_TIMEOUT);
      // SHUTDOWN alone would leave the service 0.5 s, less than the engine's checkpoint.
      admin
          .registry()
          .setString("HKLM\\SYSTEM\\CurrentControlSet\\Control", "WaitToKillServiceTimeout", "500");
      admin.serviceControl().start(AgentService.NAME);
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !addon.updates(runId).isEmpty());
      assertThat(addon.finalStatus(runId)).isNull();
      // A signed-in user's tray helper sees the run in progress through their session's pipe.
      admin.logon("ann");
      StatusSource tray =
          new PipeStatusClient(
              SimulatedWindowsHost.builder(dir.resolve("win")).user("ann").build());
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .untilAsserted(() -> assertThat(tray.status().activeRuns()).containsExactly(runId));
      assertThat(tray.status().state()).isEqualTo("running");

      List<ServiceShutdown> outcomes = admin.shutdown();

      assertThat(outcomes)
          .singleElement()
          .satisfies(
              o -> {
                assertThat(o.phase()).isEqualTo(ServiceShutdown.Phase.PRESHUTDOWN);
                assertThat(o.millis()).isGreaterThan(SlowCheckpointService.CHECKPOINT_MS);
              });
      assertThat(addon.finalStatus(runId)).isEqualTo("cancelled");
      assertThat(dir.resolve(StatusChannel.FILE)).doesNotExist(); // no loopback channel on Windows
      assertThat(admin.pipes()).isEmpty(); // the pipes went with the service
      assertThat(addon.finalUpdate(runId).toString()).contains("agent stopped");
      assertThat(Files.readString(dir.resolve("logs").resolve("agent.log")))
          .contains("service.stopped control=PRESHUTDOWN");
      // The service process also wrote the outcome to the (simulated) Application log.
      assertThat(admin.eventLog(AgentService.NAME).newest(10))
          .anySatisfy(
              e -> {
                assertThat(e.eventId()).isEqualTo(EventLogAppender.RUN_CANCELLED);
                assertThat(e.level()).isEqualTo(EventLog.Level.WARNING);
                assertThat(e.message()).contains("run_id=" + runId).contains("agent stopped");
              });
    }
  }

  @Test
  void installingTheServiceRaisesItsPreshutdownTimeoutAndRegistersItsEventSource()
      throws Exception {
    new AgentService(admin).install(config);

    assertThat(
            admin.registry().getString(EventLog.sourceKey(AgentService.NAME), "EventMessageFile"))
        .hasValueSatisfying(v -> assertThat(v).endsWith("EventLogMessages.dll"));
    // Every user's session starts the tray helper of the same runtime and jar at logon.
    assertThat(admin.registry().getString(AgentService.RUN_KEY, AgentService.TRAY_VALUE))
        .hasValueSatisfying(
            v -> assertThat(v).contains(" tray --config ").doesNotContain("service run"));
    assertThat(
            admin
                .registry()
                .getDword(
                    "HKLM\\SYSTEM\\CurrentControlSet\\Services\\" + AgentService.NAME,
                    "PreshutdownTimeout"))
        .contains((int) AgentService.PRESHUTDOWN_TIMEOUT.toMillis());
  }

  private static List<String> slowService(Path conf) {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp",
        System.getProperty("java.class.path"),
        SlowCheckpointService.class.getName(),
        conf.toString());
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
    // no archive dumped beside the jar: no option naming one (a JVM named a missing archive
    // would run without even the runtime's own archive of the JDK's classes)
    assertThat(cmd).noneMatch(o -> o.startsWith("-XX:SharedArchiveFile"));
  }

  @Test
  void theServiceAndTheTrayMapTheClassDataArchiveInstallDumpedBesideTheJar() throws Exception {
    Path jar = Files.createDirectories(dir.resolve("app")).resolve("e3-backup-agent.jar");
    Files.writeString(jar, "");
    Files.writeString(ClassDataArchive.archiveOf(jar), "");

    List<String> cmd = AgentService.commandLine(config, jar, Path.of("/jdk"));

    assertThat(cmd)
        .containsSequence(
            "-XX:SharedArchiveFile=" + jar.resolveSibling("e3-backup-agent.jsa"), "-Xshare:auto")
        .containsSequence("-jar", jar.toString());
    assertThat(cmd.indexOf("-Xshare:auto")).isLessThan(cmd.indexOf("-jar"));
    assertThat(AgentService.trayCommandLine(cmd)).contains("-Xshare:auto");
  }
}
