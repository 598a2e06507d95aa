package ca.eazybackup.e3.agent.nas.vfs;

import static org.assertj.core.api.Assertions.assertThat;

import ca.eazybackup.e3.agent.nas.CacheMode;
import ca.eazybackup.e3.agent.nas.NasEvents;
import ca.eazybackup.e3.agent.nas.NasOptions;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.agent.s3.S3Target;
import ca.eazybackup.e3.s3fixtures.S3Fixture;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A finished upload reaches the listing before the file stops counting as pending. A flush polls
 * the pending state; when it saw the upload done first, a save made right after it took the
 * listing's {@code pending-N} ETag for the version it replaced, and its upload reported a conflict
 * with our own earlier upload (WriteBackTest, once under load).
 */
class UploadedListingTest {
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
  void theListingLearnsS3sETagWhileTheFileStillCountsAsPending() throws Exception {
    String bucket = "nas-uploaded-" + ProcessHandle.current().pid();
    s3.createBucket(bucket);
    S3Client c =
        factory.client(
            new S3Target(s3.endpoint().toString(), s3.region(), s3.accessKey(), s3.secretKey()));
    for (CacheMode mode : List.of(CacheMode.WRITES, CacheMode.FULL)) {
      NasOptions options =
          new NasOptions(mode, 0, 0, 0, false, tmp.resolve(mode.wireName()))
              .withWriteBack(Duration.ofHours(1));
      try (S3FileSystem fs =
          S3FileSystem.open(c, bucket, mode.wireName(), options, NasEvents.none())) {
        List<Boolean> pendingWhenListed = new CopyOnWriteArrayList<>();
        fs.cache().onUploaded((path, f) -> pendingWhenListed.add(fs.cache().isPending(path)));
        byte[] doc = "saved here".getBytes(StandardCharsets.UTF_8);
        fs.write("doc.txt", new ByteArrayInputStream(doc), doc.length);
        fs.flush(Duration.ofMinutes(1));
        assertThat(pendingWhenListed).as(mode.wireName()).containsExactly(true);
      }
    }
  }
}
