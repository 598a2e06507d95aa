package ca.eazybackup.e3.s3fixtures;

import org.junit.jupiter.api.BeforeAll;

class S3ProxyFixtureTest extends S3FixtureContract {

  @BeforeAll
  static void startServer() {
    fixture = SharedS3Proxy.get();
    s3 = fixture.client();
  }

  @Override
  String expectedKind() {
    return "s3proxy";
  }
}
