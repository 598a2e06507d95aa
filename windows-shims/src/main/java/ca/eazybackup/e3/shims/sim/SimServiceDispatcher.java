package ca.eazybackup.e3.shims.sim;

import ca.eazybackup.e3.shims.ServiceControlRequest;
import ca.eazybackup.e3.shims.ServiceDispatcher;
import ca.eazybackup.e3.shims.ServiceProgram;
import ca.eazybackup.e3.shims.ServiceState;
import ca.eazybackup.e3.shims.ServiceStatus;
import ca.eazybackup.e3.shims.ShimException;
import ca.eazybackup.e3.shims.Win32Error;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * StartServiceCtrlDispatcher of the simulated host. Only a process the simulated SCM launched
 * (environment {@code E3_SIMHOST_SCM_SERVICE}, {@code E3_SIMHOST_SCM_LAUNCH}) may connect; any
 * other gets ERROR_FAILED_SERVICE_CONTROLLER_CONNECT (1063) like a console program on Windows.
 * Status reports go to the shared state file; controls arrive on a loopback port guarded by a
 * per-launch token, are handed to the program's handler on this (the dispatcher) thread, and are
 * acknowledged when the handler returns.
 */
final class SimServiceDispatcher implements ServiceDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(SimServiceDispatcher.class);

  private final SimulatedWindowsHost host;

  SimServiceDispatcher(SimulatedWindowsHost host) {
    this.host = host;
  }

  @Override
  public void run(String serviceName, ServiceProgram program) throws ShimException {
    String service = SimulatedWindowsHost.setting(SimServiceControl.SERVICE_ENV);
    String launch = SimulatedWindowsHost.setting(SimServiceControl.LAUNCH_ENV);
    String call = "StartServiceCtrlDispatcher(" + serviceName + ")";
    if (service == null || launch == null) {
      throw ShimException.win32(
          call,
          Win32Error.ERROR_FAILED_SERVICE_CONTROLLER_CONNECT,
          "This process was not started by the Service Control Manager.");
    }
    String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      connect(service, launch, server.getLocalPort(), token, call);
      Status status = new Status(service);
      CompletableFuture<Integer> finished = new CompletableFuture<>();
      Thread main =
          new Thread(
              () -> {
                try {
                  finished.complete(program.main(status));
                } catch (Throwable t) {
                  LOG.error("event=service_main_failed service={} error={}", service, t.toString());
                  finished.complete(Win32Error.ERROR_SERVICE_SPECIFIC_ERROR.code());
                }
              },
              "service-main");
      main.start();
      server.setSoTimeout(100);
      while (!finished.isDone()) {
        try (Socket control = server.accept()) {
          handle(control, token, program, status);
        } catch (SocketTimeoutException e) {
          // no control request this round; check whether ServiceMain returned
        } catch (IOException e) {
          LOG.warn("event=service_control_failed service={} error={}", service, e.toString());
        }
      }
      status.stopped(finished.join());
    } catch (IOException e) {
      throw new ShimException(call + " failed: cannot open the control channel: " + e, e);
    }
  }

  private void connect(String service, String launch, int port, String token, String call)
      throws ShimException {
    long pid = ProcessHandle.current().pid();
    host.store()
        .update(
            state -> {
              SimState.ServiceProcess p = state.serviceProcesses.get(SimState.lower(service));
              if (p == null || !p.launchId().equals(launch)) {
                throw ShimException.win32(
                    call,
                    Win32Error.ERROR_FAILED_SERVICE_CONTROLLER_CONNECT,
                    "The SCM is not waiting for this process (launch " + launch + ").");
              }
              state.serviceProcesses.put(
                  SimState.lower(service),
                  new SimState.ServiceProcess(
                      launch, pid, port, token, 0, 0, System.currentTimeMillis(), null));
              return null;
            });
    host.journal().ok("service.dispatcher_connected", "name", service);
  }

  private static void handle(Socket socket, String token, ServiceProgram program, Status status)
      throws IOException {
    socket.setSoTimeout(5_000);
    String line =
        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    OutputStream out = socket.getOutputStream();
    String[] parts = line == null ? new String[0] : line.split(" ", 2);
    if (parts.length != 2
        || !MessageDigest.isEqual(
            parts[0].getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
      out.write("denied\n".getBytes(StandardCharsets.US_ASCII));
      return;
    }
    ServiceControlRequest request;
    try {
      request = ServiceControlRequest.valueOf(parts[1].strip());
    } catch (IllegalArgumentException e) {
      out.write("unsupported\n".getBytes(StandardCharsets.US_ASCII));
      return;
    }
    if (request != ServiceControlRequest.INTERROGATE) {
      program.control(request, status);
    }
    out.write("ok\n".getBytes(StandardCharsets.US_ASCII));
  }

  /** SetServiceStatus: the state and the process's checkpoint go to the shared state file. */
  private final class Status implements ServiceStatus {
    private final String service;

    Status(String service) {
      this.service = service;
    }

    @Override
    public void report(ServiceState state, int checkPoint, Duration waitHint) {
      update(state, checkPoint, waitHint == null ? 0 : waitHint.toMillis(), null);
    }

    void stopped(int exitCode) {
      update(ServiceState.STOPPED, 0, 0, exitCode);
    }

    private void update(ServiceState state, int checkPoint, long waitHintMillis, Integer exit) {
      try {
        host.store()
            .update(
                s -> {
                  String key = SimState.lower(service);
                  SimState.Service svc = s.services.get(key);
                  SimState.ServiceProcess p = s.serviceProcesses.get(key);
                  if (svc == null || p == null || p.pid() != ProcessHandle.current().pid()) {
                    return null; // the SCM no longer counts this process as the service
                  }
                  if (state == ServiceState.STOPPED && svc.markedForDelete()) {
                    s.services.remove(key);
                  } else {
                    s.services.put(key, svc.withState(state.name()));
                  }
                  SimState.ServiceProcess next =
                      p.reported(checkPoint, waitHintMillis, System.currentTimeMillis());
                  s.serviceProcesses.put(key, exit == null ? next : next.exited(exit));
                  return null;
                });
      } catch (ShimException e) {
        LOG.warn("event=service_status_failed service={} error={}", service, e.getMessage());
      }
    }
  }
}
