package ca.eazybackup.e3.shims;

import java.time.Duration;

/**
 * SetServiceStatus for the running service. While a state is pending, each report must come before
 * the previous wait hint ran out, with a higher checkpoint: a service control program may give up
 * on a service whose checkpoint stood still for longer than its wait hint (SERVICE_STATUS docs).
 */
public interface ServiceStatus {

  /**
   * Reports {@code state}. For START_PENDING and STOP_PENDING, {@code checkPoint} grows with each
   * report and {@code waitHint} says how long until the next one; RUNNING accepts STOP, SHUTDOWN
   * and PRESHUTDOWN and ignores both numbers.
   */
  void report(ServiceState state, int checkPoint, Duration waitHint);
}
