package ca.eazybackup.e3.shims;

/**
 * Every Windows call the agent makes, one interface per concern (DESIGN §6). {@link #current()} is
 * the real host through JNA on Windows and a faithful simulation elsewhere.
 */
public interface WindowsHost {

  DriveMapper drives();

  Volumes volumes();

  Registry registry();

  Services services();

  ShellNotifier shell();

  Elevation elevation();

  NetworkShares networkShares();

  /** Installs/starts/stops the agent itself as a Windows service (SCM). */
  ServiceControl serviceControl();

  /** The real host on Windows; the shared simulated host elsewhere. */
  static WindowsHost current() {
    return WindowsHosts.current();
  }
}
