package ca.eazybackup.e3.shims.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.shims.ServiceState;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.Win32Error;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated SCM launches the registered command line and holds it to the SCM's rules; each test
 * runs a real child process ({@link SimServiceChild}).
 */
class SimServiceControlTest {
  private static final String NAME = "TestService";

  @TempDir Path root;
  private Path journal;
  private SimulatedWindowsHost admin;

  @BeforeEach
  void setUp() throws Exception {
    journal = root.resolve("journal.jsonl");
    admin =
        SimulatedWindowsHost.builder(root)
            .journal(journal)
            .elevated(true)
            .scmControlTimeout(Duration.ofMillis(1500))
            .build();
  }

  @AfterEach
  void killLeftovers() {
    ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
  }

  private static List<String> child(String mode) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(SimServiceChild.class.getName());
    cmd.add(mode);
    return cmd;
  }

  private static void assertWin32(ThrowingCall call, Win32Error expected, String messagePart) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            ShimException.class,
            e -> {
              assertThat(e.error()).isEqualTo(expected);
              assertThat(e.getMessage()).contains(messagePart);
            });
  }

  private interface ThrowingCall {
    void run() throws Exception;
  }

  @Test
  void theOldRegistrationWithoutADispatcherFailsWith1053AndItsProcessIsKilled() throws Exception {
    // The SCM's 30 s dispatcher deadline, shortened through the registry value Windows reads
    // (only here: a child JVM on a loaded machine may need more than 3 s to connect).
    admin.registry().setDword(SimServiceControl.CONTROL_KEY, SimServiceControl.PIPE_TIMEOUT, 3000);
    admin.serviceControl().install(NAME, "Test", child("no-dispatcher"));
    long t0 = System.nanoTime();

    assertWin32(
        () -> admin.serviceControl().start(NAME),
        Win32Error.ERROR_SERVICE_REQUEST_TIMEOUT,
        "StartServiceCtrlDispatcher");

    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(3000));
    assertThat(admin.serviceControl().state(NAME)).isEqualTo(ServiceState.STOPPED);
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(SimulatedWindowsHost.readJournal(journal))
        .filteredOn(l -> "service.start".equals(l.get("op")))
        .extracting(l -> l.get("error"))
        .containsExactly("ERROR_SERVICE_REQUEST_TIMEOUT");
  }

  @Test
  void aServiceProgramReachesRunningAndStopsWithCheckpoints() throws Exception {
    admin.serviceControl().install(NAME, "Test", child("good"));

    admin.serviceControl().start(NAME);

    assertThat(admin.serviceControl().state(NAME)).isEqualTo(ServiceState.RUNNING);
    SimulatedWindowsHost user = SimulatedWindowsHost.builder(root).build();
    assertThat(user.serviceControl().state(NAME)).isEqualTo(ServiceState.RUNNING);
    Map<String, Object> connected =
        SimulatedWindowsHost.readJournal(journal).stream()
            .filter(l -> "service.dispatcher_connected".equals(l.get("op")))
            .findFirst()
            .orElseThrow();
    assertThat(connected.get("session")).isEqualTo("service");
    assertThat(((Number) connected.get("pid")).longValue())
        .isNotEqualTo(ProcessHandle.current().pid());

    admin.serviceControl().stop(NAME);
    assertThat(admin.serviceControl().state(NAME)).isEqualTo(ServiceState.STOPPED);
    admin.serviceControl().uninstall(NAME);
    assertThat(admin.serviceControl().state(NAME)).isEqualTo(ServiceState.NOT_INSTALLED);
  }

  @Test
  void aControlHandlerThatDoesNotReturnMakesTheStopFailWith1053() throws Exception {
    admin.serviceControl().install(NAME, "Test", child("hung-handler"));
    admin.serviceControl().start(NAME);

    assertWin32(
        () -> admin.serviceControl().stop(NAME),
        Win32Error.ERROR_SERVICE_REQUEST_TIMEOUT,
        "control handler did not return");
    assertThat(admin.serviceControl().state(NAME)).isEqualTo(ServiceState.RUNNING);
  }

  @Test
  void aStopWhoseCheckpointStandsStillLongerThanItsWaitHintTimesOut() throws Exception {
    admin.serviceControl().install(NAME, "Test", child("stalled-stop"));
    admin.serviceControl().start(NAME);

    assertWin32(
        () -> admin.serviceControl().stop(NAME),
        Win32Error.ERROR_SERVICE_REQUEST_TIMEOUT,
        "STOP_PENDING at checkpoint 1");
    assertThat(admin.serviceControl().state(NAME)).isEqualTo(ServiceState.STOP_PENDING);
  }

  @Test
  void aStartWhoseCheckpointStandsStillLongerThanItsWaitHintTimesOut() throws Exception {
    admin.serviceControl().install(NAME, "Test", child("stalled-start"));

    assertWin32(
        () -> admin.serviceControl().start(NAME),
        Win32Error.ERROR_SERVICE_REQUEST_TIMEOUT,
        "START_PENDING at checkpoint 1");
  }

  @Test
  void aProcessThatExitsDuringStartIsReportedAsAborted() throws Exception {
    admin.serviceControl().install(NAME, "Test", child("crash"));

    assertWin32(
        () -> admin.serviceControl().start(NAME), Win32Error.ERROR_PROCESS_ABORTED, "exit code 7");
    assertThat(admin.serviceControl().state(NAME)).isEqualTo(ServiceState.STOPPED);
  }

  @Test
  void aServiceWhoseProcessDiesIsStoppedInTheScm() throws Exception {
    admin.serviceControl().install(NAME, "Test", child("good"));
    admin.serviceControl().start(NAME);

    ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
    ProcessHandle.current().descendants().forEach(p -> p.onExit().join());

    assertThat(admin.serviceControl().state(NAME)).isEqualTo(ServiceState.STOPPED);
    assertWin32(() -> admin.serviceControl().stop(NAME), Win32Error.ERROR_SERVICE_NOT_ACTIVE, "");
  }

  @Test
  void aMissingProgramFailsTheStartWithFileNotFound() throws Exception {
    admin.serviceControl().install(NAME, "Test", List.of(root.resolve("nope.exe").toString()));

    assertWin32(
        () -> admin.serviceControl().start(NAME), Win32Error.ERROR_FILE_NOT_FOUND, "nope.exe");
    assertThat(admin.serviceControl().state(NAME)).isEqualTo(ServiceState.STOPPED);
  }

  @Test
  void theDispatcherRefusesAProcessTheScmDidNotStart() {
    assertWin32(
        () -> admin.serviceDispatcher().run(NAME, null),
        Win32Error.ERROR_FAILED_SERVICE_CONTROLLER_CONNECT,
        "not started by the Service Control Manager");
  }

  @Test
  void aRebootStartsInstalledServicesAgain() throws Exception {
    admin.serviceControl().install(NAME, "Test", child("good"));
    admin
        .serviceControl()
        .install("Broken", "Broken", List.of(root.resolve("gone.exe").toString()));
    admin.serviceControl().start(NAME);
    long before = pidOf(NAME);

    admin.restart();

    assertThat(admin.serviceControl().state(NAME)).isEqualTo(ServiceState.RUNNING);
    assertThat(pidOf(NAME)).isNotEqualTo(before);
    assertThat(admin.serviceControl().state("Broken")).isEqualTo(ServiceState.STOPPED);
    admin.serviceControl().stop(NAME);
  }

  @Test
  void atShutdownAServiceThatStopsOnPreshutdownGetsItsWholePreshutdownTimeout() throws Exception {
    admin.serviceControl().install(NAME, "Test", child("slow-stop"));
    admin.serviceControl().setPreshutdownTimeout(NAME, Duration.ofSeconds(6));
    admin
        .registry()
        .setString(SimServiceControl.CONTROL_KEY, SimServiceControl.WAIT_TO_KILL, "500");
    admin.serviceControl().start(NAME);
    long pid = pidOf(NAME);

    List<ServiceShutdown> outcomes = admin.shutdown();

    // Its 1.5 s stop outlasts WaitToKillServiceTimeout (0.5 s) but not the preshutdown timeout.
    assertThat(outcomes)
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.phase()).isEqualTo(ServiceShutdown.Phase.PRESHUTDOWN);
              assertThat(o.millis()).isGreaterThan(1_000);
            });
    // It ended on its own: the SCM never had to kill it.
    assertThat(ProcessHandle.of(pid).map(h -> h.onExit().join().isAlive()).orElse(false)).isFalse();
    assertThat(admin.serviceControl().state(NAME)).isEqualTo(ServiceState.STOPPED);
  }

  @Test
  void atShutdownAServiceThatIgnoresPreshutdownIsLeftTheShortShutdownBudget() throws Exception {
    admin.serviceControl().install(NAME, "Test", child("ignores-preshutdown"));
    admin.serviceControl().setPreshutdownTimeout(NAME, Duration.ofMillis(800));
    admin.serviceControl().start(NAME);

    List<ServiceShutdown> outcomes = admin.shutdown();

    assertThat(outcomes)
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.phase()).isEqualTo(ServiceShutdown.Phase.SHUTDOWN);
              assertThat(o.millis()).isGreaterThanOrEqualTo(800);
            });
    assertThat(SimulatedWindowsHost.readJournal(journal))
        .filteredOn(l -> "service.shutdown".equals(l.get("op")))
        .extracting(l -> l.get("phase"))
        .containsExactly("SHUTDOWN");
  }

  @Test
  void atShutdownAServiceThatIgnoresBothIsKilledWithTheMachine() throws Exception {
    admin.serviceControl().install(NAME, "Test", child("ignores-shutdown"));
    admin.serviceControl().setPreshutdownTimeout(NAME, Duration.ofMillis(300));
    admin
        .registry()
        .setString(SimServiceControl.CONTROL_KEY, SimServiceControl.WAIT_TO_KILL, "300");
    admin.serviceControl().start(NAME);
    long pid = pidOf(NAME);

    List<ServiceShutdown> outcomes = admin.shutdown();

    assertThat(outcomes)
        .extracting(ServiceShutdown::phase)
        .containsExactly(ServiceShutdown.Phase.KILLED);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(admin.serviceControl().state(NAME)).isEqualTo(ServiceState.STOPPED);
  }

  @Test
  void thePreshutdownTimeoutIsAServiceSettingThatNeedsElevation() throws Exception {
    admin.serviceControl().install(NAME, "Test", child("good"));
    SimulatedWindowsHost user = SimulatedWindowsHost.builder(root).build();

    assertWin32(
        () -> user.serviceControl().setPreshutdownTimeout(NAME, Duration.ofSeconds(60)),
        Win32Error.ERROR_ACCESS_DENIED,
        "elevated");
    assertWin32(
        () -> admin.serviceControl().setPreshutdownTimeout("Nope", Duration.ofSeconds(60)),
        Win32Error.ERROR_SERVICE_DOES_NOT_EXIST,
        "ChangeServiceConfig2");
    admin.serviceControl().setPreshutdownTimeout(NAME, Duration.ofSeconds(60));
    assertThat(
            admin
                .registry()
                .getDword(
                    SimServiceControl.SERVICES_KEY + NAME, SimServiceControl.PRESHUTDOWN_TIMEOUT))
        .contains(60_000);
  }

  private long pidOf(String name) throws Exception {
    return admin.store().read(s -> SimServiceControl.processOf(s, name).orElseThrow().pid());
  }
}
