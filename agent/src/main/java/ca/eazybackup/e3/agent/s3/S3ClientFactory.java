package ca.eazybackup.e3.agent.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * The one place the agent builds S3 clients (DESIGN §7). Every client is path-style, computes
 * request checksums and validates response checksums only when the operation requires it (SDK 2.30+
 * defaults send CRC32 trailers with aws-chunked bodies, which Ceph RGW rejects), retries throttling
 * and resets with backoff, and cuts a stuck attempt so it can be retried.
 */
public final class S3ClientFactory implements AutoCloseable {
  private final Map<S3Target, S3Client> clients = new ConcurrentHashMap<>();
  private final Duration attemptTimeout;
  private final int maxConnections;

  public S3ClientFactory() {
    this(Duration.ofMinutes(2), 64);
  }

  public S3ClientFactory(Duration attemptTimeout, int maxConnections) {
    this.attemptTimeout = attemptTimeout;
    this.maxConnections = maxConnections;
  }

  /** A shared client for {@code target}; built once, closed with the factory. */
  public S3Client client(S3Target target) {
    return clients.computeIfAbsent(target, this::build);
  }

  private S3Client build(S3Target target) {
    return S3Client.builder()
        .endpointOverride(URI.create(target.endpoint()))
        .region(Region.of(target.region()))
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(target.accessKey(), target.secretKey())))
        .serviceConfiguration(
            S3Configuration.builder()
                .pathStyleAccessEnabled(true)
                .chunkedEncodingEnabled(false)
                .build())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .overrideConfiguration(
            ClientOverrideConfiguration.builder()
                .retryStrategy(RetryMode.STANDARD)
                .apiCallAttemptTimeout(attemptTimeout)
                .build())
        .httpClientBuilder(
            ApacheHttpClient.builder()
                .maxConnections(maxConnections)
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofSeconds(60))
                .tcpKeepAlive(true))
        .build();
  }

  @Override
  public void close() {
    clients.values().forEach(S3Client::close);
    clients.clear();
  }
}
