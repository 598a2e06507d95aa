package ca.eazybackup.e3.agent.nas;

/** A Cloud NAS failure, with a message the user can act on. */
public class NasException extends Exception {
  private static final long serialVersionUID = 1L;

  public NasException(String message) {
    super(message);
  }

  public NasException(String message, Throwable cause) {
    super(message, cause);
  }
}
