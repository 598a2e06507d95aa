package ca.eazybackup.e3.agent.nas.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.nas.CacheMode;
import ca.eazybackup.e3.agent.nas.NasEvents;
import ca.eazybackup.e3.agent.nas.NasOptions;
import ca.eazybackup.e3.agent.nas.webdav.DavServer;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.agent.s3.S3Target;
import ca.eazybackup.e3.s3fixtures.S3Fixture;
import com.github.sardine.DavResource;
import com.github.sardine.Sardine;
import com.github.sardine.SardineFactory;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * A file saved again while the upload of its earlier save is still running: the finished earlier
 * upload must not put its own (older) size and ETag into the folder listing over the newer pending
 * save. PROPFIND's getcontentlength and GET's Content-Length come from that listing; a stale size
 * made Windows read the new file truncated or padded. Uploads are held at S3 by a gate, so the
 * order is forced, not hoped for.
 */
class WriteBackSaveDuringUploadTest {
  private static final Duration WAIT = Duration.ofMinutes(1);

  private static S3Fixture s3;
  private static S3ClientFactory factory;
  private static DavServer server;
  private static Sardine dav;

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3Fixture.start();
    factory = new S3ClientFactory();
    server = DavServer.start(0);
    dav = SardineFactory.begin();
  }

  @AfterAll
  static void stop() throws Exception {
    dav.shutdown();
    server.close();
    factory.close();
    s3.close();
  }

  /** Holds the n-th PUT of the object (1-based) until its latch is released. */
  static final class UploadGate {
    final CountDownLatch firstHeld = new CountDownLatch(1);
    final CountDownLatch releaseFirst = new CountDownLatch(1);
    final CountDownLatch secondHeld = new CountDownLatch(1);
    final CountDownLatch releaseSecond = new CountDownLatch(1);
    final AtomicInteger puts = new AtomicInteger();

    S3Client around(S3Client real, String key) {
      return (S3Client)
          Proxy.newProxyInstance(
              S3Client.class.getClassLoader(),
              new Class<?>[] {S3Client.class},
              (proxy, method, args) -> {
                if (method.getName().equals("putObject")
                    && args != null
                    && args[0] instanceof PutObjectRequest r
                    && r.key().equals(key)) {
                  int n = puts.incrementAndGet();
                  if (n == 1) {
                    firstHeld.countDown();
                    await(releaseFirst);
                  } else if (n == 2) {
                    secondHeld.countDown();
                    await(releaseSecond);
                  }
                }
                try {
                  return method.invoke(real, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
    }
  }

  static void await(CountDownLatch latch) throws InterruptedException {
    assertThat(latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("gate reached").isTrue();
  }

  static byte[] version(int seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @ParameterizedTest
  @EnumSource(
      value = CacheMode.class,
      names = {"WRITES", "FULL"})
  void theNewerPendingSaveKeepsItsSizeWhenTheOlderUploadEnds(CacheMode mode) throws Exception {
    String bucket =
        "nas-save-during-upload-" + mode.wireName() + "-" + ProcessHandle.current().pid();
    s3.createBucket(bucket);
    S3Client real =
        factory.client(
            new S3Target(s3.endpoint().toString(), s3.region(), s3.accessKey(), s3.secretKey()));
    UploadGate gate = new UploadGate();
    Queue<String> events = new ConcurrentLinkedQueue<>();
    NasEvents recorded = (code, message, params) -> events.add(code);
    // write-back 0: upload #1 starts at once and is held by the gate
    NasOptions options =
        new NasOptions(mode, 0, 0, 0, false, tmp.resolve(mode.wireName()))
            .withWriteBack(Duration.ZERO);
    byte[] v1 = version(1, 3000);
    byte[] v2 = version(2, 5000);
    try (S3FileSystem fs =
            S3FileSystem.open(
                gate.around(real, "drive/doc.bin"), bucket, "drive", options, recorded);
        DavServer.Mount mount = server.mount(fs, false, recorded, null)) {
      String url = mount.url() + "doc.bin";
      dav.put(url, v1);
      await(gate.firstHeld); // upload #1 is in flight
      dav.put(url, v2); // answered: version 2 is durable in the cache
      gate.releaseFirst.countDown();
      // upload #2 begins only after upload #1 has finished and told the listing
      await(gate.secondHeld);

      assertThat(fs.cache().isPending("doc.bin")).as("version 2 still pending").isTrue();
      assertServes(url, v2, "while version 2 is pending");
      assertThat(s3Object(real, bucket)).as("S3 holds version 1 meanwhile").isEqualTo(v1);

      gate.releaseSecond.countDown();
      fs.flush(WAIT);

      assertServes(url, v2, "after version 2 is uploaded");
      assertThat(s3Object(real, bucket)).as("S3 ends with version 2").isEqualTo(v2);
      assertThat(gate.puts).hasValue(2);
      assertThat(fs.pendingWrites()).isZero();
    }
    assertThat(events).doesNotContain("NAS_UPLOAD_CONFLICT", "NAS_UPLOAD_RETRY");
  }

  private static void assertServes(String url, byte[] expected, String when) throws Exception {
    List<DavResource> props = dav.list(url, 0);
    assertThat(props).hasSize(1);
    assertThat(props.get(0).getContentLength())
        .as("PROPFIND getcontentlength %s", when)
        .isEqualTo((long) expected.length);
    try (InputStream in = dav.get(url)) {
      assertThat(in.readAllBytes()).as("GET %s", when).isEqualTo(expected);
    }
  }

  private static byte[] s3Object(S3Client s3, String bucket) {
    return s3.getObjectAsBytes(r -> r.bucket(bucket).key("drive/doc.bin")).asByteArray();
  }
}
