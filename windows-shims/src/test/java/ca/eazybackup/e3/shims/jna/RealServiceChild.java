package ca.eazybackup.e3.shims.jna;

import ca.eazybackup.e3.shims.ServiceControlRequest;
import ca.eazybackup.e3.shims.ServiceProgram;
import ca.eazybackup.e3.shims.ServiceState;
import ca.eazybackup.e3.shims.ServiceStatus;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A service program the real SCM launches in {@link RealServiceLifecycleTest}: args[0] its name.
 */
public final class RealServiceChild {
  private RealServiceChild() {}

  public static void main(String[] args) throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    new JnaWindowsHost()
        .serviceDispatcher()
        .run(
            args[0],
            new ServiceProgram() {
              @Override
              public int main(ServiceStatus status) throws Exception {
                status.report(ServiceState.START_PENDING, 1, Duration.ofSeconds(5));
                status.report(ServiceState.RUNNING, 0, Duration.ZERO);
                stop.await();
                for (int checkPoint = 2; checkPoint <= 4; checkPoint++) {
                  status.report(ServiceState.STOP_PENDING, checkPoint, Duration.ofSeconds(5));
                  // stands for a stop's work between checkpoints; its length is the point, no event
                  Thread.sleep(200);
                }
                return 0;
              }

              @Override
              public void control(ServiceControlRequest request, ServiceStatus status) {
                status.report(ServiceState.STOP_PENDING, 1, Duration.ofSeconds(5));
                stop.countDown();
              }
            });
  }
}
