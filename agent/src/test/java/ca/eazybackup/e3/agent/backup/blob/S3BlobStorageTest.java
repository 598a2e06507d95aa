package ca.eazybackup.e3.agent.backup.blob;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.binaryEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.agent.backup.index.ContentId;
import ca.eazybackup.e3.agent.backup.repo.Repository;
import ca.eazybackup.e3.agent.backup.repo.RepositoryException;
import ca.eazybackup.e3.agent.backup.repo.RepositoryOptions;
import ca.eazybackup.e3.agent.s3.FixtureS3;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.agent.s3.S3Target;
import ca.eazybackup.e3.agent.transfer.FakeTicker;
import ca.eazybackup.e3.agent.transfer.RetryPolicy;
import ca.eazybackup.e3.s3fixtures.S3Fixture;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The production S3 store in the production stack, against a real S3 server (S3Proxy child process
 * from s3-fixtures); WireMock only for the throttling a real server will not produce.
 */
class S3BlobStorageTest {
  private static FixtureS3 s3;
  private static S3Fixture fixture;
  private static S3ClientFactory factory;
  private static S3Target target;
  private static int buckets;

  private final FakeTicker ticker = new FakeTicker();
  private final RetryPolicy policy =
      new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofMinutes(1), ticker);

  @BeforeAll
  static void startS3() {
    s3 = FixtureS3.startOrSkip();
    fixture = s3.fixture();
    factory = s3.factory();
    target = s3.target();
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.close();
    }
  }

  private static String freshBucket() {
    String bucket = "kopia-test-" + (++buckets);
    fixture.createBucket(bucket);
    return bucket;
  }

  private BlobStorage stack(BlobStorage raw) {
    return StorageStack.wrap(raw, policy, null, null, () -> false);
  }

  @Test
  void putsGetsRangesListsPagesAndDeletes() throws Exception {
    // small pages: paging is exercised
    BlobStorage st =
        stack(
            new S3BlobStorage(
                factory.client(target), target.endpoint(), freshBucket(), "repo1", 4));
    st.put("kopia.repository", "hello world".getBytes(StandardCharsets.US_ASCII));
    assertThat(new String(st.get("kopia.repository", 6, 5), StandardCharsets.US_ASCII))
        .isEqualTo("world");
    assertThat(new String(st.get("kopia.repository", 6, -1), StandardCharsets.US_ASCII))
        .isEqualTo("world");
    assertThat(st.get("kopia.repository", 0, -1)).hasSize(11);
    assertThat(st.stat("kopia.repository")).get().extracting(BlobMetadata::length).isEqualTo(11L);
    assertThat(st.stat("nope")).isEmpty();
    assertThatThrownBy(() -> st.get("nope", 0, -1)).isInstanceOf(BlobNotFoundException.class);
    for (int i = 0; i < 11; i++) { // three listing pages
      st.put(String.format("p%04d", i), new byte[] {(byte) i});
    }
    List<String> ids = new ArrayList<>();
    st.list("p", m -> ids.add(m.blobId()));
    assertThat(ids).hasSize(11).contains("p0000", "p0010");
    st.delete("p0000");
    st.delete("p0000");
    List<String> after = new ArrayList<>();
    st.list("p000", m -> after.add(m.blobId()));
    assertThat(after)
        .containsExactly(
            "p0001", "p0002", "p0003", "p0004", "p0005", "p0006", "p0007", "p0008", "p0009");
    assertThat(ticker.parks()).as("nothing was retried").isZero();
  }

  @Test
  void listingSkipsKopiasStorageConfigAndSubFolders() throws Exception {
    String bucket = freshBucket();
    BlobStorage st =
        stack(S3BlobStorage.open(factory.client(target), target.endpoint(), bucket, "r", false));
    st.put("p1", new byte[1]);
    st.put(".storageconfig", new byte[1]);
    factory
        .client(target)
        .putObject(
            b -> b.bucket(bucket).key("r/sub/p2"),
            software.amazon.awssdk.core.sync.RequestBody.fromBytes(new byte[1]));
    List<String> ids = new ArrayList<>();
    st.list("", m -> ids.add(m.blobId()));
    assertThat(ids).containsExactly("p1");
  }

  @Test
  void aMissingBucketFailsAtOnceNamingItUnlessAutoCreateIsSet() throws Exception {
    assertThatThrownBy(
            () ->
                S3BlobStorage.open(
                    factory.client(target), target.endpoint(), "no-such-bucket-e3", "", false))
        .isInstanceOf(BlobStorageException.class)
        .hasMessageContaining("bucket 'no-such-bucket-e3' does not exist")
        .hasMessageContaining("bucket_auto_create")
        .matches(e -> !((BlobStorageException) e).retriable());
    BlobStorage created =
        S3BlobStorage.open(factory.client(target), target.endpoint(), "auto-made-e3", "", true);
    created.put("x", new byte[1]);
    assertThat(created.stat("x")).isPresent();
  }

  @Test
  void aReaderOfAMissingBucketIsToldSoByItsFirstRead() throws Exception {
    BlobStorage st =
        stack(
            S3BlobStorage.openForReading(
                factory.client(target), target.endpoint(), "no-such-bucket-e3", ""));
    assertThatThrownBy(() -> st.get("kopia.repository", 0, -1))
        .isInstanceOf(BlobStorageException.class)
        .hasMessageContaining("bucket 'no-such-bucket-e3' does not exist");
    assertThat(ticker.parks()).as("not retried").isZero();
  }

  @Test
  void aBucketDeletedUnderARunningStoreIsNotRetried() throws Exception {
    String bucket = freshBucket();
    BlobStorage st =
        stack(S3BlobStorage.open(factory.client(target), target.endpoint(), bucket, "", false));
    factory.client(target).deleteBucket(b -> b.bucket(bucket));
    assertThatThrownBy(() -> st.put("x", new byte[1]))
        .hasMessageContaining("bucket '" + bucket + "' does not exist");
    assertThat(ticker.parks()).isZero();
  }

  @Test
  void refusedCredentialsFailAtOnceWithAMessageToActOn() {
    S3Target wrong =
        new S3Target(target.endpoint(), target.region(), target.accessKey(), "wrong-secret");
    assertThatThrownBy(
            () ->
                stack(
                        new S3BlobStorage(
                            factory.client(wrong), target.endpoint(), freshBucket(), "", 1000))
                    .put("x", new byte[1]))
        .isInstanceOf(BlobStorageException.class)
        .hasMessageContaining("access denied")
        .hasMessageContaining("check the access key");
    assertThat(ticker.parks()).as("not retried").isZero();
  }

  @Test
  void throttlingIsRiddenOut() throws Exception {
    WireMockServer server = new WireMockServer(options().dynamicPort());
    server.start();
    // a client that gives up at once, so the stack's own retry is what rides it out
    try (S3ClientFactory oneShot =
        new S3ClientFactory(Duration.ofSeconds(5), 4, List.of(), 1, Duration.ofSeconds(5))) {
      String slowDown = "<Error><Code>SlowDown</Code><Message>Reduce your rate.</Message></Error>";
      server.stubFor(
          put(urlPathEqualTo("/b/p1"))
              .inScenario("busy")
              .whenScenarioStateIs(Scenario.STARTED)
              .willReturn(aResponse().withStatus(503).withBody(slowDown))
              .willSetStateTo("ok"));
      server.stubFor(
          put(urlPathEqualTo("/b/p1"))
              .inScenario("busy")
              .whenScenarioStateIs("ok")
              .willReturn(aResponse().withStatus(200).withHeader("ETag", "\"abc\"")));
      String endpoint = "http://127.0.0.1:" + server.port();
      BlobStorage st =
          stack(
              new S3BlobStorage(
                  oneShot.client(new S3Target(endpoint, null, "ak", "sk")),
                  endpoint,
                  "b",
                  "",
                  1000));
      st.put("p1", new byte[] {1, 2, 3});
      server.verify(2, putRequestedFor(urlPathEqualTo("/b/p1")));
      assertThat(ticker.parks()).isEqualTo(1);
    } finally {
      server.stop();
    }
  }

  /** The body is streamed from the caller's array: each retry must resend all of it. */
  @Test
  void aRetriedPutResendsTheWholeBodyWithItsMd5() throws Exception {
    WireMockServer server = new WireMockServer(options().dynamicPort());
    server.start();
    byte[] data = new byte[1 << 20];
    new Random(7).nextBytes(data);
    String md5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
    // the SDK's own retry (3 attempts) and then the stack's: 500, 500, 500, then 200
    try (S3ClientFactory sdkRetries =
        new S3ClientFactory(Duration.ofSeconds(5), 4, List.of(), 3, Duration.ofSeconds(5))) {
      String error = "<Error><Code>InternalError</Code><Message>try again</Message></Error>";
      for (int i = 0; i < 3; i++) {
        server.stubFor(
            put(urlPathEqualTo("/b/p1"))
                .inScenario("flaky")
                .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "failed" + i)
                .willReturn(aResponse().withStatus(500).withBody(error))
                .willSetStateTo("failed" + (i + 1)));
      }
      server.stubFor(
          put(urlPathEqualTo("/b/p1"))
              .inScenario("flaky")
              .whenScenarioStateIs("failed3")
              .willReturn(aResponse().withStatus(200).withHeader("ETag", "\"abc\"")));
      String endpoint = "http://127.0.0.1:" + server.port();
      BlobStorage st =
          stack(
              new S3BlobStorage(
                  sdkRetries.client(new S3Target(endpoint, null, "ak", "sk")),
                  endpoint,
                  "b",
                  "",
                  1000));
      st.put("p1", data);
      server.verify(
          4,
          putRequestedFor(urlPathEqualTo("/b/p1"))
              .withHeader("Content-MD5", equalTo(md5))
              .withRequestBody(binaryEqualTo(data)));
    } finally {
      server.stop();
    }
  }

  @Test
  void repositoryRoundTripsOnS3() throws Exception {
    BlobStorage st =
        stack(
            S3BlobStorage.open(
                factory.client(target), target.endpoint(), freshBucket(), "", false));
    byte[] data = new byte[1 << 20];
    new Random(3).nextBytes(data);
    ContentId id;
    try (Repository r = Repository.create(st, "pw", RepositoryOptions.defaults())) {
      id = r.contents().write(data, 0, data.length, "", "zstd");
    }
    assertThatThrownBy(() -> Repository.open(st, "bad", null))
        .isInstanceOf(RepositoryException.class);
    try (Repository r = Repository.open(st, "pw", null)) {
      assertThat(r.contents().read(id)).isEqualTo(data);
    }
  }
}
