package ca.eazybackup.e3.shims.jna;

import ca.eazybackup.e3.shims.PendingWatch;
import ca.eazybackup.e3.shims.ServiceControl;
import ca.eazybackup.e3.shims.ServiceState;
import ca.eazybackup.e3.shims.Services;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.Win32Error;
import com.sun.jna.platform.win32.Advapi32;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.Winsvc;
import java.time.Duration;
import java.util.List;

/** The Service Control Manager through Advapi32: the agent's own service and WebClient. */
final class JnaServiceManager implements ServiceControl {
  private static final int SC_MANAGER_CONNECT = 0x0001;
  private static final int SC_MANAGER_CREATE_SERVICE = 0x0002;
  private static final int SERVICE_QUERY_STATUS = 0x0004;
  private static final int SERVICE_START = 0x0010;
  private static final int SERVICE_STOP = 0x0020;
  private static final int DELETE = 0x00010000;
  private static final int SERVICE_ALL_ACCESS = 0xF01FF;
  private static final int SERVICE_WIN32_OWN_PROCESS = 0x10;
  private static final int SERVICE_AUTO_START = 0x2;
  private static final int SERVICE_ERROR_NORMAL = 0x1;
  private static final int SERVICE_CONTROL_STOP = 0x1;
  private static final int SERVICE_CHANGE_CONFIG = 0x0002;
  private static final int SERVICE_CONFIG_PRESHUTDOWN_INFO = 7;

  private static final Advapi32 API = Advapi32.INSTANCE;

  Services services() {
    return new Services() {
      @Override
      public ServiceState state(String serviceName) throws ShimException {
        return JnaServiceManager.this.state(serviceName);
      }

      @Override
      public void start(String serviceName) throws ShimException {
        try {
          JnaServiceManager.this.start(serviceName);
        } catch (ShimException e) {
          if (e.errorCode() != Win32Error.ERROR_SERVICE_ALREADY_RUNNING.code()) {
            throw e;
          }
        }
      }
    };
  }

  @Override
  public void install(String name, String displayName, List<String> commandLine)
      throws ShimException {
    Winsvc.SC_HANDLE scm = openScm(SC_MANAGER_CONNECT | SC_MANAGER_CREATE_SERVICE, name);
    try {
      Winsvc.SC_HANDLE service =
          API.CreateService(
              scm,
              name,
              displayName,
              SERVICE_ALL_ACCESS,
              SERVICE_WIN32_OWN_PROCESS,
              SERVICE_AUTO_START,
              SERVICE_ERROR_NORMAL,
              WindowsValues.commandLine(commandLine),
              null,
              null,
              null,
              null,
              null);
      if (service == null) {
        throw lastError("CreateService(" + name + ")");
      }
      API.CloseServiceHandle(service);
    } finally {
      API.CloseServiceHandle(scm);
    }
  }

  @Override
  public void setPreshutdownTimeout(String name, Duration timeout) throws ShimException {
    withService(
        name,
        SERVICE_CHANGE_CONFIG,
        service -> {
          PreshutdownInfo info = new PreshutdownInfo();
          info.dwPreshutdownTimeout = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
          if (!API.ChangeServiceConfig2(service, SERVICE_CONFIG_PRESHUTDOWN_INFO, info)) {
            throw lastError("ChangeServiceConfig2(" + name + ", SERVICE_CONFIG_PRESHUTDOWN_INFO)");
          }
          return null;
        });
  }

  /** SERVICE_PRESHUTDOWN_INFO (winsvc.h), which jna-platform does not define. */
  @com.sun.jna.Structure.FieldOrder({"dwPreshutdownTimeout"})
  public static final class PreshutdownInfo extends Winsvc.ChangeServiceConfig2Info {
    public int dwPreshutdownTimeout;
  }

  @Override
  public void uninstall(String name) throws ShimException {
    withService(
        name,
        DELETE,
        service -> {
          if (!API.DeleteService(service)) {
            throw lastError("DeleteService(" + name + ")");
          }
          return null;
        });
  }

  @Override
  public void start(String name) throws ShimException {
    withService(
        name,
        SERVICE_START | SERVICE_QUERY_STATUS,
        service -> {
          if (!API.StartService(service, 0, null)) {
            throw lastError("StartService(" + name + ")");
          }
          awaitState(service, name, 4);
          return null;
        });
  }

