package ca.eazybackup.e3.whmcs;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** A missing MariaDB skips the MariaDB suites on a laptop and fails them in CI. */
class TestDatabasesTest {
  // Port 1 on loopback: nothing listens there.
  private static final String DEAD = "jdbc:mariadb://127.0.0.1:1/?user=root&connectTimeout=500";

  @Test
  void withoutCiAMissingServerAbortsTheSuite() {
    assertThatThrownBy(() -> TestDatabases.freshMariaDb(DEAD, Map.of()))
        .isInstanceOf(TestAbortedException.class);
  }

  @Test
  void underCiAMissingServerFailsTheBuild() {
    assertThatThrownBy(() -> TestDatabases.freshMariaDb(DEAD, Map.of("CI", "true")))
        .isInstanceOf(IllegalStateException.class)
        .isNotInstanceOf(TestAbortedException.class)
        .hasMessageContaining("CI=true");
  }
}
