package ca.eazybackup.e3.agent.backup.upload;

import ca.eazybackup.e3.agent.backup.snapshot.DirEntry;
import ca.eazybackup.e3.agent.backup.snapshot.DirectorySummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Accumulates a directory summary the way Kopia's dirManifestBuilder does. */
final class SummaryBuilder {
  private static final int MAX_ERRORS = 10;
  private long size;
  private long files;
  private long symlinks;
  private long dirs;
  private long failed;
  private long ignored;
  private long entries;
  private Instant maxTime = Instant.EPOCH;
  private List<DirectorySummary.EntryError> errors = new ArrayList<>();

  SummaryBuilder copy() {
    SummaryBuilder c = new SummaryBuilder();
    c.size = size;
    c.files = files;
    c.symlinks = symlinks;
    c.dirs = dirs;
    c.failed = failed;
    c.ignored = ignored;
    c.entries = entries;
    c.maxTime = maxTime;
    c.errors = new ArrayList<>(errors);
    return c;
  }

  void add(DirEntry e) {
    entries++;
    if (e.mtime().isAfter(maxTime)) {
      maxTime = e.mtime();
    }
    switch (e.type()) {
      case DirEntry.SYMLINK -> symlinks++;
      case DirEntry.FILE -> {
        files++;
        size += e.size();
      }
      case DirEntry.DIRECTORY -> {
        DirectorySummary s = e.summary();
        if (s != null) {
          files += s.files();
          size += s.size();
          dirs += s.dirs();
          failed += s.numFailed();
          ignored += s.numIgnoredErrors();
          s.errors().forEach(this::keepError);
          if (s.maxTime().isAfter(maxTime)) {
            maxTime = s.maxTime();
          }
        }
      }
      default -> {}
    }
  }

  void addFailure(String path, String error) {
    failed++;
    keepError(new DirectorySummary.EntryError(path, error));
  }

  /** Keeps only the first ten by path, which is what sorting all and truncating would keep. */
  private void keepError(DirectorySummary.EntryError e) {
    errors.add(e);
    if (errors.size() > MAX_ERRORS) {
      errors.sort(Comparator.comparing(DirectorySummary.EntryError::path));
      errors.remove(errors.size() - 1);
    }
  }

  long failed() {
    return failed;
  }

  DirectorySummary build(Instant dirModTime, String incomplete) {
    List<DirectorySummary.EntryError> sorted = new ArrayList<>(errors);
    sorted.sort(Comparator.comparing(DirectorySummary.EntryError::path));
    return new DirectorySummary(
        size,
        files,
        symlinks,
        dirs + 1,
        entries == 0 ? dirModTime : maxTime,
        incomplete,
        failed,
        ignored,
        sorted);
  }
}
