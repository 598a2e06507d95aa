package ca.eazybackup.e3.shims.sim;

import ca.eazybackup.e3.shims.PendingWatch;
import ca.eazybackup.e3.shims.ServiceControl;
import ca.eazybackup.e3.shims.ServiceControlRequest;
import ca.eazybackup.e3.shims.ServiceState;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.Win32Error;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The Service Control Manager of the simulated host, for the agent's own service. It keeps the
 * SCM's state machine (install → STOPPED; uninstalling a running service only marks it for
 * deletion; every change needs an elevated process) and, like the real SCM, it launches the
 * registered command line as a child process and holds it to the SCM's rules:
 *
 * <ul>
 *   <li>The process must connect its dispatcher (StartServiceCtrlDispatcher) within {@code
 *       ServicesPipeTimeout} (HKLM\SYSTEM\CurrentControlSet\Control, default 30,000 ms), else it is
 *       killed and the start fails with ERROR_SERVICE_REQUEST_TIMEOUT (1053) - the fate of a plain
 *       {@code java -jar … run} (StartServiceCtrlDispatcher docs: "the main thread … should make
 *       this call as soon as possible after it starts up (within 30 seconds)").
 *   <li>A pending start or stop whose checkpoint stands still for longer than its wait hint is
 *       given up with 1053 (SERVICE_STATUS docs, {@link PendingWatch}).
 *   <li>The control handler must return within 30 s, else the control fails with 1053 (HandlerEx
 *       docs: "The control handler must return within 30 seconds").
 *   <li>A process that exits without reporting SERVICE_STOPPED leaves the service STOPPED; during a
 *       start that is ERROR_PROCESS_ABORTED (1067).
 * </ul>
 *
 * The child learns it was launched by the SCM from {@code E3_SIMHOST_SCM_SERVICE} and {@code
 * E3_SIMHOST_SCM_LAUNCH}; its {@link SimServiceDispatcher} reports through the shared state file
 * and listens for controls on a loopback port with a per-launch token. A process without a
 * dispatcher never reports, exactly as on Windows.
 */
final class SimServiceControl implements ServiceControl {
  static final String CONTROL_KEY = "HKLM\\SYSTEM\\CurrentControlSet\\Control";
  static final String PIPE_TIMEOUT = "ServicesPipeTimeout";
  static final long DEFAULT_PIPE_TIMEOUT_MS = 30_000;
  static final String SERVICE_ENV = "E3_SIMHOST_SCM_SERVICE";
  static final String LAUNCH_ENV = "E3_SIMHOST_SCM_LAUNCH";
  private static final Duration POLL_FLOOR = Duration.ofMillis(100);

  /**
   * Microsoft's "Starting a Service" sample sleeps at least 1 s before it looks at a pending
   * service again, so a checkpoint that stands still for less than that (a wait hint of 0 while the
   * service finishes starting) is never a hang. The simulation polls every 100 ms for speed but
   * keeps that tolerance: with 100 ms it failed a healthy service on a loaded CI machine.
   */
  private static final Duration STALL_FLOOR = Duration.ofSeconds(1);

  static final String SERVICES_KEY = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\";

  /** REG_DWORD under the service's key, what ChangeServiceConfig2 PRESHUTDOWN_INFO writes. */
  static final String PRESHUTDOWN_TIMEOUT = "PreshutdownTimeout";

  /** Windows 10 build 15063 and later (SERVICE_PRESHUTDOWN_INFO docs); 180 s before that. */
  static final long DEFAULT_PRESHUTDOWN_MS = 10_000;

  /** REG_SZ (milliseconds) under {@link #CONTROL_KEY}: the SHUTDOWN phase's budget. */
  static final String WAIT_TO_KILL = "WaitToKillServiceTimeout";

  /** The value Windows 10 and 11 ship ("5000"); 20 s on older releases. */
  static final long DEFAULT_WAIT_TO_KILL_MS = 5_000;

  private final SimulatedWindowsHost host;
  private final Duration controlTimeout;

  SimServiceControl(SimulatedWindowsHost host, Duration controlTimeout) {
    this.host = host;
    this.controlTimeout = controlTimeout;
  }

  @Override
  public void install(String name, String displayName, List<String> commandLine)
      throws ShimException {
    Object[] fields = {"name", name, "display_name", displayName, "command_line", commandLine};
    change(
        "service.install",
        fields,
        () ->
            host.store()
                .update(
                    state -> {
                      String call = "CreateService(" + name + ")";
                      SimState.Service existing = state.services.get(SimState.lower(name));
                      if (existing != null) {
                        throw ShimException.win32(
                            call,
                            existing.markedForDelete()
                                ? Win32Error.ERROR_SERVICE_MARKED_FOR_DELETE
                                : Win32Error.ERROR_SERVICE_EXISTS,
                            null);
                      }
                      if (commandLine.isEmpty()) {
                        throw ShimException.win32(call, Win32Error.ERROR_INVALID_PARAMETER, null);
                      }
                      state.services.put(
                          SimState.lower(name),
                          new SimState.Service(
                              name,
                              displayName,
                              List.copyOf(commandLine),
                              ServiceState.STOPPED.name(),
                              false));
                      return null;
                    }));
  }

  @Override
  public void uninstall(String name) throws ShimException {
    change(
        "service.uninstall",
        new Object[] {"name", name},
        () ->
            host.store()
                .update(
                    state -> {
                      SimState.Service existing = live(state, name, "DeleteService(" + name + ")");
                      if (stateOf(state, name) == ServiceState.STOPPED) {
                        state.services.remove(SimState.lower(name));
                      } else {
                        state.services.put(SimState.lower(name), existing.markForDelete());
                      }
                      return null;
                    }));
  }

  @Override
  public void start(String name) throws ShimException {
    change("service.start", new Object[] {"name", name}, () -> launchAndAwaitRunning(name));
  }

  @Override
  public void stop(String name) throws ShimException {
    change("service.stop", new Object[] {"name", name}, () -> controlAndAwaitStopped(name));
  }

  @Override
  public ServiceState state(String name) throws ShimException {
    return host.store()
        .update(
            state -> {
              reapDeadProcess(state, name);
              return SimServices.stateOf(state, name);
            });
  }

  // ---- start -------------------------------------------------------------------------------

  private void launchAndAwaitRunning(String name) throws ShimException {
    String launchId = UUID.randomUUID().toString();
    String call = "StartService(" + name + ")";
    long[] pipeTimeout = new long[1];
    List<String> commandLine =
        host.store()
            .update(
                state -> {
                  reapDeadProcess(state, name);
                  SimState.Service s = live(state, name, call);
                  ServiceState current = ServiceState.valueOf(s.state());
                  if (current == ServiceState.DISABLED) {
                    throw ShimException.win32(call, Win32Error.ERROR_SERVICE_DISABLED, null);
                  }
                  if (current != ServiceState.STOPPED) {
                    throw ShimException.win32(call, Win32Error.ERROR_SERVICE_ALREADY_RUNNING, null);
                  }
                  pipeTimeout[0] =
                      SimRegistry.dword(state, CONTROL_KEY, PIPE_TIMEOUT)
                          .orElse(DEFAULT_PIPE_TIMEOUT_MS);
                  state.services.put(
                      SimState.lower(name), s.withState(ServiceState.START_PENDING.name()));
                  state.serviceProcesses.put(
                      SimState.lower(name),
                      new SimState.ServiceProcess(launchId, null, null, null, 0, 0, 0, null));
                  return s.commandLine();
                });
    Process process;
    try {
      process = launch(name, launchId, commandLine);
    } catch (IOException e) {
      settle(name, launchId, null);
      throw ShimException.win32(
          call,
          Win32Error.ERROR_FILE_NOT_FOUND,
          "The service's program " + commandLine.get(0) + " could not be started: " + e);
    }
    long pid = process.pid();
    host.store()
        .update(
            state -> {
              SimState.ServiceProcess p = state.serviceProcesses.get(SimState.lower(name));
              if (p != null && p.launchId().equals(launchId) && p.pid() == null) {
                state.serviceProcesses.put(
                    SimState.lower(name),
                    new SimState.ServiceProcess(
                        launchId,
                        pid,
                        p.controlPort(),
                        p.controlToken(),
                        p.checkPoint(),
                        p.waitHintMillis(),
                        p.reportedAtMillis(),
                        p.exitCode()));
              }
              return null;
            });
    awaitRunning(name, launchId, process, pipeTimeout[0], call);
  }

  private void awaitRunning(
      String name, String launchId, Process process, long pipeTimeoutMs, String call)
      throws ShimException {
    long started = System.currentTimeMillis();
    PendingWatch watch = new PendingWatch(POLL_FLOOR, STALL_FLOOR, started);
    while (true) {
      Snapshot now = snapshot(name);
      long t = System.currentTimeMillis();
      if (now.state == ServiceState.RUNNING) {
        return;
      }
      if (now.state == ServiceState.STOPPED || !process.isAlive()) {
        Integer exit = now.process == null ? null : now.process.exitCode();
        settle(name, launchId, null);
        if (exit != null && exit != 0) {
          throw ShimException.win32(
              call,
              Win32Error.ERROR_SERVICE_SPECIFIC_ERROR,
              "The service stopped while starting, with exit code " + exit + ".");
        }
        throw ShimException.win32(
            call,
            Win32Error.ERROR_PROCESS_ABORTED,
            "The service's process exited before it reported SERVICE_RUNNING" + exitOf(process));
      }
      boolean connected = now.process != null && now.process.controlPort() != null;
      if (!connected) {
        if (t - started > pipeTimeoutMs) {
          kill(process);
          settle(name, launchId, null);
          throw ShimException.win32(
              call,
              Win32Error.ERROR_SERVICE_REQUEST_TIMEOUT,
              "The process did not connect to the SCM (StartServiceCtrlDispatcher) within "
                  + pipeTimeoutMs
                  + " ms ("
                  + PIPE_TIMEOUT
                  + ") and was terminated: its command line does not run a service program.");
        }
      } else if (!watch.observe(now.process.checkPoint(), now.process.waitHintMillis(), t)) {
        throw ShimException.win32(
            call,
            Win32Error.ERROR_SERVICE_REQUEST_TIMEOUT,
            "The service stayed START_PENDING at checkpoint "
                + now.process.checkPoint()
                + " for "
                + watch.stalledMillis(t)
                + " ms, longer than its wait hint of "
                + watch.waitHintMillis()
                + " ms.");
      }
      pause(connected ? watch.pollInterval() : POLL_FLOOR);
    }
  }

  private Process launch(String name, String launchId, List<String> commandLine)
      throws IOException {
    Path logs = host.root().resolve("services");
    Files.createDirectories(logs);
    ProcessBuilder pb =
        new ProcessBuilder(commandLine)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(name + ".out").toFile()));
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("E3_SIMHOST_"));
    env.put(SimulatedWindowsHost.ROOT, host.root().toString());
    host.journalFile().ifPresent(j -> env.put(SimulatedWindowsHost.JOURNAL, j.toString()));
    // Services run as LocalSystem in session 0: elevated, and apart from every user's session.
    env.put(SimulatedWindowsHost.ELEVATED, "true");
    env.put(SimulatedWindowsHost.SESSION, SimState.SERVICE);
    env.put(SERVICE_ENV, name);
    env.put(LAUNCH_ENV, launchId);
    return pb.start();
  }

  // ---- stop --------------------------------------------------------------------------------

  private void controlAndAwaitStopped(String name) throws ShimException {
    String call = "ControlService(" + name + ", SERVICE_CONTROL_STOP)";
    Snapshot before =
        host.store()
            .update(
                state -> {
                  reapDeadProcess(state, name);
                  if (!state.services.containsKey(SimState.lower(name))) {
                    throw ShimException.win32(call, Win32Error.ERROR_SERVICE_DOES_NOT_EXIST, null);
                  }
                  return new Snapshot(
                      SimServices.stateOf(state, name),
                      state.serviceProcesses.get(SimState.lower(name)));
                });
    if (before.state == ServiceState.START_PENDING || before.state == ServiceState.STOP_PENDING) {
      throw ShimException.win32(call, Win32Error.ERROR_SERVICE_CANNOT_ACCEPT_CTRL, null);
    }
    if (before.state != ServiceState.RUNNING) {
      throw ShimException.win32(call, Win32Error.ERROR_SERVICE_NOT_ACTIVE, null);
    }
    if (before.process == null || before.process.controlPort() == null) {
      // A service the SCM believes running without a process of ours (set up by an older host):
      // nothing to signal, so it simply stops.
      settle(name, null, null);
      return;
    }
    sendControl(before.process, ServiceControlRequest.STOP, call);
    PendingWatch watch = new PendingWatch(POLL_FLOOR, STALL_FLOOR, System.currentTimeMillis());
    while (true) {
      Snapshot now = snapshot(name);
      if (now.state == ServiceState.STOPPED || now.state == ServiceState.NOT_INSTALLED) {
        settle(name, before.process.launchId(), null);
        return;
      }
      if (now.process == null || !alive(now.process)) {
        settle(name, before.process.launchId(), null);
        host.journal().ok("service.exited_without_stopped", "name", name);
        return;
      }
      long t = System.currentTimeMillis();
      if (!watch.observe(now.process.checkPoint(), now.process.waitHintMillis(), t)) {
        throw ShimException.win32(
            call,
            Win32Error.ERROR_SERVICE_REQUEST_TIMEOUT,
            "The service stayed STOP_PENDING at checkpoint "
                + now.process.checkPoint()
                + " for "
                + watch.stalledMillis(t)
                + " ms, longer than its wait hint of "
                + watch.waitHintMillis()
                + " ms.");
      }
      pause(watch.pollInterval());
    }
  }

  /** Hands {@code request} to the service's control handler and waits for it to return. */
  private void sendControl(SimState.ServiceProcess p, ServiceControlRequest request, String call)
      throws ShimException {
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), p.controlPort()), 5_000);
      socket.setSoTimeout((int) controlTimeout.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(
          (p.controlToken() + " " + request.name() + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer =
          new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      if (answer == null || !answer.startsWith("ok")) {
        throw ShimException.win32(
            call, Win32Error.ERROR_SERVICE_CANNOT_ACCEPT_CTRL, "The service answered " + answer);
      }
    } catch (SocketTimeoutException e) {
      throw ShimException.win32(
          call,
          Win32Error.ERROR_SERVICE_REQUEST_TIMEOUT,
          "The service's control handler did not return within "
              + controlTimeout.toMillis()
              + " ms.");
    } catch (IOException e) {
      throw ShimException.win32(
          call, Win32Error.ERROR_SERVICE_CANNOT_ACCEPT_CTRL, "Its control handler is gone: " + e);
    }
  }

  @Override
  public void setPreshutdownTimeout(String name, Duration timeout) throws ShimException {
    change(
        "service.configure",
        new Object[] {"name", name, "preshutdown_timeout_ms", timeout.toMillis()},
        () ->
            host.store()
                .update(
                    state -> {
                      live(state, name, "ChangeServiceConfig2(" + name + ")");
                      SimRegistry.put(
                          state,
                          SERVICES_KEY + name,
                          PRESHUTDOWN_TIMEOUT,
                          "REG_DWORD",
                          Long.toString(timeout.toMillis()));
                      return null;
                    }));
  }

  // ---- system shutdown ---------------------------------------------------------------------

  /**
   * A system shutdown as the SCM runs it (SERVICE_PRESHUTDOWN_INFO, HandlerEx docs): every running
   * service of ours (all accept PRESHUTDOWN and SHUTDOWN, as the dispatcher registers them) gets
   * SERVICE_CONTROL_PRESHUTDOWN, and the SCM waits until it reports SERVICE_STOPPED or its
   * preshutdown timeout passes - it may keep reporting STOP_PENDING meanwhile. Those still running
   * then get SERVICE_CONTROL_SHUTDOWN and {@code WaitToKillServiceTimeout}; whatever runs after
   * that is terminated with the machine. A service that ignores PRESHUTDOWN therefore gets only the
   * short SHUTDOWN budget, or is killed mid-work. The journal records {@code service.shutdown} per
   * service.
   */
  List<ServiceShutdown> shutdown() throws ShimException {
    record Running(String name, SimState.ServiceProcess process, long preshutdownMs) {}
    long[] waitToKill = new long[1];
    List<Running> running =
        host.store()
            .update(
                state -> {
                  waitToKill[0] =
                      SimRegistry.string(state, CONTROL_KEY, WAIT_TO_KILL)
                          .map(v -> Long.parseLong(v.strip()))
                          .orElse(DEFAULT_WAIT_TO_KILL_MS);
                  List<Running> list = new ArrayList<>();
                  for (SimState.Service s : state.services.values()) {
                    reapDeadProcess(state, s.name());
                  }
                  for (SimState.Service s : state.services.values()) {
                    SimState.ServiceProcess p =
                        state.serviceProcesses.get(SimState.lower(s.name()));
                    if (p != null && p.controlPort() != null && alive(p)) {
                      list.add(
                          new Running(
                              s.name(),
                              p,
                              SimRegistry.dword(state, SERVICES_KEY + s.name(), PRESHUTDOWN_TIMEOUT)
                                  .orElse(DEFAULT_PRESHUTDOWN_MS)));
                    }
                  }
                  return list;
                });
    List<ServiceShutdown> outcomes = new ArrayList<>();
    for (Running r : running) {
      long t0 = System.currentTimeMillis();
      ServiceShutdown.Phase phase = ServiceShutdown.Phase.PRESHUTDOWN;
      if (!deliverAndAwaitStop(
          r.name, r.process, ServiceControlRequest.PRESHUTDOWN, r.preshutdownMs)) {
        phase = ServiceShutdown.Phase.SHUTDOWN;
        if (!deliverAndAwaitStop(
            r.name, r.process, ServiceControlRequest.SHUTDOWN, waitToKill[0])) {
          phase = ServiceShutdown.Phase.KILLED;
          ProcessHandle.of(r.process.pid()).ifPresent(SimServiceControl::terminate);
        }
      }
      settle(r.name, r.process.launchId(), null);
      long millis = System.currentTimeMillis() - t0;
      host.journal()
          .ok("service.shutdown", "name", r.name, "phase", phase.name(), "millis", millis);
      outcomes.add(new ServiceShutdown(r.name, phase, millis));
    }
    return outcomes;
  }

  /** Sends {@code request} and waits up to {@code budgetMs} for the process to stop. */
  private boolean deliverAndAwaitStop(
      String name, SimState.ServiceProcess process, ServiceControlRequest request, long budgetMs)
      throws ShimException {
    long deadline = System.currentTimeMillis() + budgetMs;
    try {
      sendControl(process, request, "ControlService(" + name + ", " + request + ")");
    } catch (ShimException e) {
      // A hung or gone handler: the SCM moves on and keeps waiting out the budget.
      host.journal()
          .failed(
              "service.control",
              e.error() == null ? "UNKNOWN" : e.error().name(),
              e.errorCode(),
              "name",
              name,
              "control",
              request.name());
    }
    while (true) {
      Snapshot now = snapshot(name);
      boolean gone =
          now.process == null
              || !now.process.launchId().equals(process.launchId())
              || !alive(now.process);
      if (gone || now.state == ServiceState.STOPPED) {
        return true;
      }
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        return false;
      }
      pause(Duration.ofMillis(Math.min(POLL_FLOOR.toMillis(), left)));
    }
  }

  // ---- host restart ------------------------------------------------------------------------

  /**
   * A reboot: every service process of ours dies with the machine, then the SCM starts the
   * auto-start services again (all of ours are SERVICE_AUTO_START); one whose program is missing or
   * never connects stays STOPPED, as Windows logs event 7000/7009 and moves on.
   */
  void reboot() throws ShimException {
    List<String> autoStart = new ArrayList<>();
    host.store()
        .update(
            state -> {
              for (SimState.ServiceProcess p : state.serviceProcesses.values()) {
                if (p.pid() != null) {
                  ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
                }
              }
              state.serviceProcesses.clear();
              state.services.values().removeIf(SimState.Service::markedForDelete);
              state.services.replaceAll(
                  (key, s) -> {
                    if (s.state().equals(ServiceState.DISABLED.name())) {
                      return s;
                    }
                    if (!SimServices.isBuiltIn(s)) {
                      autoStart.add(s.name());
                    }
                    return s.withState(ServiceState.STOPPED.name());
                  });
              return null;
            });
    for (String name : autoStart) {
      try {
        launchAndAwaitRunning(name);
      } catch (ShimException e) {
        host.journal()
            .failed(
                "service.autostart",
                e.error() == null ? "UNKNOWN" : e.error().name(),
                e.errorCode(),
                "name",
                name);
      }
    }
  }

  // ---- shared ------------------------------------------------------------------------------

  private record Snapshot(ServiceState state, SimState.ServiceProcess process) {}

  private Snapshot snapshot(String name) throws ShimException {
    return host.store()
        .read(
            state ->
                new Snapshot(
                    SimServices.stateOf(state, name),
                    state.serviceProcesses.get(SimState.lower(name))));
  }

  /**
   * The service is STOPPED and its process record dropped (only if it is still launch {@code
   * launchId}, when given); a service marked for deletion goes away now.
   */
  private void settle(String name, String launchId, Integer exitCode) throws ShimException {
    host.store()
        .update(
            state -> {
              SimState.ServiceProcess p = state.serviceProcesses.get(SimState.lower(name));
              if (launchId != null && p != null && !p.launchId().equals(launchId)) {
                return null;
              }
              state.serviceProcesses.remove(SimState.lower(name));
              SimState.Service s = state.services.get(SimState.lower(name));
              if (s == null) {
                return null;
              }
              if (s.markedForDelete()) {
                state.services.remove(SimState.lower(name));
              } else {
                state.services.put(SimState.lower(name), s.withState(ServiceState.STOPPED.name()));
              }
              return null;
            });
  }

  /** The SCM notices a service process that died: the service is STOPPED. */
  private static void reapDeadProcess(SimState state, String name) {
    SimState.ServiceProcess p = state.serviceProcesses.get(SimState.lower(name));
    if (p == null || p.pid() == null || alive(p)) {
      return;
    }
    state.serviceProcesses.remove(SimState.lower(name));
    SimState.Service s = state.services.get(SimState.lower(name));
    if (s == null) {
      return;
    }
    if (s.markedForDelete()) {
      state.services.remove(SimState.lower(name));
    } else {
      state.services.put(SimState.lower(name), s.withState(ServiceState.STOPPED.name()));
    }
  }

  static ServiceState stateOf(SimState state, String name) {
    return SimServices.stateOf(state, name);
  }

  private static boolean alive(SimState.ServiceProcess p) {
    return p.pid() != null && ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false);
  }

  /** TerminateProcess, and wait until the process is gone (the machine is going down). */
  private static void terminate(ProcessHandle process) {
    process.destroyForcibly();
    try {
      process.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // still listed: the journal says KILLED either way
    }
  }

  private static void kill(Process process) {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String exitOf(Process process) {
    return process.isAlive() ? "." : " (exit code " + process.exitValue() + ").";
  }

  private static void pause(Duration d) throws ShimException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ShimException("interrupted while waiting for the service", e);
    }
  }

  private interface Call {
    void run() throws ShimException;
  }

  private void change(String op, Object[] fields, Call call) throws ShimException {
    try {
      if (!host.elevation().isElevated()) {
        throw ShimException.win32(
            "OpenSCManager(SC_MANAGER_ALL_ACCESS) for " + op,
            Win32Error.ERROR_ACCESS_DENIED,
            "Installing and controlling services needs an elevated (Administrator) process.");
      }
      call.run();
      host.journal().ok(op, fields);
    } catch (ShimException e) {
      Win32Error error = e.error();
      host.journal().failed(op, error == null ? "UNKNOWN" : error.name(), e.errorCode(), fields);
      throw e;
    }
  }

  /** The SCM's answer for a service that is gone or about to be. */
  private static SimState.Service live(SimState state, String name, String call)
      throws ShimException {
    SimState.Service existing = state.services.get(SimState.lower(name));
    if (existing == null) {
      throw ShimException.win32(call, Win32Error.ERROR_SERVICE_DOES_NOT_EXIST, null);
    }
    if (existing.markedForDelete()) {
      throw ShimException.win32(call, Win32Error.ERROR_SERVICE_MARKED_FOR_DELETE, null);
    }
    return existing;
  }

  static Optional<SimState.ServiceProcess> processOf(SimState state, String name) {
    return Optional.ofNullable(state.serviceProcesses.get(SimState.lower(name)));
  }
}
