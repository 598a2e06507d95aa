package ca.eazybackup.e3.s3fixtures;

/** An S3 fixture could not do what was asked; the message says what to fix. */
public class S3FixtureException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public S3FixtureException(String message) {
    super(message);
  }

  public S3FixtureException(String message, Throwable cause) {
    super(message, cause);
  }
}
