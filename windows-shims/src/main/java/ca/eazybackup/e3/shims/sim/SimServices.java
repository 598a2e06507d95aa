package ca.eazybackup.e3.shims.sim;

import ca.eazybackup.e3.shims.ServiceState;
import ca.eazybackup.e3.shims.Services;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.Win32Error;

/** Other services (WebClient): query and start, as {@code net start} would. */
final class SimServices implements Services {
  private final SimulatedWindowsHost host;

  SimServices(SimulatedWindowsHost host) {
    this.host = host;
  }

  /** Windows' own services (WebClient in svchost): no process of ours behind them. */
  static boolean isBuiltIn(SimState.Service s) {
    return !s.commandLine().isEmpty()
        && s.commandLine().get(0).toLowerCase(java.util.Locale.ROOT).endsWith("svchost.exe");
  }

  static ServiceState stateOf(SimState state, String name) {
    SimState.Service s = state.services.get(SimState.lower(name));
    return s == null ? ServiceState.NOT_INSTALLED : ServiceState.valueOf(s.state());
  }

  @Override
  public ServiceState state(String serviceName) throws ShimException {
    return host.store().read(state -> stateOf(state, serviceName));
  }

  @Override
  public void start(String serviceName) throws ShimException {
    try {
      host.store()
          .update(
              state -> {
                SimState.Service s = state.services.get(SimState.lower(serviceName));
                String call = "StartService(" + serviceName + ")";
                if (s == null) {
                  throw ShimException.win32(call, Win32Error.ERROR_SERVICE_DOES_NOT_EXIST, null);
                }
                if (s.state().equals(ServiceState.DISABLED.name())) {
                  throw ShimException.win32(call, Win32Error.ERROR_SERVICE_DISABLED, null);
                }
                // Already running counts as started: the caller wants it running.
                state.services.put(
                    SimState.lower(serviceName), s.withState(ServiceState.RUNNING.name()));
                return null;
              });
      host.journal().ok("service.start", "name", serviceName);
    } catch (ShimException e) {
      Win32Error error = e.error();
      host.journal()
          .failed(
              "service.start",
              error == null ? "UNKNOWN" : error.name(),
              e.errorCode(),
              "name",
              serviceName);
      throw e;
    }
  }
}
