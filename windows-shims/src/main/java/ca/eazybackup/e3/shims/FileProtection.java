package ca.eazybackup.e3.shims;

import java.nio.file.Path;
import java.util.List;

/** Who may read a file holding a secret: its ACL on Windows, its mode elsewhere. */
public interface FileProtection {

  /**
   * Windows: a protected DACL (no inherited entries) granting full control to SYSTEM and
   * Administrators only. Elsewhere: mode 0600.
   */
  void restrictToAdministrators(Path file) throws ShimException;

  /**
   * The principals besides SYSTEM, Administrators (Windows) or the owner (elsewhere) that can read
   * {@code file}; empty when it is protected.
   */
  List<String> otherReaders(Path file) throws ShimException;
}
