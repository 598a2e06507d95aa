package ca.eazybackup.e3.shims.sim;

import ca.eazybackup.e3.shims.ServiceControl;
import ca.eazybackup.e3.shims.ServiceState;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.Win32Error;
import java.util.List;

/**
 * The agent's own service in the simulated SCM. Every change needs an elevated process. The state
 * machine follows the SCM: install → STOPPED; start → RUNNING; stop → STOPPED; uninstalling a
 * running service only marks it for deletion (it disappears when it stops, and until then start and
 * install fail with ERROR_SERVICE_MARKED_FOR_DELETE). No process is launched: the journal records
 * what would happen.
 */
final class SimServiceControl implements ServiceControl {
  private final SimulatedWindowsHost host;

  SimServiceControl(SimulatedWindowsHost host) {
    this.host = host;
  }

  @Override
  public void install(String name, String displayName, List<String> commandLine)
      throws ShimException {
    Object[] fields = {"name", name, "display_name", displayName, "command_line", commandLine};
    change(
        "service.install",
        "CreateService(" + name + ")",
        fields,
        (state, existing, call) -> {
          if (existing != null) {
            throw ShimException.win32(
                call,
                existing.markedForDelete()
                    ? Win32Error.ERROR_SERVICE_MARKED_FOR_DELETE
                    : Win32Error.ERROR_SERVICE_EXISTS,
                null);
          }
          state.services.put(
              SimState.lower(name),
              new SimState.Service(
                  name, displayName, List.copyOf(commandLine), ServiceState.STOPPED.name(), false));
        });
  }

  @Override
  public void uninstall(String name) throws ShimException {
    change(
        "service.uninstall",
        "DeleteService(" + name + ")",
        new Object[] {"name", name},
        (state, existing, call) -> {
          requireLive(existing, call);
          if (existing.state().equals(ServiceState.STOPPED.name())) {
            state.services.remove(SimState.lower(name));
          } else {
            state.services.put(SimState.lower(name), existing.markForDelete());
          }
        });
  }

  @Override
  public void start(String name) throws ShimException {
    change(
        "service.start",
        "StartService(" + name + ")",
        new Object[] {"name", name},
        (state, existing, call) -> {
          requireLive(existing, call);
          if (existing.state().equals(ServiceState.RUNNING.name())) {
            throw ShimException.win32(call, Win32Error.ERROR_SERVICE_ALREADY_RUNNING, null);
          }
          if (existing.state().equals(ServiceState.DISABLED.name())) {
            throw ShimException.win32(call, Win32Error.ERROR_SERVICE_DISABLED, null);
          }
          state.services.put(SimState.lower(name), existing.withState(ServiceState.RUNNING.name()));
        });
  }

  @Override
  public void stop(String name) throws ShimException {
    change(
        "service.stop",
        "ControlService(" + name + ", SERVICE_CONTROL_STOP)",
        new Object[] {"name", name},
        (state, existing, call) -> {
          if (existing == null) {
            throw ShimException.win32(call, Win32Error.ERROR_SERVICE_DOES_NOT_EXIST, null);
          }
          if (!existing.state().equals(ServiceState.RUNNING.name())) {
            throw ShimException.win32(call, Win32Error.ERROR_SERVICE_NOT_ACTIVE, null);
          }
          if (existing.markedForDelete()) {
            state.services.remove(SimState.lower(name));
          } else {
            state.services.put(
                SimState.lower(name), existing.withState(ServiceState.STOPPED.name()));
          }
        });
  }

  @Override
  public ServiceState state(String name) throws ShimException {
    return host.store().read(state -> SimServices.stateOf(state, name));
  }

  private interface Transition {
    void apply(SimState state, SimState.Service existing, String call) throws ShimException;
  }

  private void change(String op, String call, Object[] fields, Transition transition)
      throws ShimException {
    try {
      if (!host.elevation().isElevated()) {
        throw ShimException.win32(
            call,
            Win32Error.ERROR_ACCESS_DENIED,
            "Installing and controlling services needs an elevated (Administrator) process.");
      }
      String name = (String) fields[1];
      host.store()
          .update(
              state -> {
                transition.apply(state, state.services.get(SimState.lower(name)), call);
                return null;
              });
      host.journal().ok(op, fields);
    } catch (ShimException e) {
      Win32Error error = e.error();
      host.journal().failed(op, error == null ? "UNKNOWN" : error.name(), e.errorCode(), fields);
      throw e;
    }
  }

  /** The SCM's answer for a service that is gone or about to be. */
  private static void requireLive(SimState.Service existing, String call) throws ShimException {
    if (existing == null) {
      throw ShimException.win32(call, Win32Error.ERROR_SERVICE_DOES_NOT_EXIST, null);
    }
    if (existing.markedForDelete()) {
      throw ShimException.win32(call, Win32Error.ERROR_SERVICE_MARKED_FOR_DELETE, null);
    }
  }
}
