package ca.eazybackup.e3.agent.s3;

import ca.eazybackup.e3.s3fixtures.S3Fixture;

/**
 * A real S3 server (s3-fixtures) and the agent's client factory pointed at it, for a test class.
 */
public record FixtureS3(S3Fixture fixture, S3ClientFactory factory, S3Target target)
    implements AutoCloseable {

  /** Starts the configured fixture, or skips the calling tests when it cannot run here. */
  public static FixtureS3 startOrSkip() {
    S3Fixture fixture = S3Fixture.startOrSkip();
    return new FixtureS3(
        fixture,
        new S3ClientFactory(),
        new S3Target(
            fixture.endpoint().toString(),
            fixture.region(),
            fixture.accessKey(),
            fixture.secretKey()));
  }

  @Override
  public void close() {
    factory.close();
    fixture.close();
  }
}
