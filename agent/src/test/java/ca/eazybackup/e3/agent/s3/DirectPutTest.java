package ca.eazybackup.e3.agent.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@link DirectPut} stores what the S3Client would store (a real S3 server checks the signature and
 * the Content-MD5), and a PUT S3 refuses ends as the S3Client ends it.
 */
class DirectPutTest {
  private static final List<String> KEYS =
      List.of(
          "plain.txt",
          "dir/sub dir/file name.txt",
          "ünïcødé/日本語 €.bin",
          "a+b=c&d;e,f@g$h!i'j(k)l*m",
          "100%/50% off~tilde",
          "q?mark#hash",
          "empty");

  private static FixtureS3 s3;
  private static final String BUCKET = "direct-put-" + ProcessHandle.current().pid();

  @BeforeAll
  static void startS3() {
    s3 = FixtureS3.startOrSkip();
    s3.fixture().createBucket(BUCKET);
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void theServerTakesEveryPutDirectlyWithItsMetadata() {
    S3Client client = s3.factory().client(s3.target());
    DirectPut direct = s3.factory().directPut(s3.target());
    long before = direct.directPuts();
    for (String key : KEYS) {
      byte[] content =
          key.equals("empty")
              ? new byte[0]
              : ("content of " + key).getBytes(StandardCharsets.UTF_8);
      DirectPut.Put put = direct.put(BUCKET, key, content, Map.of("mtime", "1700000000.5"));
      ResponseBytes<GetObjectResponse> got =
          client.getObjectAsBytes(b -> b.bucket(BUCKET).key(key));
      assertThat(got.asByteArray()).as(key).isEqualTo(content);
      assertThat(got.response().metadata()).containsEntry("mtime", "1700000000.5");
      assertThat(got.response().eTag()).isEqualTo(put.eTag());
    }
    assertThat(direct.directPuts() - before).isEqualTo(KEYS.size());
    assertThat(direct.fallbacks()).isZero();
    assertThat(direct.isOff()).isFalse();
  }

  @Test
  void aPutS3RefusesEndsAsTheClientEndsIt() {
    DirectPut direct = s3.factory().directPut(s3.target());
    assertThatThrownBy(() -> direct.put("no-such-bucket-" + BUCKET, "k", new byte[3], Map.of()))
        .isInstanceOfAny(NoSuchBucketException.class, S3Exception.class);
    assertThat(direct.fallbacks()).isPositive();
    assertThat(direct.isOff()).as("a 404 says nothing about direct PUTs").isFalse();
  }

  @Test
  void aWrongSecretIsRefusedAsTheClientRefusesIt() {
    S3Target wrong =
        new S3Target(s3.target().endpoint(), s3.target().region(), s3.target().accessKey(), "nope");
    try (S3ClientFactory f = new S3ClientFactory()) {
      assertThatThrownBy(() -> f.directPut(wrong).put(BUCKET, "x", new byte[1], Map.of()))
          .isInstanceOf(S3Exception.class)
          .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(403));
    }
  }
}
