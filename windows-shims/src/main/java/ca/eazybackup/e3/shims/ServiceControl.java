package ca.eazybackup.e3.shims;

import java.time.Duration;
import java.util.List;

/** The agent's own Windows service: install, uninstall, start, stop (SCM). */
public interface ServiceControl {

  void install(String name, String displayName, List<String> commandLine) throws ShimException;

  /**
   * How long the SCM waits at system shutdown, after SERVICE_CONTROL_PRESHUTDOWN, for the service
   * to stop (ChangeServiceConfig2 SERVICE_CONFIG_PRESHUTDOWN_INFO). Windows' default is 10 s since
   * build 15063 (SERVICE_PRESHUTDOWN_INFO docs), too short to cancel a run, checkpoint it and get
   * its report to the addon; SHUTDOWN alone gives only WaitToKillServiceTimeout (5 s).
   */
  void setPreshutdownTimeout(String name, Duration timeout) throws ShimException;

  void uninstall(String name) throws ShimException;

  void start(String name) throws ShimException;

  void stop(String name) throws ShimException;

  ServiceState state(String name) throws ShimException;
}
