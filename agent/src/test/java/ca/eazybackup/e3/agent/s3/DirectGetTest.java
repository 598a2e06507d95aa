package ca.eazybackup.e3.agent.s3;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.utils.DateUtils;

/**
 * {@link DirectGet} sends what the S3Client would send, a real S3 server (which checks every
 * signature) answers it directly, and everything but a 200 ends exactly as the S3Client ends it.
 */
class DirectGetTest {
  /** Keys that stress path encoding and signing: spaces, UTF-8, reserved and unreserved marks. */
  private static final List<String> KEYS =
      List.of(
          "plain.txt",
          "dir/sub dir/file name.txt",
          "ünïcødé/日本語 €.bin",
          "a+b=c&d;e,f@g$h!i'j(k)l*m",
          "100%/50% off~tilde",
          "semi;colon:colon",
          "q?mark#hash",
          "dots/./and/../segments",
          "double//slash",
          "trailing-space ");

  /**
   * The keys S3Proxy's filesystem store can hold: it maps keys to file paths, so it refuses "." and
   * ".." segments and empty ones.
   */
  private static final List<String> STORABLE_KEYS =
      KEYS.stream().filter(k -> !k.contains("/./") && !k.contains("//")).toList();

  private static FixtureS3 s3;
  private static S3ClientFactory factory;
  private static S3Target target;
  private static final String BUCKET = "direct-get-" + ProcessHandle.current().pid();

