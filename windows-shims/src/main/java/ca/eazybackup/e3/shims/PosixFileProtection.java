package ca.eazybackup.e3.shims;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Mode 0600: the owner alone reads a file holding a secret (every host but Windows). */
public final class PosixFileProtection implements FileProtection {

  @Override
  public void restrictToAdministrators(Path file) throws ShimException {
    if (!posix(file)) {
      return;
    }
    try {
      Files.setPosixFilePermissions(
          file, EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    } catch (IOException e) {
      throw new ShimException("chmod 600 " + file + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public List<String> otherReaders(Path file) throws ShimException {
    List<String> readers = new ArrayList<>();
    if (!posix(file)) {
      return readers;
    }
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.contains(PosixFilePermission.GROUP_READ)) {
        readers.add("group");
      }
      if (perms.contains(PosixFilePermission.OTHERS_READ)) {
        readers.add("others");
      }
      return readers;
    } catch (IOException e) {
      throw new ShimException("cannot read the mode of " + file + ": " + e.getMessage(), e);
    }
  }

  private static boolean posix(Path file) {
    return Files.getFileAttributeView(file, PosixFileAttributeView.class) != null;
  }
}
