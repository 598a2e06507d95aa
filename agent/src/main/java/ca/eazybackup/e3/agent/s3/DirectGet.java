package ca.eazybackup.e3.agent.s3;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
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
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.utils.DateUtils;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * A GET of one whole object that goes straight to the client's own HTTP connection pool, signed by
 * the SDK's SigV4 signer, without the {@link S3Client}'s request pipeline. Only a 200 is answered
 * here: any other status, and any failure before the response arrives, is asked again through the
 * {@link S3Client}, so error types, throttling backoff and retries stay the SDK's.
 *
 * <p>Why: a sync restore is one GET per file, mostly small files, and on a 2-core machine shared
 * with the S3 server its time is CPU. The client's pipeline (interceptors, marshalling, endpoint
 * and auth-scheme resolution, metrics, timeout timers) costs more CPU than the signing and the HTTP
 * exchange it wraps: 0.21 against 0.10 ms per warm 8 KiB GET, 0.86 against 0.28 ms while the JIT is
 * still cold (docs/decisions.md, "Small-object GETs skip the S3Client pipeline").
 *
 * <p>Requests are path-style, as every client of the factory is. They carry no SDK user agent and
 * run none of the factory's execution interceptors; {@link #directGets()} counts them.
 *
 * <p>A server that refuses a direct GET (400 or 403) and then serves the same object to the client
 * does not accept our requests for some reason of its own: the direct path is turned off for this
 * client, with one warning, rather than paying two requests for every object from then on.
 */
public final class DirectGet {
  private static final Logger log = LoggerFactory.getLogger(DirectGet.class);
  private static final String META_PREFIX = "x-amz-meta-";

  private final S3Client fallback;
  private final SdkHttpClient http;
  private final URI endpoint;
  private final String basePath;
  private final String region;
  private final AwsCredentialsIdentity identity;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
  private final LongAdder direct = new LongAdder();
  private final LongAdder fellBack = new LongAdder();
  private volatile boolean off;

  DirectGet(S3Client fallback, SdkHttpClient http, S3Target target) {
    this.fallback = fallback;
    this.http = http;
    this.endpoint = URI.create(target.endpoint());
    String base = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
    this.basePath = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.region = target.region();
    this.identity = AwsCredentialsIdentity.create(target.accessKey(), target.secretKey());
  }

  /** The whole object {@code bucket/key}: its content, ETag, length, mtime and user metadata. */
  public ResponseInputStream<GetObjectResponse> get(String bucket, String key) {
    if (off) {
      return clientGet(bucket, key);
    }
    HttpExecuteResponse response;
    try {
      response =
          http.prepareRequest(HttpExecuteRequest.builder().request(signed(bucket, key)).build())
              .call();
    } catch (IOException e) {
      return viaClient(bucket, key, 0, e.toString());
    }
    SdkHttpResponse head = response.httpResponse();
    if (head.statusCode() != 200) {
      response.responseBody().ifPresent(DirectGet::discard);
      return viaClient(bucket, key, head.statusCode(), "status " + head.statusCode());
    }
    direct.increment();
    AbortableInputStream body =
        response
            .responseBody()
            .orElseGet(() -> AbortableInputStream.create(InputStream.nullInputStream()));
    return new ResponseInputStream<>(toResponse(head), body);
  }

  /** GETs answered without the S3Client pipeline. */
  public long directGets() {
    return direct.sum();
  }

  /** GETs that were asked again through the S3Client (an error status or a failed send). */
  public long fallbacks() {
    return fellBack.sum();
  }

