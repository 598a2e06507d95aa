package ca.eazybackup.e3.agent.nas;

import ca.eazybackup.e3.s3fixtures.DebianPackages;
import java.util.List;
import org.opentest4j.TestAbortedException;

/** Debian tools the NAS tests drive (litmus, rclone), installed by the build when missing. */
final class DebianTools {
  private DebianTools() {}

  /**
   * Installs {@code pkg} (command of the same name); skips the test where it cannot, fails in CI.
   */
  static void require(String pkg) {
    try {
      DebianPackages.ensureInstalled(pkg, List.of(pkg), List.of(pkg));
    } catch (DebianPackages.Unavailable e) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException("CI must run the " + pkg + " tests: " + e.getMessage(), e);
      }
      throw new TestAbortedException(pkg + " tests skipped: " + e.getMessage(), e);
    }
  }
}
