package ca.eazybackup.e3.shims;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.shims.sim.SimulatedWindowsHost;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WindowsHostsTest {

  @Test
  void offWindowsTheCurrentHostIsTheSimulationConfiguredBySystemProperties(@TempDir Path root) {
    org.junit.jupiter.api.Assumptions.assumeFalse(WindowsHosts.onWindows());
    System.setProperty("E3_SIMHOST_ROOT", root.toString());
    try {
      WindowsHost host = WindowsHost.current();
      assertThat(host).isInstanceOf(SimulatedWindowsHost.class).isSameAs(WindowsHost.current());
      assertThat(((SimulatedWindowsHost) host).root()).isEqualTo(root);
    } finally {
      System.clearProperty("E3_SIMHOST_ROOT");
    }
  }
}