  @Override
  public void stop(String name) throws ShimException {
    withService(
        name,
        SERVICE_STOP | SERVICE_QUERY_STATUS,
        service -> {
          Winsvc.SERVICE_STATUS status = new Winsvc.SERVICE_STATUS();
          if (!API.ControlService(service, SERVICE_CONTROL_STOP, status)) {
            throw lastError("ControlService(" + name + ", SERVICE_CONTROL_STOP)");
          }
          awaitState(service, name, 1);
          return null;
        });
  }

  @Override
  public ServiceState state(String name) throws ShimException {
    try {
      return withService(name, SERVICE_QUERY_STATUS, service -> currentState(service, name));
    } catch (ShimException e) {
      if (e.errorCode() == Win32Error.ERROR_SERVICE_DOES_NOT_EXIST.code()) {
        return ServiceState.NOT_INSTALLED;
      }
      throw e;
    }
  }

  private interface ServiceCall<T> {
    T run(Winsvc.SC_HANDLE service) throws ShimException;
  }

  private static <T> T withService(String name, int access, ServiceCall<T> call)
      throws ShimException {
    Winsvc.SC_HANDLE scm = openScm(SC_MANAGER_CONNECT, name);
    try {
      Winsvc.SC_HANDLE service = API.OpenService(scm, name, access);
      if (service == null) {
        throw lastError("OpenService(" + name + ")");
      }
      try {
        return call.run(service);
      } finally {
        API.CloseServiceHandle(service);
      }
    } finally {
      API.CloseServiceHandle(scm);
    }
  }

  private static Winsvc.SC_HANDLE openScm(int access, String forService) throws ShimException {
    Winsvc.SC_HANDLE scm = API.OpenSCManager(null, null, access);
    if (scm == null) {
      throw lastError("OpenSCManager(for " + forService + ")");
    }
    return scm;
  }

  private static ServiceState currentState(Winsvc.SC_HANDLE service, String name)
      throws ShimException {
    Winsvc.SERVICE_STATUS status = new Winsvc.SERVICE_STATUS();
    if (!API.QueryServiceStatus(service, status)) {
      throw lastError("QueryServiceStatus(" + name + ")");
    }
    return WindowsValues.serviceState(status.dwCurrentState);
  }

  /**
   * Polls the SCM until the service reaches {@code wanted} (SERVICE_RUNNING/STOPPED), giving up
   * when its checkpoint stands still for longer than its wait hint, as Microsoft's "Starting a
   * Service" sample does ({@link PendingWatch}).
   */
  private static void awaitState(Winsvc.SC_HANDLE service, String name, int wanted)
      throws ShimException {
    ServiceState target = WindowsValues.serviceState(wanted);
    PendingWatch watch = new PendingWatch(Duration.ofSeconds(1), System.currentTimeMillis());
    while (true) {
      Winsvc.SERVICE_STATUS status = new Winsvc.SERVICE_STATUS();
      if (!API.QueryServiceStatus(service, status)) {
        throw lastError("QueryServiceStatus(" + name + ")");
      }
      ServiceState now = WindowsValues.serviceState(status.dwCurrentState);
      if (now == target) {
        return;
      }
      if (now == ServiceState.STOPPED) {
        throw ShimException.win32(
            "waiting for " + name + " to be " + target,
            status.dwWin32ExitCode == 0
                ? Win32Error.ERROR_PROCESS_ABORTED.code()
                : status.dwWin32ExitCode,
            status.dwServiceSpecificExitCode == 0
                ? null
                : "Service-specific exit code " + status.dwServiceSpecificExitCode + ".");
      }
      long t = System.currentTimeMillis();
      if (!watch.observe(status.dwCheckPoint, Integer.toUnsignedLong(status.dwWaitHint), t)) {
        throw ShimException.win32(
            "waiting for " + name + " to be " + target,
            Win32Error.ERROR_SERVICE_REQUEST_TIMEOUT,
            "Checkpoint " + status.dwCheckPoint + " stood still longer than its wait hint.");
      }
      try {
        Thread.sleep(watch.pollInterval().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ShimException("interrupted while waiting for " + name, e);
      }
    }
  }

  private static ShimException lastError(String call) {
    return ShimException.win32(call, Kernel32.INSTANCE.GetLastError(), null);
  }
}
