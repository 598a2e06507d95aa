package ca.eazybackup.e3.agent.sync;

/** A sync job that cannot run as configured; the message says what to change. */
public final class SyncException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SyncException(String message) {
    super(message);
  }

  public SyncException(String message, Throwable cause) {
    super(message, cause);
  }
}
