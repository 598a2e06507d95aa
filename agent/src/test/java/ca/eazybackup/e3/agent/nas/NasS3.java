package ca.eazybackup.e3.agent.nas;

import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.agent.s3.S3Target;
import ca.eazybackup.e3.s3fixtures.S3Fixture;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/** One S3 server for all NAS tests of this JVM (the fixture stops it at JVM exit). */
final class NasS3 {
  private static S3Fixture fixture;
  private static S3ClientFactory factory;
  private static final AtomicInteger buckets = new AtomicInteger();

  private NasS3() {}

  static synchronized S3Fixture fixture() {
    quietLogs();
    if (fixture == null) {
      fixture = S3Fixture.start();
    }
    return fixture;
  }

  static synchronized S3ClientFactory factory() {
    if (factory == null) {
      factory = new S3ClientFactory();
    }
    return factory;
  }

  static S3Target target() {
    S3Fixture f = fixture();
    return new S3Target(f.endpoint().toString(), f.region(), f.accessKey(), f.secretKey());
  }

  /** A new, created bucket. */
  static String newBucket(String hint) {
    String name =
        ("nas-" + hint + "-" + buckets.incrementAndGet() + "-" + ProcessHandle.current().pid())
            .toLowerCase(Locale.ROOT);
    fixture().createBucket(name);
    return name;
  }

  private static void quietLogs() {
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (root.getLevel() == null
        || root.getLevel().toInt() < ch.qos.logback.classic.Level.INFO_INT) {
      root.setLevel(ch.qos.logback.classic.Level.INFO);
    }
    for (String noisy : new String[] {"io.milton", "org.eclipse.jetty"}) {
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(noisy))
          .setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }
}
