package ca.eazybackup.e3.shims.jna;

import ca.eazybackup.e3.shims.ServiceControlRequest;
import ca.eazybackup.e3.shims.ServiceDispatcher;
import ca.eazybackup.e3.shims.ServiceProgram;
import ca.eazybackup.e3.shims.ServiceState;
import ca.eazybackup.e3.shims.ServiceStatus;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.Win32Error;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Advapi32;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.Winsvc;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * StartServiceCtrlDispatcher, RegisterServiceCtrlHandlerEx and SetServiceStatus through Advapi32.
 * The calling thread becomes the dispatcher (the SCM calls the handler on it); ServiceMain runs on
 * the thread the SCM creates for it. The callbacks are fields so the garbage collector cannot take
 * them while Windows still holds their addresses.
 */
final class JnaServiceDispatcher implements ServiceDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(JnaServiceDispatcher.class);
  private static final int SERVICE_WIN32_OWN_PROCESS = 0x10;
  private static final int SERVICE_ACCEPT_STOP = 0x1;
  private static final int SERVICE_ACCEPT_SHUTDOWN = 0x4;
  private static final int SERVICE_ACCEPT_PRESHUTDOWN = 0x100;
  private static final int NO_ERROR = 0;

  private static final Advapi32 API = Advapi32.INSTANCE;

  @Override
  public void run(String serviceName, ServiceProgram program) throws ShimException {
    Session session = new Session(serviceName, program);
    Winsvc.SERVICE_TABLE_ENTRY[] table =
        (Winsvc.SERVICE_TABLE_ENTRY[]) new Winsvc.SERVICE_TABLE_ENTRY().toArray(2);
    table[0].lpServiceName = serviceName;
    table[0].lpServiceProc = session.main;
    table[0].write();
    // Blocks until every service of this process reported SERVICE_STOPPED.
    if (!API.StartServiceCtrlDispatcher(table)) {
      throw ShimException.win32(
          "StartServiceCtrlDispatcher(" + serviceName + ")",
          Kernel32.INSTANCE.GetLastError(),
          null);
    }
    Throwable failure = session.failure.get();
    if (failure != null) {
      throw new ShimException("service " + serviceName + " failed: " + failure, failure);
    }
  }

  /** One run of the service: its ServiceMain, its HandlerEx and its status handle. */
  private static final class Session implements ServiceStatus {
    private final String name;
    private final ServiceProgram program;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile Winsvc.SERVICE_STATUS_HANDLE handle;

    final Winsvc.SERVICE_MAIN_FUNCTION main = this::serviceMain;
    final Winsvc.HandlerEx handler = this::handlerEx;

    Session(String name, ServiceProgram program) {
      this.name = name;
      this.program = program;
    }

    private void serviceMain(int argc, Pointer argv) {
      handle = API.RegisterServiceCtrlHandlerEx(name, handler, null);
      if (handle == null) {
        failure.set(
            ShimException.win32(
                "RegisterServiceCtrlHandlerEx(" + name + ")",
                Kernel32.INSTANCE.GetLastError(),
                null));
        return;
      }
      int exitCode;
      try {
        exitCode = program.main(this);
      } catch (Throwable t) {
        LOG.error("event=service_main_failed service={} error={}", name, t.toString(), t);
        failure.set(t);
        exitCode = 1;
      }
      set(WindowsValues.SERVICE_STOPPED, 0, 0, exitCode);
    }

    private int handlerEx(int control, int eventType, Pointer eventData, Pointer context) {
      ServiceControlRequest request = ServiceControlRequest.ofCode(control);
      if (request == null) {
        return Win32Error.ERROR_CALL_NOT_IMPLEMENTED.code();
      }
      if (request != ServiceControlRequest.INTERROGATE) {
        program.control(request, this);
      }
      return NO_ERROR;
    }

    @Override
    public void report(ServiceState state, int checkPoint, Duration waitHint) {
      int code = WindowsValues.serviceStateCode(state);
      int hint = waitHint == null ? 0 : (int) Math.min(Integer.MAX_VALUE, waitHint.toMillis());
      set(code, state == ServiceState.RUNNING ? 0 : checkPoint, hint, 0);
    }

    private void set(int state, int checkPoint, int waitHint, int exitCode) {
      Winsvc.SERVICE_STATUS status = new Winsvc.SERVICE_STATUS();
      status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
      status.dwCurrentState = state;
      status.dwControlsAccepted =
          state == WindowsValues.SERVICE_RUNNING
              ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN | SERVICE_ACCEPT_PRESHUTDOWN
              : 0;
      if (exitCode != 0) {
        status.dwWin32ExitCode = Win32Error.ERROR_SERVICE_SPECIFIC_ERROR.code();
        status.dwServiceSpecificExitCode = exitCode;
      }
      status.dwCheckPoint = checkPoint;
      status.dwWaitHint = waitHint;
      if (handle != null && !API.SetServiceStatus(handle, status)) {
        LOG.warn(
            "event=set_service_status_failed service={} state={} error={}",
            name,
            state,
            Win32Error.describe(Kernel32.INSTANCE.GetLastError()));
      }
    }
  }
}
