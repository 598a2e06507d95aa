package ca.eazybackup.e3.s3fixtures;

/**
 * The chosen fixture cannot run on this machine (no Docker engine, not root, no apt-get...). Tests
 * turn it into a skip with {@link S3Fixture#startOrSkip()}; the message is a one-line reason.
 */
public class S3FixtureUnavailableException extends S3FixtureException {
  private static final long serialVersionUID = 1L;

  public S3FixtureUnavailableException(String reason) {
    super(reason);
  }

  public S3FixtureUnavailableException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
