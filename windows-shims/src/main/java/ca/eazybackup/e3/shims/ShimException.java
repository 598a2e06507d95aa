package ca.eazybackup.e3.shims;

/** A Windows call failed; the message names the call and the Win32 error, never a secret. */
public class ShimException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int errorCode;

  public ShimException(String message) {
    this(message, 0, null);
  }

  public ShimException(String message, Throwable cause) {
    this(message, 0, cause);
  }

  private ShimException(String message, int errorCode, Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
  }

  /**
   * {@code WNetAddConnection2(\\server\share) failed: ERROR_LOGON_FAILURE (1326): The user name or
   * password is incorrect.} followed by {@code hint} when there is one.
   */
  public static ShimException win32(String call, int code, String hint) {
    String message = call + " failed: " + Win32Error.describe(code);
    if (hint != null && !hint.isBlank()) {
      message += " " + hint;
    }
    return new ShimException(message, code, null);
  }

  public static ShimException win32(String call, Win32Error error, String hint) {
    return win32(call, error.code(), hint);
  }

  /** The Win32 error code, or 0 when the failure was not a Win32 error. */
  public int errorCode() {
    return errorCode;
  }

  /** The named error, or null when the code is 0 or not in {@link Win32Error}. */
  public Win32Error error() {
    return Win32Error.ofCode(errorCode);
  }
}
