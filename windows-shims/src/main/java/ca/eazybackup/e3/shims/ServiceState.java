package ca.eazybackup.e3.shims;

/** What the Service Control Manager says about a service. */
public enum ServiceState {
  RUNNING,
  STOPPED,
  START_PENDING,
  STOP_PENDING,
  NOT_INSTALLED,
  DISABLED
}
