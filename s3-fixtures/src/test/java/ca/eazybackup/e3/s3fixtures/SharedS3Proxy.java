package ca.eazybackup.e3.s3fixtures;

/** One S3Proxy for all test classes of this module that only need a server: saves start-ups. */
final class SharedS3Proxy {
  private static S3Fixture fixture;

  private SharedS3Proxy() {}

  static synchronized S3Fixture get() {
    if (fixture == null) {
      S3Fixture started = S3Fixture.start("s3proxy");
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "shared-s3proxy-stop"));
      fixture = started;
    }
    return fixture;
  }
}
