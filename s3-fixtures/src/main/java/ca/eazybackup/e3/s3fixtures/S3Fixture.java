package ca.eazybackup.e3.s3fixtures;

import java.net.URI;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A running S3 server for tests and the simulation. {@link #start()} picks the implementation:
 * {@code S3_ENDPOINT} set → an external server; else {@code -Ds3.fixture=s3proxy|minio|ceph}
 * (default s3proxy, a child process).
 */
public interface S3Fixture extends AutoCloseable {

  /** Full URL with scheme, e.g. {@code http://127.0.0.1:41234}. */
  URI endpoint();

  String region();

  String accessKey();

  String secretKey();

  /** Which implementation this is: s3proxy, minio, ceph, external. */
  String kind();

  /** Creates {@code bucket} (no error if it exists and is ours). */
  void createBucket(String bucket);

  /** A path-style client for test assertions, closed with the fixture. */
  S3Client client();

  /** Stops the server if this fixture started it; never leaves a process behind. */
  @Override
  void close();

  /**
   * Starts (or connects to) the configured S3 server.
   *
   * @throws S3FixtureUnavailableException when the chosen kind cannot run here (no Docker, ...)
   * @throws S3FixtureException when it should run but failed to start
   */
  static S3Fixture start() {
    return S3Fixtures.start();
  }

  /** Starts one kind regardless of the configuration: s3proxy, minio, ceph or external. */
  static S3Fixture start(String kind) {
    return S3Fixtures.start(kind);
  }

  /**
   * Like {@link #start()}, but a fixture that cannot run on this machine aborts the calling JUnit
   * test or Cucumber scenario (reported as skipped, with the one-line reason) instead of failing.
   * Not under CI ({@code CI=true}): CI promises every fixture but MinIO (which needs a Docker
   * engine), so there an unavailable fixture fails the build rather than passing it as skipped.
   */
  static S3Fixture startOrSkip() {
    return startOrSkip(S3Fixtures.configuredKind());
  }

  /** Like {@link #start(String)}, skipping the calling test when that kind cannot run here. */
  static S3Fixture startOrSkip(String kind) {
    return S3Fixtures.startOrSkip(kind, System.getenv(), S3Fixtures::start);
  }
}
