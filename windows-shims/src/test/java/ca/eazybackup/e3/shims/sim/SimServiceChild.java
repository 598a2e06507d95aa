package ca.eazybackup.e3.shims.sim;

import ca.eazybackup.e3.shims.ServiceControlRequest;
import ca.eazybackup.e3.shims.ServiceProgram;
import ca.eazybackup.e3.shims.ServiceState;
import ca.eazybackup.e3.shims.ServiceStatus;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A service program launched by the simulated SCM in a test, behaving as its first argument says:
 * {@code good} (a well-behaved service), {@code no-dispatcher} (the old {@code java -jar … run}
 * registration: never calls the dispatcher), {@code hung-handler} (its control handler never
 * returns), {@code stalled-stop} / {@code stalled-start} (a checkpoint that stops moving), {@code
 * crash} (exits during start), {@code slow-stop} (its stop takes about 1.5 s, reported with
 * checkpoints), {@code ignores-preshutdown} (takes PRESHUTDOWN as nothing and stops only on
 * SHUTDOWN), {@code ignores-shutdown} (stops only on STOP).
 */
public final class SimServiceChild {
  private SimServiceChild() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    if (mode.equals("no-dispatcher")) {
      Thread.sleep(Long.MAX_VALUE);
      return;
    }
    if (mode.equals("crash")) {
      System.exit(7);
    }
    CountDownLatch stop = new CountDownLatch(1);
    SimulatedWindowsHost.fromEnvironment()
        .serviceDispatcher()
        .run(
            "TestService",
            new ServiceProgram() {
              @Override
              public int main(ServiceStatus status) throws Exception {
                status.report(ServiceState.START_PENDING, 1, Duration.ofMillis(400));
                if (mode.equals("stalled-start")) {
                  Thread.sleep(Long.MAX_VALUE);
                }
                status.report(ServiceState.START_PENDING, 2, Duration.ofMillis(400));
                status.report(ServiceState.RUNNING, 0, Duration.ZERO);
                stop.await();
                if (mode.equals("stalled-stop")) {
                  Thread.sleep(Long.MAX_VALUE);
                }
                int steps = mode.equals("slow-stop") ? 15 : 3;
                for (int checkPoint = 2; checkPoint <= steps + 1; checkPoint++) {
                  Thread.sleep(100);
                  status.report(ServiceState.STOP_PENDING, checkPoint, Duration.ofMillis(400));
                }
                return 0;
              }

              @Override
              public void control(ServiceControlRequest request, ServiceStatus status) {
                if (mode.equals("hung-handler")) {
                  try {
                    Thread.sleep(Long.MAX_VALUE);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }
                if (request == ServiceControlRequest.PRESHUTDOWN && mode.startsWith("ignores-")
                    || request == ServiceControlRequest.SHUTDOWN
                        && mode.equals("ignores-shutdown")) {
                  return; // accepted (the dispatcher registers it) and then ignored
                }
                status.report(ServiceState.STOP_PENDING, 1, Duration.ofMillis(400));
                stop.countDown();
              }
            });
  }
}
