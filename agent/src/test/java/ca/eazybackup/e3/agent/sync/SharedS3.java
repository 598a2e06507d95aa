package ca.eazybackup.e3.agent.sync;

import ca.eazybackup.e3.s3fixtures.S3Fixture;
import java.util.concurrent.atomic.AtomicInteger;

/** One S3 server for all sync tests of this JVM (the fixture stops it at JVM exit). */
final class SharedS3 {
  private static S3Fixture fixture;
  private static final AtomicInteger buckets = new AtomicInteger();

  private SharedS3() {}

  static synchronized S3Fixture get() {
    if (fixture == null) {
      fixture = S3Fixture.start();
    }
    return fixture;
  }

  /** A fresh, not yet created bucket name. */
  static String newBucketName(String hint) {
    return ("sync-" + hint + "-" + buckets.incrementAndGet() + "-" + ProcessHandle.current().pid())
        .toLowerCase(java.util.Locale.ROOT);
  }
}
