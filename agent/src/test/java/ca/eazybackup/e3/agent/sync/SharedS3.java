package ca.eazybackup.e3.agent.sync;

import ca.eazybackup.e3.s3fixtures.S3Fixture;
import java.util.concurrent.atomic.AtomicInteger;

/** One S3 server for all sync tests of this JVM (the fixture stops it at JVM exit). */
final class SharedS3 {
  private static S3Fixture fixture;
  private static final AtomicInteger buckets = new AtomicInteger();

  private SharedS3() {}

  static synchronized S3Fixture get() {
    quietLogs();
    if (fixture == null) {
      fixture = S3Fixture.start();
    }
    return fixture;
  }

  /**
   * The agent module has no test logging config of its own yet, and logback's default (DEBUG for
   * everything) makes the SDK log every signed request: it slows these tests several-fold.
   */
  private static void quietLogs() {
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (root.getLevel() == null
        || root.getLevel().toInt() < ch.qos.logback.classic.Level.INFO_INT) {
      root.setLevel(ch.qos.logback.classic.Level.INFO);
    }
  }

  /** A fresh, not yet created bucket name. */
  static String newBucketName(String hint) {
    return ("sync-" + hint + "-" + buckets.incrementAndGet() + "-" + ProcessHandle.current().pid())
        .toLowerCase(java.util.Locale.ROOT);
  }
}
