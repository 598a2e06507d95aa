package ca.eazybackup.e3.shims.sim;

import ca.eazybackup.e3.shims.FileProtection;
import ca.eazybackup.e3.shims.PosixFileProtection;
import ca.eazybackup.e3.shims.ShimException;
import java.nio.file.Path;
import java.util.List;

/**
 * The simulated machine keeps its files on this host's disk, so a secret file gets this host's
 * protection (mode 0600); the journal records the ACL Windows would set ({@code file.restrict}).
 */
final class SimFileProtection implements FileProtection {
  static final List<String> ADMIN_ONLY_ACL =
      List.of("NT AUTHORITY\\SYSTEM:F", "BUILTIN\\Administrators:F");

  private final SimulatedWindowsHost host;
  private final PosixFileProtection posix = new PosixFileProtection();

  SimFileProtection(SimulatedWindowsHost host) {
    this.host = host;
  }

  @Override
  public void restrictToAdministrators(Path file) throws ShimException {
    posix.restrictToAdministrators(file);
    host.journal()
        .ok("file.restrict", "path", file.toAbsolutePath().toString(), "acl", ADMIN_ONLY_ACL);
  }

  @Override
  public List<String> otherReaders(Path file) throws ShimException {
    return posix.otherReaders(file);
  }
}