  /** The request the S3Client would send for this object, signed as S3 signs (no path rewrite). */
  SdkHttpRequest signed(String bucket, String key) {
    SdkHttpFullRequest request =
        SdkHttpFullRequest.builder()
            .method(SdkHttpMethod.GET)
            .uri(endpoint)
            .encodedPath(path(bucket, key))
            .build();
    return signer
        .sign(
            r ->
                r.request(request)
                    .identity(identity)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                    .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                    .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                    .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false))
        .request();
  }

  /** Path-style: the endpoint's own path, the bucket, then the key with its slashes kept. */
  String path(String bucket, String key) {
    return basePath
        + "/"
        + SdkHttpUtils.urlEncode(bucket)
        + "/"
        + SdkHttpUtils.urlEncodeIgnoreSlashes(key);
  }

  private ResponseInputStream<GetObjectResponse> viaClient(
      String bucket, String key, int status, String reason) {
    fellBack.increment();
    log.debug("event=s3_direct_get_fallback bucket={} key={} reason={}", bucket, key, reason);
    ResponseInputStream<GetObjectResponse> served = clientGet(bucket, key); // throws if it fails
    if ((status == 400 || status == 403) && !off) {
      off = true;
      log.warn(
          "event=s3_direct_get_off endpoint={} status={} reason=\"the server refused a direct GET"
              + " and served the same object to the S3 client; every GET now goes through the"
              + " client\"",
          endpoint,
          status);
    }
    return served;
  }

  private ResponseInputStream<GetObjectResponse> clientGet(String bucket, String key) {
    return fallback.getObject(b -> b.bucket(bucket).key(key));
  }

  /** Whether the direct path was turned off for this client (see the class comment). */
  public boolean isOff() {
    return off;
  }

  private static void discard(AbortableInputStream body) {
    try {
      body.close(); // an error body is small: reading it to the end keeps the connection pooled
    } catch (IOException | RuntimeException e) {
      body.abort();
    }
  }

  /**
   * The fields a whole-object GET's callers read, from the headers the SDK would read them. One
   * pass over the headers: a cold restore runs this once per file in profiled code, and the C2
   * compilation of the earlier form (a lower-cased copy of every name, then four more scans for
   * single headers) was the restore's second-largest of our own (docs/performance.md).
   */
  static GetObjectResponse toResponse(SdkHttpResponse head) {
    Map<String, String> metadata = new TreeMap<>();
    GetObjectResponse.Builder out = GetObjectResponse.builder();
    for (Map.Entry<String, List<String>> h : head.headers().entrySet()) {
      List<String> values = h.getValue();
      if (values.isEmpty()) {
        continue;
      }
      String name = h.getKey();
      String value = values.get(0);
      if (name.length() > META_PREFIX.length()
          && name.regionMatches(true, 0, META_PREFIX, 0, META_PREFIX.length())) {
        metadata.put(name.substring(META_PREFIX.length()), value);
      } else if (name.equalsIgnoreCase("ETag")) {
        out.eTag(value);
      } else if (name.equalsIgnoreCase("Content-Length")) {
        Long length = parseLength(value);
        if (length != null) {
          out.contentLength(length);
        }
      } else if (name.equalsIgnoreCase("Last-Modified")) {
        Instant date = parseDate(value);
        if (date != null) {
          out.lastModified(date);
        }
      } else if (name.equalsIgnoreCase("Content-Type")) {
        out.contentType(value);
      }
    }
    return (GetObjectResponse) out.metadata(metadata).sdkHttpResponse(head).build();
  }

  private static Long parseLength(String value) {
    try {
      return Long.valueOf(value.trim());
    } catch (NumberFormatException e) {
      return null; // the caller checks the bytes it got against the listing's size instead
    }
  }

  /**
   * An HTTP date. S3 servers send the IMF-fixdate form ({@code Sun, 06 Nov 1994 08:49:37 GMT}),
   * read here by position: java.time's general parser is the restore's largest JIT compilation and
   * a few microseconds per file, for a header only used when the object has no mtime metadata. Any
   * other form goes to the SDK's parser.
   */
  static Instant parseDate(String value) {
    Instant fixed = imfFixdate(value);
    if (fixed != null) {
      return fixed;
    }
    try {
      return DateUtils.parseRfc822Date(value);
    } catch (RuntimeException e) {
      return null; // as the SDK would leave it: callers fall back to the listing's date
    }
  }

  private static final List<String> MONTHS =
      List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec");

  private static Instant imfFixdate(String v) {
    if (v.length() != 29
        || v.charAt(3) != ','
        || v.charAt(4) != ' '
        || v.charAt(7) != ' '
        || v.charAt(11) != ' '
        || v.charAt(16) != ' '
        || v.charAt(19) != ':'
        || v.charAt(22) != ':'
        || !v.endsWith(" GMT")) {
      return null;
    }
    int month = MONTHS.indexOf(v.substring(8, 11)) + 1;
    int day = digits(v, 5, 7);
    int year = digits(v, 12, 16);
    int hour = digits(v, 17, 19);
    int minute = digits(v, 20, 22);
    int second = digits(v, 23, 25);
    if (month == 0 || (day | year | hour | minute | second) < 0) {
      return null;
    }
    try {
      return java.time.LocalDateTime.of(year, month, day, hour, minute, second)
          .toInstant(java.time.ZoneOffset.UTC);
    } catch (java.time.DateTimeException e) {
      return null; // 31 Feb and the like: let the SDK's parser say what it makes of it
    }
  }

  /** The decimal number in {@code s[from, to)}, or -1 when any of it is not a digit. */
  private static int digits(String s, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
