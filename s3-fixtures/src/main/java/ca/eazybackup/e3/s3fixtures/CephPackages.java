package ca.eazybackup.e3.s3fixtures;

import java.util.List;

/** Makes sure Debian's Ceph daemons are installed, installing them with apt-get as root. */
final class CephPackages {
  static final List<String> COMMANDS =
      List.of("radosgw", "radosgw-admin", "ceph", "ceph-mon", "ceph-osd", "ceph-mgr", "monmaptool");
  private static final List<String> PACKAGES =
      List.of("ceph-mon", "ceph-osd", "ceph-mgr", "radosgw", "ceph-common");

  private CephPackages() {}

  /** Installs what is missing or throws {@link S3FixtureUnavailableException} saying why not. */
  static void ensureInstalled() {
    try {
      DebianPackages.ensureInstalled("Ceph", COMMANDS, PACKAGES);
    } catch (DebianPackages.Unavailable e) {
      throw new S3FixtureUnavailableException(e.getMessage(), e);
    }
  }
}
