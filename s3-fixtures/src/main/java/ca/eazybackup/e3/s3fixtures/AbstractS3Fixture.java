package ca.eazybackup.e3.s3fixtures;

import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Connection facts, the lazy client and bucket creation that every fixture shares. */
abstract class AbstractS3Fixture implements S3Fixture {
  private static final Logger log = LoggerFactory.getLogger(AbstractS3Fixture.class);

  private final String kind;
  private final URI endpoint;
  private final String region;
  private final String accessKey;
  private final String secretKey;
  private final AtomicBoolean closed = new AtomicBoolean();
  private S3Client client;

  AbstractS3Fixture(String kind, URI endpoint, String region, String accessKey, String secretKey) {
    this.kind = kind;
    this.endpoint = endpoint;
    this.region = region;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  @Override
  public final URI endpoint() {
    return endpoint;
  }

  @Override
  public final String region() {
    return region;
  }

  @Override
  public final String accessKey() {
    return accessKey;
  }

  @Override
  public final String secretKey() {
    return secretKey;
  }

  @Override
  public final String kind() {
    return kind;
  }

  @Override
  public final synchronized S3Client client() {
    if (closed.get()) {
      throw new S3FixtureException("the " + kind + " S3 fixture at " + endpoint + " is closed");
    }
    if (client == null) {
      client = S3Clients.pathStyle(endpoint, region, accessKey, secretKey);
    }
    return client;
  }

  @Override
  public void createBucket(String bucket) {
    try {
      client().createBucket(b -> b.bucket(bucket));
    } catch (BucketAlreadyOwnedByYouException e) {
      log.debug("event=bucket_exists bucket={} fixture={}", bucket, kind);
    } catch (S3Exception e) {
      if (e.awsErrorDetails() != null
          && "BucketAlreadyOwnedByYou".equals(e.awsErrorDetails().errorCode())) {
        return;
      }
      throw new S3FixtureException(
          "cannot create bucket '" + bucket + "' at " + endpoint + ": " + e.getMessage(), e);
    }
  }

  @Override
  public final void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (this) {
      if (client != null) {
        client.close();
        client = null;
      }
    }
    stopServer();
  }

  /** Stops whatever this fixture started; called once. */
  abstract void stopServer();

  @Override
  public String toString() {
    return kind + " S3 fixture at " + endpoint;
  }
}
