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

  /** Starts (or connects to) the configured S3 server. */
  static S3Fixture start() {
    return S3Fixtures.start();
  }
}
