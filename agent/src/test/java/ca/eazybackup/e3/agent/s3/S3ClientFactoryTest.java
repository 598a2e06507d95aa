package ca.eazybackup.e3.agent.s3;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.moreThanOrExactly;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The factory's clients ride out what a busy S3 server does. WireMock stands in for the server
 * because a real one will not throttle, reset or stall on demand.
 */
class S3ClientFactoryTest {
  private WireMockServer server;
  private S3ClientFactory factory;
  private S3Client s3;

  @BeforeEach
  void start() {
    server = new WireMockServer(options().dynamicPort());
    server.start();
    factory = new S3ClientFactory(Duration.ofSeconds(5), 4, List.of(), 6, Duration.ofMillis(800));
    s3 = factory.client(new S3Target("http://127.0.0.1:" + server.port(), null, "ak", "sk"));
  }

  @AfterEach
  void stop() {
    factory.close();
    server.stop();
  }

  private void thenSucceeds(String state) {
    server.stubFor(
        put(urlPathEqualTo("/b/k"))
            .inScenario("flaky")
            .whenScenarioStateIs(state)
            .willReturn(aResponse().withStatus(200).withHeader("ETag", "\"abc\"")));
  }

  private void upload() {
    s3.putObject(b -> b.bucket("b").key("k"), RequestBody.fromString("hello"));
  }

  @Test
  void retriesSlowDownWithBackoffUntilTheServerRecovers() {
    String slowDown =
        "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";
    server.stubFor(
        put(urlPathEqualTo("/b/k"))
            .inScenario("flaky")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(503).withBody(slowDown))
            .willSetStateTo("again"));
    server.stubFor(
        put(urlPathEqualTo("/b/k"))
            .inScenario("flaky")
            .whenScenarioStateIs("again")
            .willReturn(aResponse().withStatus(503).withBody(slowDown))
            .willSetStateTo("ok"));
    thenSucceeds("ok");

    upload();

    server.verify(3, putRequestedFor(urlPathEqualTo("/b/k")));
  }

  @Test
  void retriesAConnectionResetByThePeer() {
    server.stubFor(
        put(urlPathEqualTo("/b/k"))
            .inScenario("flaky")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))
            .willSetStateTo("ok"));
    thenSucceeds("ok");

    upload();

    server.verify(2, putRequestedFor(urlPathEqualTo("/b/k")));
  }

  @Test
  void cutsAStuckRequestAndRetriesIt() {
    // The first attempt stalls (WireMock would move a scenario on only after the stall ends, so
    // the attempt number the SDK sends tells the stub which one to stall).
    server.stubFor(
        put(urlPathEqualTo("/b/k"))
            .atPriority(1)
            .withHeader("amz-sdk-request", containing("attempt=1;"))
            .willReturn(aResponse().withStatus(200).withFixedDelay(15_000)));
    server.stubFor(
        put(urlPathEqualTo("/b/k"))
            .atPriority(2)
            .willReturn(aResponse().withStatus(200).withHeader("ETag", "\"abc\"")));

    long t0 = System.nanoTime();
    upload();

    // Cut after 0.8 s of silence and retried, long before the server would have answered.
    assertThat((System.nanoTime() - t0) / 1e9).isLessThan(10.0);
    // Under heavy machine load the retry itself can be cut once more: at least one retry.
    server.verify(moreThanOrExactly(2), putRequestedFor(urlPathEqualTo("/b/k")));
  }

  @Test
  void retriesAListingWhoseChunkedBodyIsCorrupt() {
    // A relay or proxy that mangles a chunked answer: the SDK's XML parser meets Apache's
    // MalformedChunkCodingException mid-body. That is a broken connection, not a bad request.
    String listing =
        "<ListBucketResult><Name>b</Name><KeyCount>1</KeyCount><IsTruncated>false</IsTruncated>"
            + "<Contents><Key>k</Key><Size>5</Size></Contents></ListBucketResult>";
    server.stubFor(
        get(urlPathEqualTo("/b"))
            .inScenario("flaky")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK))
            .willSetStateTo("ok"));
    server.stubFor(
        get(urlPathEqualTo("/b"))
            .inScenario("flaky")
            .whenScenarioStateIs("ok")
            .willReturn(aResponse().withStatus(200).withBody(listing)));

    assertThat(s3.listObjectsV2(b -> b.bucket("b")).contents()).hasSize(1);

    server.verify(2, getRequestedFor(urlPathEqualTo("/b")));
  }

  @Test
  void sendsNoExpectContinueSoSmallPutsCostOneRoundTrip() {
    thenSucceeds(Scenario.STARTED);

    upload();

    assertThat(server.getAllServeEvents().get(0).getRequest().containsHeader("Expect")).isFalse();
  }
}
