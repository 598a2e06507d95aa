package ca.eazybackup.e3.s3fixtures;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** An S3 server that cannot start skips a test on a laptop, and fails it where CI promised it. */
class StartOrSkipTest {
  private static S3Fixture cannotRun(String kind) {
    throw new S3FixtureUnavailableException("simulated: the packages cannot be installed");
  }

  @Test
  void outsideCiAnUnavailableFixtureSkips() {
    assertThatThrownBy(() -> S3Fixtures.startOrSkip("ceph", Map.of(), StartOrSkipTest::cannotRun))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("ceph");
  }

  @Test
  void underCiAFailedCephStartFailsTheBuild() {
    assertThatThrownBy(
            () -> S3Fixtures.startOrSkip("ceph", Map.of("CI", "true"), StartOrSkipTest::cannotRun))
        .isInstanceOf(S3FixtureException.class)
        .isNotInstanceOf(S3FixtureUnavailableException.class)
        .hasMessageContaining("CI=true requires the 'ceph' S3 fixture");
    assertThatThrownBy(
            () ->
                S3Fixtures.startOrSkip("s3proxy", Map.of("CI", "true"), StartOrSkipTest::cannotRun))
        .isInstanceOf(S3FixtureException.class)
        .isNotInstanceOf(TestAbortedException.class);
  }

  @Test
  void underCiMinioWithoutDockerStillSkips() {
    assertThatThrownBy(
            () -> S3Fixtures.startOrSkip("minio", Map.of("CI", "true"), StartOrSkipTest::cannotRun))
        .isInstanceOf(TestAbortedException.class);
  }
}
