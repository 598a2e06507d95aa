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

  /**
   * Turns a path as the addon sends it ({@code C:\\Users\\x}, {@code \\\\server\\share\\dir}, or a
   * native path) into a path this process can read. On Windows this is {@code Path.of}; the
   * simulated host maps drive letters and UNC shares onto local folders and refuses a share that
   * was not logged on to, as Windows would.
   */
  java.nio.file.Path resolve(String path) throws ShimException;

  /** The real host on Windows; the shared simulated host elsewhere. */
  static WindowsHost current() {
    return WindowsHosts.current();
  }
}
