package ca.eazybackup.e3.agent.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * A PutObject of a small body held in memory, sent straight to the client's own HTTP connection
 * pool and signed by the SDK's SigV4 signer, without the {@link S3Client}'s request pipeline: the
 * PUT twin of {@link DirectGet}, for the Cloud NAS's small-file saves. Only a 200 is answered here;
 * any other status, and any failure to send, is asked again through the {@link S3Client}, so error
 * types, throttling backoff and retries stay the SDK's. A server that refuses a direct PUT (400 or
 * 403) and then takes the same PUT from the client turns the direct path off for this client.
 *
 * <p>Every direct PUT carries {@code Content-MD5} (S3 and Ceph RGW require it, or a checksum, for a
 * PUT into a bucket with Object Lock retention, and check it otherwise); over plain http the
 * payload is signed too, as the S3Client signs it. Why not the S3Client: per small PUT its pipeline
 * (interceptors, marshalling, endpoint and auth-scheme resolution, metrics, timeout timers) cost
 * about as much CPU as the signing and the HTTP exchange together (JFR of perf/nas-bench.sh's 1,000
 * small PUTs; docs/decisions.md, "Small-object GETs skip the S3Client pipeline").
 */
public final class DirectPut {
  private static final Logger log = LoggerFactory.getLogger(DirectPut.class);

  /** Bodies larger than this go through the S3Client. */
  public static final int MAX_BODY = 1 << 20;

  private final S3Client fallback;
  private final SdkHttpClient http;
  private final URI endpoint;
  private final String region;
  private final boolean signPayload;
  private final AwsCredentialsIdentity identity;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
  private final DirectGet paths;
  private final LongAdder direct = new LongAdder();
  private final LongAdder fellBack = new LongAdder();
  private volatile boolean off;

  DirectPut(S3Client fallback, SdkHttpClient http, S3Target target, DirectGet paths) {
    this.fallback = fallback;
    this.http = http;
    this.endpoint = URI.create(target.endpoint());
    this.region = target.region();
    this.signPayload = !"https".equals(endpoint.getScheme());
    this.identity = AwsCredentialsIdentity.create(target.accessKey(), target.secretKey());
    this.paths = paths;
  }

  /** What S3 answered: the new object's ETag (quoted, as S3 sends it). */
  public record Put(String eTag) {}

  /**
   * Stores {@code body} at {@code bucket/key} with {@code metadata} ({@code x-amz-meta-*}) and
   * Content-Type {@code application/octet-stream}. Throws what the S3Client throws when S3 refuses.
   */
  public Put put(String bucket, String key, byte[] body, Map<String, String> metadata) {
    if (off || body.length > MAX_BODY) {
      return clientPut(bucket, key, body, metadata);
    }
    HttpExecuteResponse response;
    try {
      SdkHttpRequest signed = signed(bucket, key, body, metadata);
      response =
          http.prepareRequest(
                  HttpExecuteRequest.builder()
                      .request(signed)
                      .contentStreamProvider(() -> new ByteArrayInputStream(body))
                      .build())
              .call();
    } catch (IOException e) {
      return viaClient(bucket, key, body, metadata, 0, e.toString());
    }
    SdkHttpResponse head = response.httpResponse();
    response.responseBody().ifPresent(DirectPut::discard);
    if (head.statusCode() != 200) {
      return viaClient(
          bucket, key, body, metadata, head.statusCode(), "status " + head.statusCode());
    }
    direct.increment();
    return new Put(head.firstMatchingHeader("ETag").orElse(null));
  }

  /** PUTs answered without the S3Client pipeline. */
  public long directPuts() {
    return direct.sum();
  }

  /** PUTs that were sent again through the S3Client. */
  public long fallbacks() {
    return fellBack.sum();
  }

  public boolean isOff() {
    return off;
  }

  SdkHttpRequest signed(String bucket, String key, byte[] body, Map<String, String> metadata) {
    SdkHttpFullRequest.Builder request =
        SdkHttpFullRequest.builder()
            .method(SdkHttpMethod.PUT)
            .uri(endpoint)
            .encodedPath(paths.path(bucket, key))
            .putHeader("Content-Length", Integer.toString(body.length))
            .putHeader("Content-Type", "application/octet-stream")
            .putHeader("Content-MD5", md5(body))
            .contentStreamProvider(() -> new ByteArrayInputStream(body));
    metadata.forEach((k, v) -> request.putHeader("x-amz-meta-" + k.toLowerCase(Locale.ROOT), v));
    return signer
        .sign(
            r ->
                r.request(request.build())
                    .payload(() -> new ByteArrayInputStream(body))
                    .identity(identity)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                    .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                    .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                    .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, signPayload))
        .request();
  }

  private static String md5(byte[] body) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has MD5", e);
    }
  }

  private Put viaClient(
      String bucket,
      String key,
      byte[] body,
      Map<String, String> metadata,
      int status,
      String why) {
    fellBack.increment();
    log.debug("event=s3_direct_put_fallback bucket={} key={} reason={}", bucket, key, why);
    Put done = clientPut(bucket, key, body, metadata); // throws if S3 refuses it too
    if ((status == 400 || status == 403) && !off) {
      off = true;
      log.warn(
          "event=s3_direct_put_off endpoint={} status={} reason=\"the server refused a direct PUT"
              + " and took the same PUT from the S3 client; every PUT now goes through the"
              + " client\"",
          endpoint,
          status);
    }
    return done;
  }

  private Put clientPut(String bucket, String key, byte[] body, Map<String, String> metadata) {
    PutObjectResponse r =
        fallback.putObject(
            PutObjectRequest.builder()
                .bucket(bucket)
                .key(key)
                .contentLength((long) body.length)
                .metadata(metadata)
                .build(),
            RequestBody.fromBytes(body));
    return new Put(r.eTag());
  }

  private static void discard(AbortableInputStream body) {
    try {
      body.close(); // a PUT's answer is empty or a small error document
    } catch (IOException | RuntimeException e) {
      body.abort();
    }
  }
}
