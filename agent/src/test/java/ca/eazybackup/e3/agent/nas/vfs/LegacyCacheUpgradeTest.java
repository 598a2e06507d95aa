package ca.eazybackup.e3.agent.nas.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.nas.CacheMode;
import ca.eazybackup.e3.agent.nas.NasEvents;
import ca.eazybackup.e3.agent.nas.NasOptions;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.agent.s3.S3Target;
import ca.eazybackup.e3.s3fixtures.S3Fixture;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An agent upgraded while its write cache held pending uploads: the earlier scheme kept each
 * pending file as a dirty {@code <hash>.meta} next to its fsync'd data file. The new scheme moves
 * them into the journal at open and uploads them; nothing an earlier version acknowledged is lost.
 */
class LegacyCacheUpgradeTest {
  private static S3Fixture s3;
  private static S3ClientFactory factory;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    s3 = S3Fixture.start();
    factory = new S3ClientFactory();
  }

  @AfterAll
  static void stop() {
    factory.close();
    s3.close();
  }

  @Test
  void pendingFilesOfTheEarlierMetaFileSchemeAreUploadedAfterAnUpgrade() throws Exception {
    String bucket = "nas-legacy-" + ProcessHandle.current().pid();
    s3.createBucket(bucket);
    S3Client c =
        factory.client(
            new S3Target(s3.endpoint().toString(), s3.region(), s3.accessKey(), s3.secretKey()));
    Path cache = tmp.resolve("cache");
    legacyPending(cache, "docs/report.txt", 7, "saved by the earlier agent");
    legacyPending(cache, "notes.txt", 3, "notes");

    NasOptions writes = new NasOptions(CacheMode.WRITES, 0, 0, 0, false, cache);
    try (S3FileSystem fs = S3FileSystem.open(c, bucket, "drive", writes, NasEvents.none())) {
      assertThat(fs.pendingWrites()).isEqualTo(2);
      // moved into the journal at open, before any upload: a delete or a kill from here on is
      // journaled like any other pending file's
      try (var files = Files.walk(cache.resolve("items"))) {
        assertThat(files.filter(f -> f.toString().endsWith(".meta"))).isEmpty();
      }
      // a new save of one of them after the upgrade is the version that counts
      fs.write(
          "notes.txt",
          new java.io.ByteArrayInputStream("notes, later".getBytes(StandardCharsets.UTF_8)),
          12);
      fs.flushOrFail(Duration.ofMinutes(1));
    }
    assertThat(object(c, bucket, "drive/docs/report.txt")).isEqualTo("saved by the earlier agent");
    assertThat(object(c, bucket, "drive/notes.txt")).isEqualTo("notes, later");
  }

  /** What the earlier WriteCache left for a pending file: the data file and a dirty .meta. */
  private static void legacyPending(Path cache, String path, long gen, String content)
      throws Exception {
    String hash = WriteCache.hash(path);
    Path folder = cache.resolve("items").resolve(hash.substring(0, 2));
    Files.createDirectories(folder);
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    Files.write(folder.resolve(hash + "." + gen + ".data"), data);
    WriteCache.Meta m =
        new WriteCache.Meta(path, data.length, gen, true, "absent", 1_700_000_000_000L, null, null);
    Files.write(folder.resolve(hash + ".meta"), new ObjectMapper().writeValueAsBytes(m));
  }

  private static String object(S3Client c, String bucket, String key) {
    return c.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asUtf8String();
  }
}
