package ca.eazybackup.e3.whmcs.http;

/**
 * The one exception type of the fake addon: an HTTP status, a message a user can act on and, for
 * validation errors, the offending field. Rendered as {@code {"status":"fail",...}}.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String field;

  public ApiException(int status, String message, String field) {
    super(message);
    this.status = status;
    this.field = field;
  }

  public static ApiException badRequest(String field, String message) {
    return new ApiException(400, message, field);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, message, null);
  }

  public static ApiException conflict(String message) {
    return new ApiException(409, message, null);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, message, null);
  }

  public int status() {
    return status;
  }

  public String field() {
    return field;
  }
}
