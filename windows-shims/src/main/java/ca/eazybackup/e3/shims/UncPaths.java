package ca.eazybackup.e3.shims;

import java.util.Optional;

/** UNC helpers shared by the host implementations and the agent's network-share session. */
public final class UncPaths {
  private UncPaths() {}

  /**
   * {@code \\server\share\folder\file} → {@code \\server\share}; empty for a path that is not a UNC
   * share path (drive, native, device namespace, or unparseable).
   */
  public static Optional<String> shareRoot(String path) {
    if (path == null) {
      return Optional.empty();
    }
    String normalized = path.replace('/', '\\');
    if (!normalized.startsWith("\\\\")) {
      return Optional.empty();
    }
    try {
      WindowsPath parsed = WindowsPath.parse(path);
      return parsed.kind() == WindowsPath.Kind.UNC ? Optional.of(parsed.root()) : Optional.empty();
    } catch (ShimException e) {
      return Optional.empty();
    }
  }

  /** Whether two share roots name the same share (Windows compares them case-insensitively). */
  public static boolean sameShare(String a, String b) {
    return a.equalsIgnoreCase(b);
  }
}
