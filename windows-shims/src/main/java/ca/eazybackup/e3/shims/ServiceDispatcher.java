package ca.eazybackup.e3.shims;

/**
 * The service side of the Service Control Manager: what a process the SCM launched must do within
 * 30 s of starting (StartServiceCtrlDispatcher), or the SCM kills it and fails the start with
 * ERROR_SERVICE_REQUEST_TIMEOUT (1053). A process started from a console is refused with
 * ERROR_FAILED_SERVICE_CONTROLLER_CONNECT (1063), as Windows does.
 */
public interface ServiceDispatcher {

  /**
   * Connects this process to the SCM and runs {@code program}: its {@link ServiceProgram#main} on a
   * new thread, its {@link ServiceProgram#control} on the calling (dispatcher) thread. Returns when
   * the program's main has returned and SERVICE_STOPPED was reported with its exit code.
   */
  void run(String serviceName, ServiceProgram program) throws ShimException;
}
