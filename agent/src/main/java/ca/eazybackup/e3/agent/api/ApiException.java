package ca.eazybackup.e3.agent.api;

/**
 * A call to the addon failed. {@link #isTransient()} says whether trying again later can help
 * (addon unreachable, timeout, 5xx, 429) or not (4xx: the request itself is wrong or the object is
 * gone).
 */
public final class ApiException extends Exception {
  private static final long serialVersionUID = 1L;

  /** HTTP status, or 0 when no answer came. */
  private final int httpStatus;

  private final String endpoint;

  /** The addon answered 2xx but its body said {@code "status":"fail"}. */
  private final boolean failInSuccess;

  public ApiException(String endpoint, int httpStatus, String message, Throwable cause) {
    this(endpoint, httpStatus, message, cause, false);
  }

  private ApiException(
      String endpoint, int httpStatus, String message, Throwable cause, boolean failInSuccess) {
    super(endpoint + ": " + message, cause);
    this.endpoint = endpoint;
    this.httpStatus = httpStatus;
    this.failInSuccess = failInSuccess;
  }

  /**
   * A 2xx answer whose body says {@code "status":"fail"}. The contract never sends one (errors
   * carry their 4xx/5xx status), so it is not a 400 ("your request is wrong, never send it again"):
   * a proxy or a half-deployed addon may give it, and the item is worth keeping and retrying.
   */
  public static ApiException failInSuccess(String endpoint, int httpStatus, String message) {
    return new ApiException(endpoint, httpStatus, message, null, true);
  }

  /** See {@link #failInSuccess(String, int, String)}. */
  public boolean isFailInSuccess() {
    return failInSuccess;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public String endpoint() {
    return endpoint;
  }

  public boolean isTransient() {
    return httpStatus == 0 || httpStatus >= 500 || httpStatus == 429 || httpStatus == 408;
  }
}
