package ca.eazybackup.e3.agent.s3;

import ca.eazybackup.e3.agent.transfer.RetryPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;

/**
 * The one place the agent builds S3 clients (DESIGN §7). Every client is path-style, computes
 * request checksums and validates response checksums only when the operation requires it (SDK 2.30+
 * defaults send CRC32 trailers with aws-chunked bodies, which Ceph RGW rejects), and is built to
 * survive a busy or flaky server:
 *
 * <ul>
 *   <li>503 SlowDown / throttling and connection resets are retried by the agent's {@link
 *       RetryPolicy} (jittered exponential backoff from 250 ms, capped at 20 s) for up to {@link
 *       #DEFAULT_MAX_ATTEMPTS} attempts, which is a retry window of a few minutes (restic#4018 gave
 *       up too early). The SDK's retry "circuit breaker" is off, so a burst of throttling on many
 *       parallel transfers cannot disable retries for the whole run.
 *   <li>A stuck attempt is cut: the socket read timeout catches a stalled stream, the per-attempt
 *       timeout catches anything else (a slow-drip response), and both are retried.
 *   <li>An answer the SDK parses (a listing, an error) that breaks mid-body is retried too: the SDK
 *       itself would fail the call ({@link BufferedResponseBodies}).
 *   <li>S3's endpoint rules run once per bucket, not twice per request ({@link
 *       MemoizedEndpointProvider}).
 *   <li>{@code Expect: 100-continue} is not sent: it costs one round trip per PUT, which dominates
 *       for small objects.
 *   <li>A client of a plain {@code http://} endpoint builds no TLS context ({@link TlsRefused}): a
 *       fresh process starts sooner; {@code https://} endpoints keep the SDK's TLS as it is.
 *   <li>Each client has a {@link DirectGet} on the same connection pool, for whole-object GETs
 *       without the client's per-request pipeline, and a {@link DirectPut} for small PUTs.
 * </ul>
 */
public final class S3ClientFactory implements AutoCloseable {
  /** Attempts per request (first try included): ~4 minutes of backoff in the worst case. */
  public static final int DEFAULT_MAX_ATTEMPTS = 15;

  private final Map<S3Target, Clients> clients = new ConcurrentHashMap<>();
  private final Duration attemptTimeout;
  private final int maxConnections;
  private final List<ExecutionInterceptor> interceptors;
  private final int maxAttempts;
  private final Duration socketTimeout;

  public S3ClientFactory() {
    this(Duration.ofMinutes(5), 64);
  }

  public S3ClientFactory(Duration attemptTimeout, int maxConnections) {
    this(attemptTimeout, maxConnections, List.of());
  }

  /**
   * A factory whose clients also run {@code interceptors} (request counting in tests and the perf
   * harness, fault injection). A {@link DirectGet} runs them only when it falls back to the client;
   * it counts its own requests.
   */
  public S3ClientFactory(
      Duration attemptTimeout, int maxConnections, List<ExecutionInterceptor> interceptors) {
    this(
        attemptTimeout, maxConnections, interceptors, DEFAULT_MAX_ATTEMPTS, Duration.ofSeconds(60));
  }

  /**
   * Full control, for tests that provoke stuck requests and need short timeouts.
   *
   * @param socketTimeout longest silence on a connection before the attempt is cut and retried
   */
  public S3ClientFactory(
      Duration attemptTimeout,
      int maxConnections,
      List<ExecutionInterceptor> interceptors,
      int maxAttempts,
      Duration socketTimeout) {
    this.attemptTimeout = attemptTimeout;
    this.maxConnections = maxConnections;
    this.interceptors = List.copyOf(interceptors);
    this.maxAttempts = maxAttempts;
    this.socketTimeout = socketTimeout;
  }

  /** A shared client for {@code target}; built once, closed with the factory. */
  public S3Client client(S3Target target) {
    return clients.computeIfAbsent(target, this::build).s3();
  }

  /**
   * Whole-object GETs for {@code target} on the client's connection pool; see {@link DirectGet}.
   */
  public DirectGet directGet(S3Target target) {
    return clients.computeIfAbsent(target, this::build).directGet();
  }

  /**
   * Small-body PutObjects for {@code target} on the client's connection pool; see {@link
   * DirectPut}.
   */
  public DirectPut directPut(S3Target target) {
    return clients.computeIfAbsent(target, this::build).directPut();
  }

  /**
   * The SDK client, the HTTP client it runs on (ours to close), and the direct GETs and PUTs that
   * share it.
   */
  private record Clients(
      S3Client s3, SdkHttpClient http, DirectGet directGet, DirectPut directPut) {
    void close() {
      s3.close();
      http.close();
    }
  }

  /** The agent's retry policy as the SDK's per-request strategy (one policy, see RetryPolicy). */
  RetryStrategy retryStrategy() {
    return RetryPolicy.DEFAULT.sdkStrategy(maxAttempts);
  }

  private Clients build(S3Target target) {
    SdkHttpClient http = httpClient(target);
    S3Client s3 = sdkClient(target, http);
    DirectGet get = new DirectGet(s3, http, target);
    return new Clients(s3, http, get, new DirectPut(s3, http, target, get));
  }

  /** The Apache client a target's S3Client runs on. */
  SdkHttpClient httpClient(S3Target target) {
    ApacheHttpClient.Builder http =
        ApacheHttpClient.builder()
            .maxConnections(maxConnections)
            .connectionTimeout(Duration.ofSeconds(10))
            .connectionAcquisitionTimeout(Duration.ofMinutes(2))
            .socketTimeout(socketTimeout)
            .expectContinueEnabled(false)
            .tcpKeepAlive(true);
    if (isPlainHttp(target)) {
      // no TLS context or trust store for a client that never uses them
      http.socketFactory(new TlsRefused(target.endpoint()));
    }
    return http.build();
  }

  static boolean isPlainHttp(S3Target target) {
    return URI.create(target.endpoint()).getScheme().equalsIgnoreCase("http");
  }

  /** The SDK client for {@code target} on {@code http} (which the caller closes). */
  S3Client sdkClient(S3Target target, SdkHttpClient http) {
    ClientOverrideConfiguration.Builder override =
        ClientOverrideConfiguration.builder()
            .retryStrategy(retryStrategy())
            .apiCallAttemptTimeout(attemptTimeout)
            .addExecutionInterceptor(new NoExpectContinue())
            .addExecutionInterceptor(new BufferedResponseBodies());
    interceptors.forEach(override::addExecutionInterceptor);
    return S3Client.builder()
        .endpointOverride(URI.create(target.endpoint()))
        .endpointProvider(new MemoizedEndpointProvider(S3EndpointProvider.defaultProvider()))
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
        .overrideConfiguration(override.build())
        .httpClient(http)
        .build();
  }

  @Override
  public void close() {
    clients.values().forEach(Clients::close);
    clients.clear();
  }
}
