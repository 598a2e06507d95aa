package ca.eazybackup.e3.shims.sim;

/**
 * How one of our services ended when the simulated machine shut down: which control it stopped
 * under, or that the system killed it, and how long it took from the first control.
 */
public record ServiceShutdown(String name, Phase phase, long millis) {

  /** The last thing that happened to the service's process. */
  public enum Phase {
    /** It reported SERVICE_STOPPED (or exited) within its preshutdown timeout. */
    PRESHUTDOWN,
    /** It let the preshutdown timeout pass and stopped within WaitToKillServiceTimeout. */
    SHUTDOWN,
    /** It was still running when WaitToKillServiceTimeout ran out: its process was terminated. */
    KILLED
  }
}
