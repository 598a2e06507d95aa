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

  public ApiException(String endpoint, int httpStatus, String message, Throwable cause) {
    super(endpoint + ": " + message, cause);
    this.endpoint = endpoint;
    this.httpStatus = httpStatus;
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
