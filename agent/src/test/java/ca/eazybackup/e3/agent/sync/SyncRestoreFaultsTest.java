package ca.eazybackup.e3.agent.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.engine.RestoreRequest;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.engine.RunStatus;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.s3fixtures.S3Fixture;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A sync restore through a relay in front of a real S3 server that garbles one GET's body (a
 * malformed chunk: status and headers fine, then "Bad chunk header"), as the s3 faults scenario
 * does: the file is fetched again and comes back byte for byte.
 */
class SyncRestoreFaultsTest {
  @TempDir Path tmp;
  private S3Fixture s3;
  private WireMockServer relay;
  private S3ClientFactory factory;

  @BeforeEach
  void start() {
    s3 = SharedS3.get();
    // preserveHostHeader keeps SigV4 signatures valid: the client signed the relay's host.
    relay = new WireMockServer(options().dynamicPort().preserveHostHeader(true));
    relay.start();
    relay.stubFor(
        any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(s3.endpoint().toString())));
    factory = new S3ClientFactory(Duration.ofMinutes(2), 8, List.of());
  }

  @AfterEach
  void stop() {
    factory.close();
    relay.stop();
  }

  @Test
  void aBodyBrokenByAMalformedChunkIsFetchedAgain() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("src"));
    List<String> files = Trees.small(source, 5, 3);
    String bucket = SharedS3.newBucketName("f");
    Path cache = Files.createDirectories(tmp.resolve("cache"));
    SyncJobs direct = SyncJobs.of(s3, bucket, "p", source.toString());
    assertThat(
            new SyncEngine()
                .backup(direct.build(), new TestRunContext(tmp, cache, factory))
                .status())
        .isEqualTo(RunStatus.SUCCESS);
    String victim = "/" + bucket + "/p/" + files.get(0);
    relay.stubFor(
        get(urlPathEqualTo(victim))
            .atPriority(1)
            .inScenario("garble")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK))
            .willSetStateTo("done"));
    Path target = tmp.resolve("restored");

    RunOutcome restore =
        new SyncEngine()
            .restore(
                SyncJobs.of(new Relayed(s3, relay.port()), bucket, "p", source.toString()).build(),
                new RestoreRequest(null, target.toString(), List.of(), "always", false),
                new TestRunContext(tmp, cache, factory));

    assertThat(restore.status()).as(restore.message()).isEqualTo(RunStatus.SUCCESS);
    relay.verify(2, getRequestedFor(urlPathEqualTo(victim)));
    for (String f : files) {
      assertThat(Files.mismatch(source.resolve(f), target.resolve(f))).as(f).isEqualTo(-1L);
    }
  }

  /** The fixture's server, reached through the relay. */
  private record Relayed(S3Fixture inner, int port) implements S3Fixture {
    @Override
    public URI endpoint() {
      return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public String region() {
      return inner.region();
    }

    @Override
    public String accessKey() {
      return inner.accessKey();
    }

    @Override
    public String secretKey() {
      return inner.secretKey();
    }

    @Override
    public String kind() {
      return inner.kind();
    }

    @Override
    public void createBucket(String bucket) {
      inner.createBucket(bucket);
    }

    @Override
    public S3Client client() {
      return inner.client();
    }

    @Override
    public void close() {}
  }
}
