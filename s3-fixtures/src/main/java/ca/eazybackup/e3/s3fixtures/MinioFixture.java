package ca.eazybackup.e3.s3fixtures;

import java.net.URI;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MinIOContainer;

/**
 * MinIO in a Testcontainers container; needs a Docker engine. Testcontainers' reaper removes the
 * container if this JVM dies before close().
 */
final class MinioFixture extends AbstractS3Fixture {
  private static final Logger log = LoggerFactory.getLogger(MinioFixture.class);
  static final String DEFAULT_IMAGE = "minio/minio:RELEASE.2025-04-22T22-12-26Z";

  private final MinIOContainer container;

  private MinioFixture(MinIOContainer container) {
    super(
        "minio",
        URI.create(container.getS3URL()),
        "us-east-1",
        container.getUserName(),
        container.getPassword());
    this.container = container;
  }

  static S3Fixture start() {
    if (!dockerAvailable()) {
      throw new S3FixtureUnavailableException(
          "no Docker engine reachable (Testcontainers found none); use the default s3proxy"
              + " fixture or S3_ENDPOINT instead");
    }
    SecureRandom random = new SecureRandom();
    byte[] secret = new byte[20];
    random.nextBytes(secret);
    MinIOContainer container =
        new MinIOContainer(System.getProperty("e3.minio.image", DEFAULT_IMAGE))
            .withUserName("e3test" + random.nextInt(1_000_000))
            .withPassword(HexFormat.of().formatHex(secret));
    try {
      container.start();
    } catch (RuntimeException e) {
      container.stop();
      throw new S3FixtureException("MinIO container did not start: " + e.getMessage(), e);
    }
    log.info("event=minio_started endpoint={}", container.getS3URL());
    return new MinioFixture(container);
  }

  static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      log.debug("event=docker_probe_failed error={}", e.toString());
      return false;
    }
  }

  @Override
  void stopServer() {
    container.stop();
    log.info("event=minio_stopped");
  }
}
