package ca.eazybackup.e3.shims;

/** State of other Windows services the agent depends on (WebClient). */
public interface Services {

  ServiceState state(String serviceName) throws ShimException;

  /** Starts the service and waits until it runs. */
  void start(String serviceName) throws ShimException;
}
