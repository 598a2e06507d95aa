package ca.eazybackup.e3.agent.nas;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.sardine.DavResource;
import com.github.sardine.Sardine;
import com.github.sardine.SardineFactory;
import com.github.sardine.impl.SardineException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * rclone's cache modes through a real WebDAV client: every mode round-trips a tree; a partial PUT
 * (the WebDAV form of a read+write open) needs minimal or more; full caches reads and evicts the
 * least recently used clean data past the cache size; listings are trusted for the dir cache time
 * only.
 */
class CacheModesTest {
  static NasServer server;
  static Sardine dav;

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    server = NasServer.start(0);
    dav = SardineFactory.begin();
  }

  @AfterAll
  static void stop() throws Exception {
    dav.shutdown();
    server.close();
  }

  static byte[] random(int seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static byte[] s3(String bucket, String key) {
    return NasS3.fixture().client().getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray();
  }

  static byte[] get(String u) throws Exception {
    try (InputStream in = dav.get(u)) {
      return in.readAllBytes();
    }
  }

  @ParameterizedTest
  @EnumSource(CacheMode.class)
  void aTreeRoundTripsInEveryMode(CacheMode mode) throws Exception {
    String bucket = NasS3.newBucket("mode-" + mode.wireName());
    try (ServedVolume v =
        server.serveBucket(
            NasS3.factory(),
            NasS3.target(),
            bucket,
            "p",
            new NasOptions(mode, 0, 0, 0, false, tmp.resolve("c")),
            NasEvents.none())) {
      String u = v.url().toString();
      dav.createDirectory(u + "docs");
      dav.createDirectory(u + "docs/empty");
      Map<String, byte[]> files =
          Map.of(
              "a.bin", random(1, 70_000),
              "docs/b.txt", "bee".getBytes(StandardCharsets.UTF_8),
              "docs/zero.txt", new byte[0],
              "docs/ünïcödé name.txt", random(2, 5000));
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        dav.put(
            u + encode(f.getKey()),
            new ByteArrayInputStream(f.getValue()),
            "application/octet-stream",
            false,
            f.getValue().length);
      }
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        assertThat(get(u + encode(f.getKey()))).as(f.getKey()).isEqualTo(f.getValue());
      }
      // a range of a file: twice in full mode (the second from the sparse cache)
      for (int i = 0; i < 2; i++) {
        try (InputStream in = dav.get(u + "a.bin", Map.of("Range", "bytes=1000-1999"))) {
          byte[] part = in.readAllBytes();
          byte[] want = new byte[1000];
          System.arraycopy(files.get("a.bin"), 1000, want, 0, 1000);
          assertThat(part).isEqualTo(want);
        }
      }
      assertThat(dav.list(u + "docs/", 1))
          .extracting(DavResource::getName)
          .contains("empty", "b.txt", "zero.txt", "ünïcödé name.txt");
      v.flush(Duration.ofMinutes(2));
      assertThat(v.pendingUploads()).isZero();
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        assertThat(s3(bucket, "p/" + f.getKey())).as(f.getKey()).isEqualTo(f.getValue());
      }
    }
  }

  static String encode(String path) {
    StringBuilder sb = new StringBuilder();
    for (String seg : path.split("/")) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(java.net.URLEncoder.encode(seg, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return sb.toString();
  }

  @ParameterizedTest
  @EnumSource(CacheMode.class)
  void aPartialPutNeedsACache(CacheMode mode) throws Exception {
    String bucket = NasS3.newBucket("partial-" + mode.wireName());
    try (ServedVolume v =
        server.serveBucket(
            NasS3.factory(),
            NasS3.target(),
            bucket,
            "",
            new NasOptions(mode, 0, 0, 0, false, tmp.resolve("c")),
            NasEvents.none())) {
      String u = v.url().toString();
      dav.put(u + "f.txt", "0123456789".getBytes(StandardCharsets.UTF_8));
      try {
        dav.put(
            u + "f.txt",
            new ByteArrayInputStream("AB".getBytes(StandardCharsets.UTF_8)),
            Map.of("Content-Range", "bytes 3-4/10"));
        assertThat(mode).isNotEqualTo(CacheMode.OFF);
        assertThat(new String(get(u + "f.txt"), StandardCharsets.UTF_8)).isEqualTo("012AB56789");
        v.flush(Duration.ofMinutes(1));
        assertThat(new String(s3(bucket, "f.txt"), StandardCharsets.UTF_8)).isEqualTo("012AB56789");
      } catch (SardineException e) {
        assertThat(mode).isEqualTo(CacheMode.OFF);
        assertThat(e.getStatusCode()).isEqualTo(501);
      }
    }
  }

  @Test
  void fullModeKeepsTheMostRecentlyReadWithinTheCacheSize() throws Exception {
    String bucket = NasS3.newBucket("lru");
    int size = 600 * 1024;
    for (String n : new String[] {"a", "b", "c"}) {
      NasS3.fixture()
          .client()
          .putObject(
              r -> r.bucket(bucket).key(n), RequestBody.fromBytes(random(n.charAt(0), size)));
    }
    long max = 1024 * 1024;
    NasOptions o =
        new NasOptions(CacheMode.FULL, max, 0, 0, false, tmp.resolve("c"))
            .withDirCacheTime(Duration.ofHours(1));
    try (ServedVolume v =
        server.serveBucket(NasS3.factory(), NasS3.target(), bucket, "", o, NasEvents.none())) {
      String u = v.url().toString();
      for (String n : new String[] {"a", "b", "c"}) {
        assertThat(get(u + n)).isEqualTo(random(n.charAt(0), size));
        // eviction runs when the server closes its read, just after the client has the bytes
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(v.cacheBytesUsed()).isLessThanOrEqualTo(max));
      }
      assertThat(v.cacheBytesUsed()).isEqualTo(size);
      // the objects change behind the volume (same sizes; the listing is trusted for an hour):
      // what is still cached (c, read last) answers from the cache, what was evicted from S3
      for (String n : new String[] {"a", "c"}) {
        NasS3.fixture()
            .client()
            .putObject(
                r -> r.bucket(bucket).key(n),
                RequestBody.fromBytes(random(n.charAt(0) + 100, size)));
      }
      assertThat(get(u + "c")).isEqualTo(random('c', size));
      assertThat(get(u + "a")).isEqualTo(random('a' + 100, size));
    }
  }

  @Test
  void listingsAreTrustedForTheDirCacheTimeOnly() throws Exception {
    String bucket = NasS3.newBucket("dircache");
    Duration ttl = Duration.ofSeconds(3);
    try (ServedVolume v =
        server.serveBucket(
            NasS3.factory(),
            NasS3.target(),
            bucket,
            "",
            NasOptions.uncached().withDirCacheTime(ttl),
            NasEvents.none())) {
      String u = v.url().toString();
      long t0 = System.nanoTime();
      assertThat(dav.list(u, 1)).hasSize(1);
      NasS3.fixture()
          .client()
          .putObject(r -> r.bucket(bucket).key("elsewhere.txt"), RequestBody.fromString("x"));
      int seen = dav.list(u, 1).size();
      if (System.nanoTime() - t0 < ttl.toNanos()) {
        assertThat(seen).as("listed again within the dir cache time").isEqualTo(1);
      }
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(dav.list(u, 1)).hasSize(2));
    }
  }
}
