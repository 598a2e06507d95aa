package ca.eazybackup.e3.shims;

/** A Windows call failed; the message names the call and the Win32 error, never a secret. */
public class ShimException extends Exception {
  private static final long serialVersionUID = 1L;

  public ShimException(String message) {
    super(message);
  }

  public ShimException(String message, Throwable cause) {
    super(message, cause);
  }
}
