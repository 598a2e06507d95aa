package ca.eazybackup.e3.shims.jna;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.shims.ServiceControl;
import ca.eazybackup.e3.shims.ServiceState;
import ca.eazybackup.e3.shims.ShimException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A service program on the real SCM: install → start (StartServiceCtrlDispatcher within 30 s,
 * START_PENDING → RUNNING) → stop (STOP_PENDING with checkpoints → STOPPED) → uninstall. Needs an
 * elevated process, which GitHub's Windows runners are.
 */
@EnabledOnOs(
    value = OS.WINDOWS,
    disabledReason = "the real Service Control Manager: runs in the windows.yml job")
class RealServiceLifecycleTest {
  private final ServiceControl scm = new JnaWindowsHost().serviceControl();

  @Test
  void aDispatcherProgramRunsAndStopsUnderTheRealScm() throws Exception {
    String name = "E3ShimTest" + UUID.randomUUID().toString().substring(0, 8);
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java.exe").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            RealServiceChild.class.getName(),
            name);
    scm.install(name, "e3 shim test", cmd);
    try {
      scm.setPreshutdownTimeout(name, Duration.ofSeconds(30));
      assertThat(scm.state(name)).isEqualTo(ServiceState.STOPPED);

      scm.start(name);
      assertThat(scm.state(name)).isEqualTo(ServiceState.RUNNING);

      scm.stop(name);
      assertThat(scm.state(name)).isEqualTo(ServiceState.STOPPED);
    } finally {
      try {
        if (scm.state(name) == ServiceState.RUNNING) {
          scm.stop(name);
        }
      } catch (ShimException e) {
        // best effort: the uninstall below marks it for deletion anyway
      }
      scm.uninstall(name);
    }
    assertThat(scm.state(name)).isEqualTo(ServiceState.NOT_INSTALLED);
  }
}
