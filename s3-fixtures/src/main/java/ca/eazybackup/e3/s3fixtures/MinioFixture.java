package ca.eazybackup.e3.s3fixtures;

/** MinIO in a Testcontainers container; needs a Docker engine. */
final class MinioFixture {
  private MinioFixture() {}

  static S3Fixture start() {
    throw new S3FixtureUnavailableException("the MinIO fixture is not built yet");
  }
}
