package ca.eazybackup.e3.agent.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.agent.engine.Cancellation;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.agent.s3.S3Target;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ranged download of one large object under faults a real S3 server will not produce on demand: a
 * range cut off mid-body is fetched again on its own, a range whose bytes do not give the multipart
 * ETag fails the file, and a cancel stops a download stuck on a silent range at once. WireMock
 * stands in for S3 (real-server restores are covered by SyncEngineTest).
 */
class RangedDownloadTest {
  private static final int PART = 64 * 1024;
  private static final byte[] CONTENT = new byte[3 * PART + 1000];

  static {
    new Random(7).nextBytes(CONTENT);
  }

  private static final String ETAG = multipartEtag(CONTENT);
  private static final RemoteObject OBJECT =
      new RemoteObject("big.bin", CONTENT.length, ETAG, Instant.EPOCH);

  @TempDir Path dir;
  private WireMockServer server;
  private S3ClientFactory factory;
  private Cancellation cancellation;
  private Transfers transfers;
  private RangedDownload download;

  @BeforeEach
  void start() {
    server = new WireMockServer(options().dynamicPort());
    server.start();
    factory = new S3ClientFactory(Duration.ofSeconds(60), 8, List.of(), 2, Duration.ofSeconds(60));
    cancellation = new Cancellation();
    transfers = new Transfers(4, 0, 0, cancellation, FileOpener.DEFAULT, "test");
    cancellation.onCancel(transfers::stopNow);
    download =
        new RangedDownload(
            factory.client(new S3Target("http://127.0.0.1:" + server.port(), null, "ak", "sk")),
            "b",
            transfers,
            new RecordingProgress(),
            3);
  }

  @AfterEach
  void stop() {
    transfers.stopNow();
    factory.close();
    server.stop();
  }

  private static String range(int part) {
    long from = (long) part * PART;
    long to = Math.min(CONTENT.length, from + PART) - 1;
    return "bytes=" + from + "-" + to;
  }

  private static MappingBuilder getRange(int part) {
    return get(urlPathEqualTo("/b/big.bin")).withHeader("Range", equalTo(range(part)));
  }

  private void serveEveryRange(byte[] content) {
    for (int part = 0; part < 4; part++) {
      int from = part * PART;
      int to = Math.min(content.length, from + PART);
      server.stubFor(
          getRange(part)
              .willReturn(
                  aResponse()
                      .withStatus(206)
                      .withHeader("ETag", "\"" + ETAG + "\"")
                      .withBody(Arrays.copyOfRange(content, from, to))));
    }
  }

  @Test
  void aRangeCutOffMidBodyIsFetchedAgainOnItsOwn() throws Exception {
    serveEveryRange(CONTENT);
    // Range 2's first answer promises a whole part and sends a tenth of it before closing.
    server.stubFor(
        getRange(2)
            .atPriority(1)
            .inScenario("cut")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(
                aResponse()
                    .withStatus(206)
                    .withHeader("Content-Length", String.valueOf(PART))
                    .withBody(Arrays.copyOfRange(CONTENT, 2 * PART, 2 * PART + PART / 10)))
            .willSetStateTo("whole"));
    Path temp = dir.resolve("big.part");

    RangedDownload.Result result = download.fetch(OBJECT, temp, PART);

    assertThat(Files.readAllBytes(temp)).isEqualTo(CONTENT);
    assertThat(result.md5Hex()).isNull(); // verified part by part against the multipart ETag
    server.verify(
        2, getRequestedFor(urlPathEqualTo("/b/big.bin")).withHeader("Range", equalTo(range(2))));
    server.verify(
        1, getRequestedFor(urlPathEqualTo("/b/big.bin")).withHeader("Range", equalTo(range(0))));
  }

  @Test
  void bytesThatDoNotGiveTheMultipartEtagFailTheFile() {
    byte[] tampered = CONTENT.clone();
    tampered[PART + 5] ^= 1;
    serveEveryRange(tampered);

    assertThatThrownBy(() -> download.fetch(OBJECT, dir.resolve("big.part"), PART))
        .isInstanceOf(SyncRestore.VerifyException.class)
        .hasMessageContaining("big.bin")
        .hasMessageContaining(ETAG);
  }

  @Test
  void cancelStopsADownloadStuckOnASilentRangeAtOnce() throws Exception {
    serveEveryRange(CONTENT);
    server.stubFor(
        getRange(3).atPriority(1).willReturn(aResponse().withStatus(206).withFixedDelay(20_000)));
    Path temp = dir.resolve("big.part");
    // As in SyncRestore: the file's download runs on a file worker, which a cancel interrupts.
    Future<RangedDownload.Result> running =
        transfers.files.submit(() -> download.fetch(OBJECT, temp, PART));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.findAll(getRequestedFor(urlPathEqualTo("/b/big.bin"))).size() == 4);

    long t0 = System.nanoTime();
    cancellation.cancel("user");

    assertThatThrownBy(() -> running.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(InterruptedIOException.class);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5_000);
    // The stuck range is not tried again after the cancel.
    server.verify(
        1, getRequestedFor(urlPathEqualTo("/b/big.bin")).withHeader("Range", equalTo(range(3))));
  }

  private static String multipartEtag(byte[] content) {
    List<byte[]> md5s = new ArrayList<>();
    for (int from = 0; from < content.length; from += PART) {
      md5s.add(Md5.of(content, from, Math.min(PART, content.length - from)));
    }
    return Md5.multipartEtag(md5s);
  }
}
