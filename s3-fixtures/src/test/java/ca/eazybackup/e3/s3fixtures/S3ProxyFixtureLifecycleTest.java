package ca.eazybackup.e3.s3fixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class S3ProxyFixtureLifecycleTest {

  @Test
  void closeLeavesNoProcessAndNoFilesBehind() {
    S3ProxyFixture fixture = S3ProxyFixture.start();
    long pid = fixture.pid();
    Path dir = fixture.directory();
    try {
      fixture.createBucket("lifecycle");
      assertThat(ProcessHandle.of(pid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
    } finally {
      fixture.close();
    }

    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(Files.exists(dir)).isFalse();
    assertThatThrownBy(fixture::client).isInstanceOf(S3FixtureException.class);
    fixture.close(); // a second close is harmless
  }
}
