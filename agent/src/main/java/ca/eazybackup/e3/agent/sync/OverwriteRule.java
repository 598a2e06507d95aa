package ca.eazybackup.e3.agent.sync;

import java.util.Locale;

/**
 * What a sync restore does when the target file already exists ({@code overwrite} of the restore
 * command).
 *
 * <table>
 *   <caption>overwrite values</caption>
 *   <tr><th>value</th><th>existing file</th></tr>
 *   <tr><td>always, overwrite</td><td>replaced</td></tr>
 *   <tr><td>skip, never</td><td>kept; the object is not downloaded</td></tr>
 *   <tr><td>if-newer</td><td>replaced when the object's mtime is later than the file's</td></tr>
 *   <tr><td>if-changed (default)</td><td>replaced when size or mtime differ</td></tr>
 *   <tr><td>rename</td><td>kept; the object is written next to it as {@code name (restored).ext}
 *       ({@code (restored 2)}, … if that exists too)</td></tr>
 * </table>
 */
enum OverwriteRule {
  ALWAYS,
  SKIP,
  IF_NEWER,
  IF_CHANGED,
  RENAME;

  static OverwriteRule parse(String value) {
    String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "always", "overwrite" -> ALWAYS;
      case "skip", "never", "skip-existing" -> SKIP;
      case "if-newer" -> IF_NEWER;
      case "", "if-changed" -> IF_CHANGED;
      case "rename" -> RENAME;
      default ->
          throw new SyncException(
              "unknown overwrite rule '"
                  + value
                  + "': use always, skip, never, if-newer, if-changed or rename");
    };
  }

  /** Whether the rule needs the object's mtime before deciding (from the cache or a HEAD). */
  boolean needsRemoteMtime() {
    return this == IF_NEWER || this == IF_CHANGED;
  }
}
