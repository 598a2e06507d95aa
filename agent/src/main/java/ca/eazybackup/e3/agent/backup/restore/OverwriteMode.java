package ca.eazybackup.e3.agent.backup.restore;

import java.util.Locale;

/** What to do with a file that already exists at the restore target (restic's names). */
public enum OverwriteMode {
  /** Always replace. */
  ALWAYS,
  /** Replace when the snapshot's copy is newer (mtime). */
  IF_NEWER,
  /** Replace unless size and mtime are both equal. */
  IF_CHANGED,
  /** Never touch existing files. */
  NEVER;

  public static OverwriteMode parse(String s) {
    if (s == null || s.isBlank()) {
      return IF_CHANGED;
    }
    return switch (s.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
      case "always", "overwrite" -> ALWAYS;
      case "if-newer" -> IF_NEWER;
      case "if-changed" -> IF_CHANGED;
      case "never", "skip" -> NEVER;
      default ->
          throw new IllegalArgumentException(
              "unknown overwrite rule '" + s + "': use always, if-newer, if-changed or never");
    };
  }
}
