package ca.eazybackup.e3.agent.nas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.sardine.DavResource;
import com.github.sardine.Sardine;
import com.github.sardine.SardineFactory;
import com.github.sardine.impl.SardineException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/** A bucket served in cache mode off, driven by a real WebDAV client (Sardine) over HTTP. */
class WebDavBasicsTest {
  static NasServer server;
  static ServedVolume volume;
  static String bucket;
  static String url;
  static Sardine dav;

  @BeforeAll
  static void serve() throws Exception {
    bucket = NasS3.newBucket("basics");
    server = NasServer.start(0);
    volume =
        server.serveBucket(
            NasS3.factory(),
            NasS3.target(),
            bucket,
            "drive",
            NasOptions.uncached(),
            NasEvents.none());
    url = volume.url().toString();
    dav = SardineFactory.begin();
  }

  @AfterAll
  static void stop() throws Exception {
    dav.shutdown();
    volume.close();
    server.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String s3Object(String key) {
    ResponseBytes<GetObjectResponse> b =
        NasS3.fixture().client().getObjectAsBytes(r -> r.bucket(bucket).key(key));
    return b.asUtf8String();
  }

  @Test
  void putIsStoredInTheBucketUnderThePrefixAndReadsBack() throws Exception {
    dav.put(url + "hello.txt", bytes("hello, world"));
    assertThat(s3Object("drive/hello.txt")).isEqualTo("hello, world");
    try (InputStream in = dav.get(url + "hello.txt")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello, world");
    }
  }

  @Test
  void rangedGetReturnsOnlyTheRange() throws Exception {
    dav.put(url + "range.bin", bytes("0123456789"));
    try (InputStream in = dav.get(url + "range.bin", Map.of("Range", "bytes=3-6"))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("3456");
    }
  }

  @Test
  void suffixRangeSendsTheLastBytesWithMatchingHeaders() throws Exception {
    dav.put(url + "suffix.bin", bytes("0123456789"));
    // raw HTTP: the headers and the body must agree (Milton once said 0-4 / 5 bytes, sent 4)
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<byte[]> last4 =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "suffix.bin"))
                .header("Range", "bytes=-4")
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(last4.statusCode()).isEqualTo(206);
    assertThat(last4.headers().firstValue("Content-Range")).hasValue("bytes 6-9/10");
    assertThat(new String(last4.body(), StandardCharsets.UTF_8)).isEqualTo("6789");
    // a suffix longer than the file is the whole file (RFC 9110 14.1.2)
    HttpResponse<byte[]> all =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "suffix.bin"))
                .header("Range", "bytes=-50")
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(new String(all.body(), StandardCharsets.UTF_8)).isEqualTo("0123456789");
  }

  @Test
  void foldersAreKeptEvenWhenEmptyAndListed() throws Exception {
    dav.createDirectory(url + "empty");
    dav.createDirectory(url + "full");
    dav.put(url + "full/a.txt", bytes("a"));
    List<DavResource> root = dav.list(url, 1);
    assertThat(root).extracting(DavResource::getName).contains("empty", "full");
    assertThat(dav.list(url + "empty/", 1)).hasSize(1);
    assertThat(dav.list(url + "full/", 1)).extracting(DavResource::getName).contains("a.txt");
    // the last file leaves: the folder stays
    dav.delete(url + "full/a.txt");
    assertThat(dav.exists(url + "full/")).isTrue();
  }

  /**
   * Regression: a folder that exists only as its S3 marker object ({@code drive/marker-only/}, as
   * the S3 consoles and rclone create them) listed in its parent, but its own PROPFIND was 404 when
   * no listing of it was cached yet.
   */
  @Test
  void anEmptyFolderMadeInS3AnswersItsOwnPropfind() throws Exception {
    NasS3.fixture()
        .client()
        .putObject(r -> r.bucket(bucket).key("drive/marker-only/"), RequestBody.empty());
    NasS3.fixture()
        .client()
        .putObject(r -> r.bucket(bucket).key("drive/outer/inner/"), RequestBody.empty());
    // a second volume on the same bucket: nothing of it is cached yet
    try (ServedVolume cold =
        server.serveBucket(
            NasS3.factory(),
            NasS3.target(),
            bucket,
            "drive",
            NasOptions.uncached(),
            NasEvents.none())) {
      String u = cold.url().toString();
      List<DavResource> self = dav.list(u + "marker-only/", 1);
      assertThat(self).hasSize(1);
      assertThat(self.get(0).isDirectory()).isTrue();
      assertThat(dav.list(u + "outer/inner/", 0)).hasSize(1);
      assertThat(dav.list(u + "outer/", 1)).extracting(DavResource::getName).contains("inner");
      assertThat(dav.list(u, 1)).extracting(DavResource::getName).contains("marker-only");
    }
  }

  @Test
  void moveAndCopyFilesAndFolders() throws Exception {
    dav.createDirectory(url + "src");
    dav.put(url + "src/one.txt", bytes("one"));
    dav.createDirectory(url + "src/sub");
    dav.put(url + "src/sub/two.txt", bytes("two"));
    dav.copy(url + "src/", url + "copy/");
    dav.move(url + "src/", url + "moved/");
    assertThat(dav.exists(url + "src/")).isFalse();
    assertThat(s3Object("drive/moved/sub/two.txt")).isEqualTo("two");
    assertThat(s3Object("drive/copy/one.txt")).isEqualTo("one");
    dav.move(url + "moved/one.txt", url + "moved/renamed.txt");
    assertThat(dav.exists(url + "moved/one.txt")).isFalse();
    assertThat(s3Object("drive/moved/renamed.txt")).isEqualTo("one");
  }

  @Test
  void putIntoAMissingFolderIsAConflict() {
    assertThatThrownBy(() -> dav.put(url + "nowhere/x.txt", bytes("x")))
        .isInstanceOf(SardineException.class)
        .satisfies(e -> assertThat(((SardineException) e).getStatusCode()).isEqualTo(409));
  }

  @Test
  void largeFileStreamsThroughMultipart() throws Exception {
    byte[] big = new byte[20 << 20];
    new java.util.Random(7).nextBytes(big);
    dav.put(
        url + "big.bin",
        new ByteArrayInputStream(big),
        "application/octet-stream",
        false,
        big.length);
    try (InputStream in = dav.get(url + "big.bin")) {
      assertThat(in.readAllBytes()).isEqualTo(big);
    }
    // a range across the 1 MiB steps a whole large GET is written in, and one near the end
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    for (long[] r : new long[][] {{1_048_000, 3_146_000}, {big.length - 5, big.length - 1}}) {
      HttpResponse<byte[]> part =
          http.send(
              HttpRequest.newBuilder(URI.create(url + "big.bin"))
                  .header("Range", "bytes=" + r[0] + "-" + r[1])
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(part.statusCode()).isEqualTo(206);
      assertThat(part.headers().firstValue("Content-Range"))
          .hasValue("bytes " + r[0] + "-" + r[1] + "/" + big.length);
      assertThat(part.body())
          .isEqualTo(java.util.Arrays.copyOfRange(big, (int) r[0], (int) r[1] + 1));
    }
  }
}
