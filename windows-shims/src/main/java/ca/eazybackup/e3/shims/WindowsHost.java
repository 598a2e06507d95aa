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
   * DPAPI, machine scope, for the agent token at rest. A host without it answers
   * ERROR_CALL_NOT_IMPLEMENTED, and the token stays in plain text behind {@link #fileProtection}.
   */
  default DataProtection dataProtection() {
    return new DataProtection() {
      @Override
      public byte[] protect(byte[] plain) throws ShimException {
        throw ShimException.win32("CryptProtectData", Win32Error.ERROR_CALL_NOT_IMPLEMENTED, null);
      }

      @Override
      public byte[] unprotect(byte[] blob) throws ShimException {
        throw ShimException.win32(
            "CryptUnprotectData", Win32Error.ERROR_CALL_NOT_IMPLEMENTED, null);
      }
    };
  }

  /** ACLs (Windows) or modes (elsewhere: 0600) of files holding secrets. */
  default FileProtection fileProtection() {
    return new PosixFileProtection();
  }

  /** VSS; a host without it answers ACCESS_DENIED, so a backup reads the live files. */
  default ShadowCopies shadowCopies() {
    return new ShadowCopies() {
      @Override
      public ShadowCopy create(String volume, java.nio.file.Path under, java.time.Duration t)
          throws ShimException {
        throw new ShadowCopyException(volume, VssError.ACCESS_DENIED);
      }

      @Override
      public void release(ShadowCopy shadow) {}

      @Override
      public void delete(String id) {}

      @Override
      public java.util.List<String> list() {
        return java.util.List.of();
      }

      @Override
      public java.util.List<ShadowInfo> shadows() {
        return java.util.List.of();
      }
    };
  }

  /**
   * Named pipes with a per-user DACL for the tray channel; a host without them answers
   * ERROR_CALL_NOT_IMPLEMENTED and the channel stays loopback with a per-start token.
   */
  default UserPipes userPipes() {
    return UserPipes.NONE;
  }

  /**
   * The signed-in users' sessions (one tray pipe each); a host without them answers
   * ERROR_CALL_NOT_IMPLEMENTED and the tray channel stays loopback with a per-start token.
   */
  default UserSessions userSessions() {
    return UserSessions.NONE;
  }

  /** How a backup opens source files ({@link SourceFiles#NATIVE} unless the host models locks). */
  default SourceFiles sourceFiles() {
    return SourceFiles.NATIVE;
  }

  /**
   * The service side of the SCM (StartServiceCtrlDispatcher, SetServiceStatus) for {@code service
   * run}. A host without one answers ERROR_FAILED_SERVICE_CONTROLLER_CONNECT, as Windows does for a
   * process the SCM did not start.
   */
  default ServiceDispatcher serviceDispatcher() {
    return (name, program) -> {
      throw ShimException.win32(
          "StartServiceCtrlDispatcher(" + name + ")",
          Win32Error.ERROR_FAILED_SERVICE_CONTROLLER_CONNECT,
          "This host has no Service Control Manager.");
    };
  }

  /**
   * The Application event log under {@code source}. A host without one answers
   * ERROR_CALL_NOT_IMPLEMENTED; callers treat the event log as a copy of their own log, never as
   * the only record.
   */
  default EventLog eventLog(String source) {
    return new EventLog() {
      @Override
      public void report(Level level, int eventId, String message) throws ShimException {
        throw ShimException.win32(
            "ReportEvent(" + source + ")", Win32Error.ERROR_CALL_NOT_IMPLEMENTED, null);
      }

      @Override
      public java.util.List<Event> newest(int max) {
        return java.util.List.of();
      }

      @Override
      public void registerSource() throws ShimException {
        throw ShimException.win32(
            "RegisterEventSource(" + source + ")", Win32Error.ERROR_CALL_NOT_IMPLEMENTED, null);
      }

      @Override
      public void unregisterSource() {}
    };
  }

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
