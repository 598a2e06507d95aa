package ca.eazybackup.e3.agent.nas;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.sardine.Sardine;
import com.github.sardine.SardineFactory;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Cache modes writes and full: a PUT is answered once the data is fsync'd in the cache and reaches
 * S3 in the background. Nothing acknowledged is lost — not at unmount, not when the process is
 * killed — and an object changed in S3 meanwhile is overwritten by the local save (rclone's rule)
 * with an event saying so. The write-back delay is an hour here, so every upload is still pending
 * when the test acts.
 */
class WriteBackTest {
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

  static byte[] s3Bytes(String bucket, String key) {
    try {
      return NasS3.fixture()
          .client()
          .getObjectAsBytes(r -> r.bucket(bucket).key(key))
          .asByteArray();
    } catch (NoSuchKeyException e) {
      return null;
    }
  }

  static byte[] content(int i, int size) {
    byte[] b = new byte[size];
    new Random(i).nextBytes(b);
    return b;
  }

  /** Files of a tree: a few sizes, a sub-folder, one past the single-PUT limit (multipart). */
  static Map<String, byte[]> tree() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (int i = 0; i < 12; i++) {
      files.put("f" + i + ".bin", content(i, 1 + i * 997));
    }
    for (int i = 0; i < 5; i++) {
      files.put("sub/g" + i + ".txt", ("file " + i).getBytes(StandardCharsets.UTF_8));
    }
    files.put("sub/big.bin", content(99, 17 << 20));
    return files;
  }

  static void putTree(String url, Map<String, byte[]> files) throws Exception {
    dav.createDirectory(url + "sub");
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      byte[] b = f.getValue();
      dav.put(
          url + f.getKey(),
          new ByteArrayInputStream(b),
          "application/octet-stream",
          false,
          b.length);
    }
  }

  @Test
  void everyAcknowledgedWriteReachesS3AfterTheServingProcessIsKilled() throws Exception {
    String bucket = NasS3.newBucket("killed");
    Path cache = tmp.resolve("cache");
    Map<String, byte[]> files = tree();
    Process p = serveInChildProcess(bucket, cache);
    try {
      String url = firstLine(p);
      assertThat(url).startsWith("http://127.0.0.1:");
      putTree(url, files);
      // a second save of one file: the later version must win
      byte[] later = "saved twice".getBytes(StandardCharsets.UTF_8);
      dav.put(url + "f3.bin", later);
      files.put("f3.bin", later);
    } finally {
      p.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
      p.waitFor(30, TimeUnit.SECONDS);
    }
    for (String path : files.keySet()) {
      assertThat(s3Bytes(bucket, "drive/" + path)).as("%s uploaded before the kill", path).isNull();
    }
    Queue<String> events = new ConcurrentLinkedQueue<>();
    int resumed =
        NasServer.resumePending(
            NasS3.factory(),
            NasS3.target(),
            bucket,
            "drive",
            cache,
            (code, message, params) -> events.add(code));
    assertThat(resumed).isEqualTo(files.size());
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      assertThat(s3Bytes(bucket, "drive/" + f.getKey())).as(f.getKey()).isEqualTo(f.getValue());
    }
    assertThat(events).contains("NAS_UPLOADS_RESUMED");
    // nothing is left to upload: a second resume finds nothing
    assertThat(
            NasServer.resumePending(
                NasS3.factory(), NasS3.target(), bucket, "drive", cache, NasEvents.none()))
        .isZero();
  }

  @Test
  void aPendingFileDeletedOrMovedBeforeAKillIsNotUploadedUnderItsOldName() throws Exception {
    String bucket = NasS3.newBucket("killed-moves");
    Path cache = tmp.resolve("cache");
    byte[] big = content(7, 2 << 20); // past the journal's inline limit: its own data file
    Process p = serveInChildProcess(bucket, cache);
    try {
      String url = firstLine(p);
      dav.put(url + "deleted.txt", "deleted".getBytes(StandardCharsets.UTF_8));
      dav.put(url + "moved.txt", "moved".getBytes(StandardCharsets.UTF_8));
      dav.put(url + "big.bin", big);
      dav.put(url + "kept.txt", "kept".getBytes(StandardCharsets.UTF_8));
      dav.delete(url + "deleted.txt");
      dav.move(url + "moved.txt", url + "renamed.txt");
      dav.move(url + "big.bin", url + "big-renamed.bin");
    } finally {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    int resumed =
        NasServer.resumePending(
            NasS3.factory(), NasS3.target(), bucket, "drive", cache, NasEvents.none());
    assertThat(resumed).isEqualTo(3);
    assertThat(s3Bytes(bucket, "drive/deleted.txt")).isNull();
    assertThat(s3Bytes(bucket, "drive/moved.txt")).isNull();
    assertThat(s3Bytes(bucket, "drive/big.bin")).isNull();
    assertThat(s3Bytes(bucket, "drive/renamed.txt")).asString().isEqualTo("moved");
    assertThat(s3Bytes(bucket, "drive/big-renamed.bin")).isEqualTo(big);
    assertThat(s3Bytes(bucket, "drive/kept.txt")).asString().isEqualTo("kept");
  }

  @Test
  void unmountWaitsForPendingUploads() throws Exception {
    String bucket = NasS3.newBucket("unmount");
    Map<String, byte[]> files = tree();
    ServedVolume v =
        server.serveBucket(
            NasS3.factory(),
            NasS3.target(),
            bucket,
            "drive",
            options(CacheMode.WRITES, tmp.resolve("c")),
            NasEvents.none());
    String url = v.url().toString();
    putTree(url, files);
    assertThat(v.pendingUploads()).isEqualTo(files.size());
    // pending files are listed and read back from the cache before they reach S3
    assertThat(dav.list(url + "sub/", 1)).hasSize(1 + 6);
    try (InputStream in = dav.get(url + "f5.bin")) {
      assertThat(in.readAllBytes()).isEqualTo(files.get("f5.bin"));
    }
    assertThat(s3Bytes(bucket, "drive/f5.bin")).isNull();
    v.close();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      assertThat(s3Bytes(bucket, "drive/" + f.getKey())).as(f.getKey()).isEqualTo(f.getValue());
    }
  }

  @Test
  void anObjectChangedInS3MeanwhileIsOverwrittenByTheLocalSaveAndReported() throws Exception {
    String bucket = NasS3.newBucket("conflict");
    NasS3.fixture()
        .client()
        .putObject(r -> r.bucket(bucket).key("drive/doc.txt"), RequestBody.fromString("original"));
    List<Map<String, Object>> conflicts = new ArrayList<>();
    NasEvents events =
        (code, message, params) -> {
          if (code.equals("NAS_UPLOAD_CONFLICT")) {
            synchronized (conflicts) {
              conflicts.add(params);
            }
          }
        };
    try (ServedVolume v =
        server.serveBucket(
            NasS3.factory(),
            NasS3.target(),
            bucket,
            "drive",
            options(CacheMode.FULL, tmp.resolve("c")),
            events)) {
      String url = v.url().toString();
      dav.put(url + "doc.txt", "saved here".getBytes(StandardCharsets.UTF_8));
      // another client replaces the object while our save waits for upload
      NasS3.fixture()
          .client()
          .putObject(
              r -> r.bucket(bucket).key("drive/doc.txt"),
              RequestBody.fromString("saved elsewhere"));
      v.flush(Duration.ofMinutes(1));
      assertThat(new String(s3Bytes(bucket, "drive/doc.txt"), StandardCharsets.UTF_8))
          .isEqualTo("saved here");
      synchronized (conflicts) {
        assertThat(conflicts).hasSize(1);
        assertThat(conflicts.get(0)).containsEntry("path", "/doc.txt");
      }
      // a save over a version nobody else touched is no conflict
      dav.put(url + "doc.txt", "saved again".getBytes(StandardCharsets.UTF_8));
      v.flush(Duration.ofMinutes(1));
      synchronized (conflicts) {
        assertThat(conflicts).hasSize(1);
      }
    }
  }

  static NasOptions options(CacheMode mode, Path cacheDir) {
    return new NasOptions(mode, 0, 0, 0, false, cacheDir).withWriteBack(Duration.ofHours(1));
  }

  private static Process serveInChildProcess(String bucket, Path cache) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd =
        List.of(
            java,
            "-Xmx256m",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            "ca.eazybackup.e3.agent.cli.AgentMain",
            "nas",
            "serve",
            "--endpoint",
            NasS3.fixture().endpoint().toString(),
            "--region",
            NasS3.fixture().region(),
            "--bucket",
            bucket,
            "--prefix",
            "drive",
            "--cache-mode",
            "writes",
            "--cache-dir",
            cache.toString(),
            "--write-back",
            "PT1H");
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("AWS_ACCESS_KEY_ID", NasS3.fixture().accessKey());
    pb.environment().put("AWS_SECRET_ACCESS_KEY", NasS3.fixture().secretKey());
    pb.redirectError(Files.createTempFile("nas-serve", ".err").toFile());
    return pb.start();
  }

  private static String firstLine(Process p) throws Exception {
    BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = r.readLine();
    Thread drain =
        new Thread(
            () -> {
              try {
                r.transferTo(java.io.Writer.nullWriter());
              } catch (java.io.IOException ignored) {
                // the process was killed
              }
            });
    drain.setDaemon(true);
    drain.start();
    assertThat(line)
        .as("nas serve printed its URL (exit %s)", p.isAlive() ? "-" : p.exitValue())
        .isNotNull();
    return line.strip();
  }
}