  @BeforeAll
  static void startS3() {
    s3 = FixtureS3.startOrSkip();
    factory = s3.factory();
    target = s3.target();
    s3.fixture().createBucket(BUCKET);
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void buildsTheUrlTheClientBuildsForEveryEndpointBucketAndKey() {
    AtomicReference<SdkHttpRequest> sent = new AtomicReference<>();
    ExecutionInterceptor capture =
        new ExecutionInterceptor() {
          @Override
          public void beforeTransmission(Context.BeforeTransmission c, ExecutionAttributes a) {
            sent.set(c.httpRequest());
            throw new IllegalStateException("captured"); // nothing leaves the machine
          }
        };
    try (S3ClientFactory capturing =
        new S3ClientFactory(Duration.ofSeconds(5), 2, List.of(capture), 1, Duration.ofSeconds(1))) {
      for (String endpoint :
          List.of(
              "http://127.0.0.1:9000",
              "https://s3.example.com",
              "https://s3.example.com/base/",
              "https://s3.example.com:8443/base")) {
        S3Target t = new S3Target(endpoint, "ca-central-1", "ak", "sk");
        for (String bucket : List.of("backups", "my.bucket", "with-dash")) {
          for (String key : KEYS) {
            assertThatThrownBy(() -> capturing.client(t).getObject(b -> b.bucket(bucket).key(key)))
                .hasStackTraceContaining("captured");
            SdkHttpRequest ours = capturing.directGet(t).signed(bucket, key);
            assertThat(ours.getUri())
                .as("%s %s %s", endpoint, bucket, key)
                .isEqualTo(sent.get().getUri());
            assertThat(ours.firstMatchingHeader("x-amz-content-sha256"))
                .isEqualTo(sent.get().firstMatchingHeader("x-amz-content-sha256"));
            assertThat(ours.firstMatchingHeader("Authorization").orElseThrow())
                .startsWith("AWS4-HMAC-SHA256 Credential=ak/")
                .contains("/ca-central-1/s3/aws4_request");
          }
        }
      }
    }
  }

  @Test
  void theServerAcceptsEverySignatureAndGivesWhatTheClientGets() throws IOException {
    S3Client client = factory.client(target);
    DirectGet direct = factory.directGet(target);
    long before = direct.directGets();
    long fallbacksBefore = direct.fallbacks();
    for (String key : STORABLE_KEYS) {
      byte[] content = ("content of " + key).getBytes(StandardCharsets.UTF_8);
      client.putObject(
          b ->
              b.bucket(BUCKET)
                  .key(key)
                  .contentType("application/x-test")
                  .metadata(Map.of("mtime", "1700000000.123456789", "md5chksum", "abc=")),
          RequestBody.fromBytes(content));
      GetObjectResponse expected;
      try (ResponseInputStream<GetObjectResponse> sdk =
          client.getObject(b -> b.bucket(BUCKET).key(key))) {
        expected = sdk.response();
      }
      try (ResponseInputStream<GetObjectResponse> in = direct.get(BUCKET, key)) {
        assertThat(in.readAllBytes()).as(key).isEqualTo(content);
        GetObjectResponse got = in.response();
        assertThat(got.eTag()).isEqualTo(expected.eTag());
        assertThat(got.contentLength()).isEqualTo(content.length);
        assertThat(got.lastModified()).isEqualTo(expected.lastModified());
        assertThat(got.metadata()).isEqualTo(expected.metadata());
        assertThat(got.contentType()).isEqualTo("application/x-test");
      }
    }
    client.putObject(b -> b.bucket(BUCKET).key("empty"), RequestBody.empty());
    try (ResponseInputStream<GetObjectResponse> in = direct.get(BUCKET, "empty")) {
      assertThat(in.readAllBytes()).isEmpty();
      assertThat(in.response().contentLength()).isZero();
    }
    // Every GET was answered directly: the server checked and accepted each signature.
    assertThat(direct.directGets() - before).isEqualTo(STORABLE_KEYS.size() + 1);
    assertThat(direct.fallbacks()).isEqualTo(fallbacksBefore);
  }

  /** A server that accepts only the client's requests: the direct path steps aside for good. */
  @Test
  void aServerThatRefusesOnlyDirectRequestsTurnsTheDirectPathOff() throws IOException {
    WireMockServer server = new WireMockServer(options().dynamicPort());
    server.start();
    try (S3ClientFactory picky =
        new S3ClientFactory(Duration.ofSeconds(5), 4, List.of(), 3, Duration.ofSeconds(2))) {
      server.stubFor(
          get(urlPathMatching("/b/.*"))
              .withHeader("amz-sdk-invocation-id", absent())
              .willReturn(aResponse().withStatus(403).withBody("<Error><Code>X</Code></Error>")));
      server.stubFor(
          get(urlPathMatching("/b/.*"))
              .withHeader("amz-sdk-invocation-id", matching(".+"))
              .willReturn(aResponse().withStatus(200).withBody("ok")));
      DirectGet direct =
          picky.directGet(new S3Target("http://127.0.0.1:" + server.port(), null, "ak", "sk"));
      for (String key : List.of("one", "two", "three")) {
        try (ResponseInputStream<GetObjectResponse> in = direct.get("b", key)) {
          assertThat(in.readAllBytes()).isEqualTo("ok".getBytes(StandardCharsets.UTF_8));
        }
      }
      assertThat(direct.isOff()).isTrue();
      assertThat(direct.directGets()).isZero();
      // One refused direct GET, then the client's three: not two requests per object.
      server.verify(4, getRequestedFor(urlPathMatching("/b/.*")));
    } finally {
      server.stop();
    }
  }

  @Test
  void readsHttpDatesAsTheSdkReadsThem() {
    for (String date :
        List.of(
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Thu, 01 Jan 1970 00:00:00 GMT",
            "Wed, 25 Nov 2026 23:59:59 GMT",
            "Tue, 29 Feb 2028 12:00:01 GMT",
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT")) {
      assertThat(DirectGet.parseDate(date)).as(date).isEqualTo(DateUtils.parseRfc822Date(date));
    }
    assertThat(DirectGet.parseDate("Sun, 06 Nov 1994 08:49:37 GMT"))
        .isEqualTo(java.time.Instant.parse("1994-11-06T08:49:37Z"));
    for (String bad :
        List.of(
            "", "yesterday", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 0x Nov 1994 08:49:37 GMT")) {
      assertThat(DirectGet.parseDate(bad)).as(bad).isNull();
    }
  }

  @Test
  void aMissingKeyEndsAsTheClientEndsIt() {
    DirectGet direct = factory.directGet(target);
    long fallbacks = direct.fallbacks();
    assertThatThrownBy(() -> direct.get(BUCKET, "no/such/key").close())
        .isInstanceOf(NoSuchKeyException.class);
    assertThat(direct.fallbacks()).isEqualTo(fallbacks + 1);
  }

  @Test
  void aWrongSecretIsRefusedAsTheClientRefusesIt() {
    S3Target wrong =
        new S3Target(target.endpoint(), target.region(), target.accessKey(), "not-the-secret");
    try (S3ClientFactory other = new S3ClientFactory()) {
      assertThatThrownBy(() -> other.directGet(wrong).get(BUCKET, "plain.txt").close())
          .isInstanceOf(S3Exception.class)
          .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(403));
    }
  }

  /** Faults a real server will not produce on demand: the fallback's retries ride them out. */
  @Test
  void throttlingAndResetsAreRetriedThroughTheClient() throws IOException {
    WireMockServer server = new WireMockServer(options().dynamicPort());
    server.start();
    try (S3ClientFactory flaky =
        new S3ClientFactory(Duration.ofSeconds(5), 4, List.of(), 6, Duration.ofSeconds(2))) {
      server.stubFor(
          get(urlPathEqualTo("/b/k"))
              .inScenario("flaky")
              .whenScenarioStateIs(Scenario.STARTED)
              .willReturn(
                  aResponse()
                      .withStatus(503)
                      .withBody("<Error><Code>SlowDown</Code><Message>busy</Message></Error>"))
              .willSetStateTo("reset"));
      server.stubFor(
          get(urlPathEqualTo("/b/k"))
              .inScenario("flaky")
              .whenScenarioStateIs("reset")
              .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))
              .willSetStateTo("ok"));
      server.stubFor(
          get(urlPathEqualTo("/b/k"))
              .inScenario("flaky")
              .whenScenarioStateIs("ok")
              .willReturn(
                  aResponse()
                      .withStatus(200)
                      .withHeader("ETag", "\"5d41402abc4b2a76b9719d911017c592\"")
                      .withHeader("x-amz-meta-mtime", "1700000000")
                      .withBody("hello")));
      DirectGet direct =
          flaky.directGet(new S3Target("http://127.0.0.1:" + server.port(), null, "ak", "sk"));
      try (ResponseInputStream<GetObjectResponse> in = direct.get("b", "k")) {
        assertThat(in.readAllBytes()).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
        assertThat(in.response().metadata()).containsEntry("mtime", "1700000000");
      }
      assertThat(direct.fallbacks()).isEqualTo(1);
      server.verify(3, getRequestedFor(urlPathEqualTo("/b/k")));
    } finally {
      server.stop();
    }
  }
}
