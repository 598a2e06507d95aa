package ca.eazybackup.e3.agent.nas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Windows' WebDAV client (MiniRedir) and Office need, over real HTTP: the Host check, Win32
 * PROPPATCH, quota properties, a clean refusal of Depth infinity, Office's LOCK/PUT/UNLOCK with
 * {@code If}, read-only volumes, and the warning for listings past WebClient's 1 MB limit.
 */
class WebDavDetailsTest {
  static NasServer server;
  static ServedVolume volume;
  static String bucket;
  static String url;
  static final HttpClient http = HttpClient.newHttpClient();

  @TempDir static Path tmp;

  @BeforeAll
  static void serve() throws Exception {
    bucket = NasS3.newBucket("details");
    server = NasServer.start(0);
    volume =
        server.serveBucket(
            NasS3.factory(),
            NasS3.target(),
            bucket,
            "",
            new NasOptions(CacheMode.WRITES, 0, 0, 0, false, tmp.resolve("cache")),
            NasEvents.none());
    url = volume.url().toString();
  }

  @AfterAll
  static void stop() {
    volume.close();
    server.close();
  }

  static HttpResponse<String> send(String method, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A raw request, for the Host header HttpClient will not let us set. */
  static String rawStatusLine(String host) throws Exception {
    URI u = volume.url();
    try (Socket s = new Socket(u.getHost(), u.getPort())) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("PROPFIND "
                  + u.getRawPath()
                  + " HTTP/1.1\r\nHost: "
                  + host
                  + "\r\nDepth: 0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      return head;
    }
  }

  @Test
  void aRequestNamingAnotherHostIsRefused() throws Exception {
    int port = volume.url().getPort();
    assertThat(rawStatusLine("127.0.0.1:" + port)).endsWith("207");
    assertThat(rawStatusLine("localhost:" + port)).endsWith("207");
    // DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1
    assertThat(rawStatusLine("evil.example:" + port)).endsWith("403");
    assertThat(rawStatusLine("127.0.0.1:" + (port + 1))).endsWith("403");
    assertThat(rawStatusLine("127.0.0.1")).endsWith("403");
  }

  @Test
  void win32ProppatchIsAnswered207AndApplied() throws Exception {
    assertThat(send("PUT", "win32.txt", "x").statusCode()).isEqualTo(201);
    String body =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:propertyupdate xmlns:D=\"DAV:\""
            + " xmlns:Z=\"urn:schemas-microsoft-com:\"><D:set><D:prop>"
            + "<Z:Win32CreationTime>Wed, 01 Jan 2020 08:00:00 GMT</Z:Win32CreationTime>"
            + "<Z:Win32LastAccessTime>Wed, 01 Jan 2020 09:00:00 GMT</Z:Win32LastAccessTime>"
            + "<Z:Win32LastModifiedTime>Wed, 01 Jan 2020 10:00:00 GMT</Z:Win32LastModifiedTime>"
            + "<Z:Win32FileAttributes>00000020</Z:Win32FileAttributes>"
            + "</D:prop></D:set></D:propertyupdate>";
    HttpResponse<String> r =
        send("PROPPATCH", "win32.txt", body, "Content-Type", "text/xml; charset=utf-8");
    assertThat(r.statusCode()).isEqualTo(207);
    assertThat(r.body()).contains("HTTP/1.1 200 OK").doesNotContain("403").doesNotContain("424");
    HttpResponse<String> pf =
        send(
            "PROPFIND",
            "win32.txt",
            "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:prop><D:getlastmodified/>"
                + "</D:prop></D:propfind>",
            "Depth",
            "0");
    assertThat(pf.body()).contains("Wed, 01 Jan 2020 10:00:00 GMT");
  }

  @Test
  void quotaPropertiesTellExplorerTheFreeSpace() throws Exception {
    HttpResponse<String> r =
        send(
            "PROPFIND",
            "",
            "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:prop>"
                + "<D:quota-available-bytes/><D:quota-used-bytes/></D:prop></D:propfind>",
            "Depth",
            "0");
    assertThat(r.statusCode()).isEqualTo(207);
    assertThat(r.body()).contains("<D:quota-available-bytes>1125899906842624<");
  }

  @Test
  void depthInfinityIsRefusedCleanly() throws Exception {
    HttpResponse<String> r = send("PROPFIND", "", null, "Depth", "infinity");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("propfind-finite-depth");
    assertThat(send("PROPFIND", "", null, "Depth", "1").statusCode()).isEqualTo(207);
  }

  @Test
  void officeLocksPutsAndUnlocks() throws Exception {
    String lockBody =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:lockinfo xmlns:D=\"DAV:\">"
            + "<D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype>"
            + "<D:owner><D:href>WORKSTATION\\alice</D:href></D:owner></D:lockinfo>";
    HttpResponse<String> lock =
        send("LOCK", "Report.docx", lockBody, "Timeout", "Second-3600", "Depth", "0");
    assertThat(lock.statusCode()).isEqualTo(201); // a lock on a new name makes it
    String token = lock.headers().firstValue("Lock-Token").orElseThrow();
    assertThat(token).startsWith("<opaquelocktoken:");
    // another client (or Office without its token) cannot save over it
    assertThat(send("PUT", "Report.docx", "intruder").statusCode()).isEqualTo(423);
    assertThat(send("DELETE", "Report.docx", null).statusCode()).isEqualTo(423);
    // Office saves with its token, untagged and tagged
    assertThat(send("PUT", "Report.docx", "v1", "If", "(" + token + ")").statusCode())
        .isIn(200, 201, 204);
    assertThat(
            send("PUT", "Report.docx", "v2", "If", "<" + url + "Report.docx> (" + token + ")")
                .statusCode())
        .isIn(200, 201, 204);
    // a lock refresh keeps it
    assertThat(
            send("LOCK", "Report.docx", null, "If", "(" + token + ")", "Timeout", "Second-600")
                .statusCode())
        .isEqualTo(200);
    assertThat(send("UNLOCK", "Report.docx", null, "Lock-Token", token).statusCode())
        .isEqualTo(204);
    assertThat(send("PUT", "Report.docx", "v3").statusCode()).isIn(200, 201, 204);
    assertThat(send("GET", "Report.docx", null).body()).isEqualTo("v3");
  }

  @Test
  void aFormContentTypeDoesNotEatThePutBody() throws Exception {
    assertThat(
            send("PUT", "form.txt", "a=1&b=2", "Content-Type", "application/x-www-form-urlencoded")
                .statusCode())
        .isEqualTo(201);
    assertThat(send("GET", "form.txt", null).body()).isEqualTo("a=1&b=2");
  }

  @Test
  void aPercentSignInAFileNameIsAName() throws Exception {
    assertThat(send("PUT", "50%25%20off%23.txt", "half").statusCode()).isEqualTo(201);
    assertThat(send("GET", "50%25%20off%23.txt", null).body()).isEqualTo("half");
    assertThat(send("PROPFIND", "", null, "Depth", "1").body()).contains("50%25%20off%23.txt");
    assertThat(send("GET", "%2e%2e/x", null).statusCode()).isEqualTo(400);
  }

  @Test
  void aReadOnlyVolumeAnswersEveryWrite403() throws Exception {
    try (ServedVolume ro =
        server.serveBucket(
            NasS3.factory(),
            NasS3.target(),
            bucket,
            "",
            NasOptions.uncached().asReadOnly(),
            NasEvents.none())) {
      String base = ro.url().toString();
      for (String method : List.of("PUT", "MKCOL", "DELETE", "PROPPATCH", "LOCK", "MOVE", "COPY")) {
        HttpRequest req =
            HttpRequest.newBuilder(URI.create(base + "ro-" + method.toLowerCase()))
                .method(method, HttpRequest.BodyPublishers.ofString(""))
                .header("Destination", base + "elsewhere")
                .build();
        assertThat(http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode())
            .as(method)
            .isEqualTo(403);
      }
      HttpRequest pf =
          HttpRequest.newBuilder(URI.create(base))
              .method("PROPFIND", HttpRequest.BodyPublishers.noBody())
              .header("Depth", "1")
              .build();
      assertThat(http.send(pf, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(207);
      HttpRequest options =
          HttpRequest.newBuilder(URI.create(base))
              .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
              .build();
      assertThat(
              http.send(options, HttpResponse.BodyHandlers.ofString())
                  .headers()
                  .firstValue("Allow")
                  .orElseThrow())
          .doesNotContain("PUT");
    }
  }

  @Test
  void aListingPastWebClientsLimitIsReported() throws Exception {
    List<NasEntry> many = new ArrayList<>();
    Instant t = Instant.parse("2024-01-01T00:00:00Z");
    for (int i = 0; i < 3000; i++) {
      many.add(NasEntry.file(String.format("%04d-", i) + "x".repeat(120) + ".txt", i, t, "e" + i));
    }
    NasFileSystem tree =
        new NasFileSystem() {
          @Override
          public NasEntry stat(String path) {
            return path.isEmpty() ? NasEntry.folder("", t) : null;
          }

          @Override
          public List<NasEntry> list(String path) {
            return many;
          }

          @Override
          public InputStream read(String path, long offset, long length) {
            return new ByteArrayInputStream(new byte[0]);
          }
        };
    Map<String, Map<String, Object>> events = new ConcurrentHashMap<>();
    try (ServedVolume v =
        server.serve(tree, NasOptions.uncached(), (code, m, p) -> events.put(code, p))) {
      HttpRequest pf =
          HttpRequest.newBuilder(v.url())
              .method("PROPFIND", HttpRequest.BodyPublishers.noBody())
              .header("Depth", "1")
              .build();
      HttpResponse<String> r = http.send(pf, HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(207);
      assertThat(r.body().length()).isGreaterThan(1_000_000);
      // the server counts the listing's bytes as it streams them, so the event may follow the
      // client's last byte by a moment
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(events).containsKey("NAS_LISTING_TOO_LARGE"));
      assertThat(events.get("NAS_LISTING_TOO_LARGE")).containsEntry("entries", 3000);
    }
  }
}
