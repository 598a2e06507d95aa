package ca.eazybackup.e3.shims;

import ca.eazybackup.e3.shims.jna.JnaWindowsHost;
import ca.eazybackup.e3.shims.sim.SimulatedWindowsHost;
import java.util.Locale;

/** Chooses the host implementation once per process. */
final class WindowsHosts {
  private WindowsHosts() {}

  private static final class Holder {
    static final WindowsHost CURRENT = choose();
  }

  static WindowsHost current() {
    return Holder.CURRENT;
  }

  static boolean onWindows() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
  }

  private static WindowsHost choose() {
    return onWindows() ? new JnaWindowsHost() : SimulatedWindowsHost.fromEnvironment();
  }
}
