package ca.eazybackup.e3.agent.nas.mount;

/** A mount or unmount that cannot be done; the message is what the client reads in the addon. */
public final class MountException extends Exception {
  private static final long serialVersionUID = 1L;

  public MountException(String message) {
    super(message);
  }

  public MountException(String message, Throwable cause) {
    super(message, cause);
  }
}
