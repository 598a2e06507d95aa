package ca.eazybackup.e3.whmcs.db;

/** A database failure the request cannot recover from (rendered as a 500). */
public final class DbException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DbException(String message, Throwable cause) {
    super(message, cause);
  }
}
