package ca.eazybackup.e3.s3fixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;
import software.amazon.awssdk.core.sync.RequestBody;

class MinioFixtureTest {

  @Test
  void withoutDockerStartingMinioAbortsTheTestWithAOneLineReason() {
    assumeFalse(MinioFixture.dockerAvailable(), "a Docker engine is present here");

    assertThatThrownBy(() -> S3Fixture.start("minio"))
        .isInstanceOf(S3FixtureUnavailableException.class)
        .hasMessageContaining("Docker")
        .extracting(Throwable::getMessage)
        .satisfies(m -> assertThat(m).doesNotContain("\n"));
    assertThatThrownBy(() -> S3Fixture.startOrSkip("minio"))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("minio");
  }

  @Test
  void minioServesPutAndGetWhereDockerExists() {
    try (S3Fixture minio = S3Fixture.startOrSkip("minio")) {
      minio.createBucket("minio-smoke");
      minio.client().putObject(b -> b.bucket("minio-smoke").key("k"), RequestBody.fromString("v"));
      assertThat(
              minio.client().getObjectAsBytes(b -> b.bucket("minio-smoke").key("k")).asUtf8String())
          .isEqualTo("v");
    }
  }
}
