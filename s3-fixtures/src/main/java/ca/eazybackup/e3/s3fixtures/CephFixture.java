package ca.eazybackup.e3.s3fixtures;

/** Single-node Ceph RADOS Gateway from Debian's packages. */
final class CephFixture {
  private CephFixture() {}

  static S3Fixture start() {
    throw new S3FixtureUnavailableException("the Ceph RGW fixture is not built yet");
  }
}
