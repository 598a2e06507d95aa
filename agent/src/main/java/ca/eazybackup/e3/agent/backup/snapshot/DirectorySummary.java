package ca.eazybackup.e3.agent.backup.snapshot;

import java.time.Instant;
import java.util.List;

/**
 * Kopia's fs.DirectorySummary ({@code summ} of a directory entry, {@code summary} of a directory):
 * totals of the whole subtree; {@code dirs} counts the directory itself.
 */
public record DirectorySummary(
    long size,
    long files,
    long symlinks,
    long dirs,
    Instant maxTime,
    String incomplete,
    long numFailed,
    long numIgnoredErrors,
    List<EntryError> errors) {

  public DirectorySummary {
    errors = errors == null ? List.of() : List.copyOf(errors);
  }

  /** One failed entry as a summary lists it. */
  public record EntryError(String path, String error) {}
}
