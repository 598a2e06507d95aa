package ca.eazybackup.e3.agent.backup.snapshot.diff;

import java.time.Instant;

/**
 * One difference between two snapshots.
 *
 * @param path relative, {@code /}-separated
 * @param kind added, removed or modified
 * @param type Kopia's entry type of the newer side ({@code f}, {@code d}, {@code s}), of the older
 *     side for a removal
 * @param oldSize bytes before (a folder: its subtree's, from its summary); 0 when added
 * @param newSize bytes after; 0 when removed
 * @param files files in an added or removed folder (its summary); 1 for a file
 * @param oldModified modification time before, or null when added
 * @param newModified modification time after, or null when removed
 */
public record Change(
    String path,
    Kind kind,
    String type,
    long oldSize,
    long newSize,
    long files,
    Instant oldModified,
    Instant newModified) {

  /** What happened to an entry. */
  public enum Kind {
    ADDED,
    REMOVED,
    MODIFIED;

    /** {@code added}, {@code removed}, {@code modified}: the wire and CLI form. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public boolean isFolder() {
    return "d".equals(type);
  }
}
