package ca.eazybackup.e3.agent.netshare;

/** Logging on to a share failed; the message names the share, never the password. */
public final class NetworkShareException extends Exception {
  private static final long serialVersionUID = 1L;

  public NetworkShareException(String message, Throwable cause) {
    super(message, cause);
  }
}
