package ca.eazybackup.e3.agent.nas.vfs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.eazybackup.e3.agent.nas.CacheMode;
import ca.eazybackup.e3.agent.nas.NasEvents;
import ca.eazybackup.e3.agent.nas.NasOptions;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.agent.s3.S3Target;
import ca.eazybackup.e3.s3fixtures.S3Fixture;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Two promises of the S3 volume that need S3 itself: the quota figure follows the volume's own
 * writes without walking the bucket again, and a background upload S3 refuses is tried again until
 * S3 takes it (S3 reached through a WireMock relay that refuses uploads while told to).
 */
class UsedSpaceAndRetryTest {
  private static final AtomicInteger BUCKETS = new AtomicInteger();
  private static S3Fixture s3;
  private static WireMockServer relay;
  private static final AtomicInteger lists = new AtomicInteger();
  private static S3ClientFactory direct;
  private static S3ClientFactory viaRelay;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    s3 = S3Fixture.start();
    relay = new WireMockServer(options().dynamicPort().preserveHostHeader(true));
    relay.start();
    relay.stubFor(
        any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(s3.endpoint().toString())));
    ExecutionInterceptor countLists =
        new ExecutionInterceptor() {
          @Override
          public void beforeExecution(
              Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof ListObjectsV2Request) {
              lists.incrementAndGet();
            }
          }
        };
    direct = new S3ClientFactory(Duration.ofSeconds(60), 8, List.of(countLists));
    // one attempt per upload: the retries under test are the volume's, not the S3 client's
    viaRelay = new S3ClientFactory(Duration.ofSeconds(60), 8, List.of(), 1, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() throws Exception {
    direct.close();
    viaRelay.close();
    relay.stop();
    s3.close();
  }

  private static String newBucket() {
    String b = "nas-space-" + BUCKETS.incrementAndGet() + "-" + ProcessHandle.current().pid();
    s3.createBucket(b);
    return b;
  }

  private static S3Client client(S3ClientFactory f, String endpoint) {
    return f.client(new S3Target(endpoint, s3.region(), s3.accessKey(), s3.secretKey()));
  }

  private static void putObject(S3Client c, String bucket, String key, int size) {
    c.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(new byte[size]));
  }

  @Test
  void usedSpaceFollowsTheVolumesOwnWritesWithoutWalkingTheBucketAgain() throws Exception {
    String bucket = newBucket();
    S3Client c = client(direct, s3.endpoint().toString());
    putObject(c, bucket, "drive/a.bin", 1000);
    putObject(c, bucket, "drive/sub/b.bin", 2000);
    putObject(c, bucket, "elsewhere.bin", 50_000); // outside the prefix: not the drive's
    try (S3FileSystem fs =
        S3FileSystem.open(
            c, bucket, "drive", new NasOptions(CacheMode.OFF, 0, 0, 0, false, null), null)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> fs.space().usedBytes() == 3000);
      assertThat(fs.usedSpace().walks()).isEqualTo(1);

      fs.write("c.bin", new ByteArrayInputStream(new byte[500]), 500);
      assertThat(fs.space().usedBytes()).isEqualTo(3500);
      fs.write("a.bin", new ByteArrayInputStream(new byte[100]), 100); // replaces 1000 bytes
      assertThat(fs.space().usedBytes()).isEqualTo(2600);
      fs.copy("sub", "copy", true); // + 2000
      assertThat(fs.space().usedBytes()).isEqualTo(4600);
      fs.move("copy", "moved"); // a move changes nothing
      assertThat(fs.space().usedBytes()).isEqualTo(4600);
      fs.delete("moved"); // - 2000
      fs.delete("c.bin"); // - 500
      assertThat(fs.space().usedBytes()).isEqualTo(2100);

      int listsBefore = lists.get();
      for (int i = 0; i < 20; i++) {
        fs.space(); // Explorer asks with every PROPFIND of the drive's root
      }
      assertThat(fs.usedSpace().walks()).isEqualTo(1);
      assertThat(lists.get()).isEqualTo(listsBefore);

      // What others change in S3 is picked up by the next reconciling walk
      putObject(c, bucket, "drive/from-someone-else.bin", 7000);
      fs.usedSpace().reconcileEvery(0);
      await().atMost(Duration.ofSeconds(30)).until(() -> fs.space().usedBytes() == 9100);
    }
  }

  @Test
  void aBackgroundUploadS3RefusesIsTriedAgainUntilS3TakesIt() throws Exception {
    String bucket = newBucket();
    StubMapping refuse =
        relay.stubFor(
            put(urlPathMatching("/" + bucket + "/drive/.*"))
                .atPriority(1)
                .willReturn(
                    aResponse()
                        .withStatus(503)
                        .withHeader("Content-Type", "application/xml")
                        .withBody(
                            "<Error><Code>ServiceUnavailable</Code>"
                                + "<Message>down for the test</Message></Error>")));
    List<String> events = new CopyOnWriteArrayList<>();
    NasEvents record = (code, message, params) -> events.add(code + " " + message);
    byte[] body = "saved while S3 was down".getBytes(StandardCharsets.UTF_8);
    S3Client c = client(viaRelay, relay.baseUrl());
    try (S3FileSystem fs =
        S3FileSystem.open(
            c,
            bucket,
            "drive",
            new NasOptions(CacheMode.WRITES, 0, 0, 0, false, tmp.resolve("cache"))
                .withWriteBack(Duration.ZERO),
            record)) {
      fs.write("doc.txt", new ByteArrayInputStream(body), body.length);
      // refused twice: the first retry waits 1 s, the second 2 s
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> events.stream().filter(e -> e.startsWith("NAS_UPLOAD_RETRY")).count() >= 2);
      assertThat(fs.pendingWrites()).isEqualTo(1);
      S3Client plain = client(direct, s3.endpoint().toString());
      assertThat(exists(plain, bucket, "drive/doc.txt")).isFalse();

      relay.removeStub(refuse); // S3 is back
      await().atMost(Duration.ofSeconds(60)).until(() -> fs.pendingWrites() == 0);
      assertThat(plain.getObjectAsBytes(b -> b.bucket(bucket).key("drive/doc.txt")).asByteArray())
          .isEqualTo(body);
    }
  }

  private static boolean exists(S3Client c, String bucket, String key) {
    try {
      c.headObject(b -> b.bucket(bucket).key(key));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }
}
