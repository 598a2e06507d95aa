package ca.eazybackup.e3.agent.nas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What PROPFIND names, per RFC 4918: allprop and propname give the live properties the RFC defines
 * that exist on the resource (§9.1, §14.2). A read-only volume refuses LOCK, so its resources have
 * neither DAV:supportedlock nor DAV:lockdiscovery, and a listing of a snapshot does not carry them
 * for every entry; a writable volume still lists them.
 */
class PropfindAnswersTest {
  static NasServer server;
  static ServedVolume tree;
  static final HttpClient http = HttpClient.newHttpClient();
  static final Instant T = Instant.parse("2024-01-01T00:00:00Z");

  @TempDir static Path tmp;

  @BeforeAll
  static void serve() throws Exception {
    server = NasServer.start(0);
    NasFileSystem fs =
        new NasFileSystem() {
          @Override
          public NasEntry stat(String path) {
            return switch (path) {
              case "" -> NasEntry.folder("", T);
              case "a.txt" -> NasEntry.file("a.txt", 3, T, "e1");
              case "sub" -> NasEntry.folder("sub", T);
              default -> null;
            };
          }

          @Override
          public List<NasEntry> list(String path) {
            return path.isEmpty()
                ? List.of(NasEntry.file("a.txt", 3, T, "e1"), NasEntry.folder("sub", T))
                : List.of();
          }

          @Override
          public InputStream read(String path, long offset, long length) {
            return new ByteArrayInputStream("abc".getBytes());
          }

          @Override
          public boolean isReadOnly() {
            return true;
          }
        };
    tree = server.serve(fs, NasOptions.uncached());
  }

  @AfterAll
  static void stop() {
    tree.close();
    server.close();
  }

  static HttpResponse<String> propfind(URI uri, String depth, String body) throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(uri)
            .method(
                "PROPFIND",
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Depth", depth)
            .build();
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(207);
    return r;
  }

  @Test
  void allpropOfAReadOnlyListingHasTheRfcPropertiesButNoLockOnes() throws Exception {
    String body = propfind(tree.url(), "1", null).body();
    assertThat(body)
        .contains("<D:displayname>a.txt</D:displayname>")
        .contains("<D:getcontentlength>3</D:getcontentlength>")
        .contains("<D:getetag>")
        .contains("<D:getlastmodified>Mon, 01 Jan 2024 00:00:00 GMT</D:getlastmodified>")
        .contains("<D:creationdate>2024-01-01T00:00:00Z</D:creationdate>")
        .contains("<D:resourcetype><D:collection/></D:resourcetype>")
        .contains("<D:resourcetype/>") // the file's: empty, one tag
        .doesNotContain("lockdiscovery")
        .doesNotContain("supportedlock");
    String named = "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:allprop/></D:propfind>";
    assertThat(propfind(tree.url(), "1", named).body()).isEqualTo(body);
  }

  @Test
  void propnameOfAReadOnlyVolumeNamesNoLockProperties() throws Exception {
    String body =
        propfind(
                tree.url().resolve("a.txt"),
                "0",
                "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:propname/></D:propfind>")
            .body();
    assertThat(body).contains("<D:getcontentlength/>").contains("<D:resourcetype/>");
    assertThat(body).doesNotContain("lockdiscovery").doesNotContain("supportedlock");
  }

  @Test
  void lockPropertiesAskedOfAReadOnlyVolumeAreNotFound() throws Exception {
    String body =
        propfind(
                tree.url().resolve("a.txt"),
                "0",
                "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:prop><D:displayname/>"
                    + "<D:supportedlock/><D:lockdiscovery/></D:prop></D:propfind>")
            .body();
    assertThat(body)
        .contains(
            "<D:propstat><D:prop><D:displayname>a.txt</D:displayname></D:prop>"
                + "<D:status>HTTP/1.1 200 OK</D:status></D:propstat>")
        .contains(
            "<D:propstat><D:prop><D:supportedlock/><D:lockdiscovery/></D:prop>"
                + "<D:status>HTTP/1.1 404 Not Found</D:status></D:propstat>");
  }

  @Test
  void aWritableVolumeListsItsLockCapabilitiesInAllprop() throws Exception {
    String bucket = NasS3.newBucket("propfind");
    try (ServedVolume rw =
        server.serveBucket(
            NasS3.factory(),
            NasS3.target(),
            bucket,
            "",
            new NasOptions(CacheMode.WRITES, 0, 0, 0, false, tmp.resolve("cache")),
            NasEvents.none())) {
      HttpRequest put =
          HttpRequest.newBuilder(rw.url().resolve("w.txt"))
              .PUT(HttpRequest.BodyPublishers.ofString("w"))
              .build();
      assertThat(http.send(put, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(201);
      String body = propfind(rw.url().resolve("w.txt"), "0", null).body();
      assertThat(body)
          .contains("<D:lockdiscovery/>") // no lock: present, empty
          .contains(
              "<D:supportedlock><D:lockentry><D:lockscope><D:exclusive/></D:lockscope>"
                  + "<D:locktype><D:write/></D:locktype></D:lockentry>");
    }
  }
}
