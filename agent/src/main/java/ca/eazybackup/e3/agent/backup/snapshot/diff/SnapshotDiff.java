package ca.eazybackup.e3.agent.backup.snapshot.diff;

import ca.eazybackup.e3.agent.backup.object.ObjectManager;
import ca.eazybackup.e3.agent.backup.snapshot.DirEntry;
import ca.eazybackup.e3.agent.backup.snapshot.DirectoryReader;
import ca.eazybackup.e3.agent.backup.snapshot.DirectorySummary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Compares two snapshots' trees (Kopia's {@code snapshot/diff}, restic's {@code diff}): entries
 * added, removed and modified, with sizes. A folder whose directory object is the same on both
 * sides is identical throughout (the id is the hash of its listing, which holds its children's ids)
 * and is skipped unread, so comparing two snapshots of a large tree with few changes reads only the
 * folders on the way to the changes.
 *
 * <p>A file is modified when its content differs (another object id); a new modification time over
 * the same bytes is not a change, as for a brute-force comparison of the two trees. A file that
 * became a folder (or the reverse) is a removal and an addition. The contents of added and removed
 * folders are reported file by file after the folder itself. Memory holds two listings of one
 * folder at a time.
 */
public final class SnapshotDiff {
  private final ObjectManager objects;
  private final Sink sink;
  private long addedFiles;
  private long addedBytes;
  private long removedFiles;
  private long removedBytes;
  private long modifiedFiles;
  private long modifiedOldBytes;
  private long modifiedNewBytes;
  private long addedFolders;
  private long removedFolders;
  private long directoriesRead;
  private long subtreesSkipped;

  private SnapshotDiff(ObjectManager objects, Sink sink) {
    this.objects = objects;
    this.sink = sink;
  }

  /** Receives each change as it is found, in path order within each folder; may throw. */
  @FunctionalInterface
  public interface Sink {
    void accept(Change change) throws IOException;
  }

  /**
   * Compares the trees under two snapshots' root entries and hands every change to {@code sink}.
   *
   * @param before the older snapshot's root entry
   * @param after the newer snapshot's root entry
   */
  public static DiffTotals compare(
      ObjectManager objects, DirEntry before, DirEntry after, Sink sink) throws IOException {
    SnapshotDiff d = new SnapshotDiff(objects, sink);
    d.compareEntries("", before, after);
    return new DiffTotals(
        d.addedFiles,
        d.addedBytes,
        d.removedFiles,
        d.removedBytes,
        d.modifiedFiles,
        d.modifiedOldBytes,
        d.modifiedNewBytes,
        d.addedFolders,
        d.removedFolders,
        d.directoriesRead,
        d.subtreesSkipped);
  }

  private void compareEntries(String path, DirEntry a, DirEntry b) throws IOException {
    if (a.isDirectory() && b.isDirectory()) {
      if (a.obj().equals(b.obj())) {
        subtreesSkipped++;
        return;
      }
      compareFolders(path, a, b);
    } else if (a.isDirectory() || b.isDirectory() || !a.type().equals(b.type())) {
      removed(path, a);
      added(path, b);
    } else if (!a.obj().equals(b.obj()) || a.size() != b.size()) {
      modifiedFiles++;
      modifiedOldBytes += a.size();
      modifiedNewBytes += b.size();
      sink.accept(
          new Change(
              path, Change.Kind.MODIFIED, b.type(), a.size(), b.size(), 1, a.mtime(), b.mtime()));
    }
  }

  private void compareFolders(String path, DirEntry a, DirEntry b) throws IOException {
    List<DirEntry> left = read(a);
    List<DirEntry> right = read(b);
    int i = 0;
    int j = 0;
    while (i < left.size() || j < right.size()) {
      int c =
          i == left.size()
              ? 1
              : j == right.size()
                  ? -1
                  : DirEntry.compareNames(left.get(i).name(), right.get(j).name());
      if (c < 0) {
        DirEntry e = left.get(i++);
        removed(child(path, e), e);
      } else if (c > 0) {
        DirEntry e = right.get(j++);
        added(child(path, e), e);
      } else {
        DirEntry e = left.get(i++);
        compareEntries(child(path, e), e, right.get(j++));
      }
    }
  }

  private void added(String path, DirEntry e) throws IOException {
    if (!e.isDirectory()) {
      addedFiles++;
      addedBytes += e.size();
      sink.accept(new Change(path, Change.Kind.ADDED, e.type(), 0, e.size(), 1, null, e.mtime()));
      return;
    }
    addedFolders++;
    DirectorySummary s = e.summary();
    sink.accept(
        new Change(
            path,
            Change.Kind.ADDED,
            e.type(),
            0,
            s == null ? 0 : s.size(),
            s == null ? 0 : s.files(),
            null,
            e.mtime()));
    for (DirEntry c : read(e)) {
      added(child(path, c), c);
    }
  }

  private void removed(String path, DirEntry e) throws IOException {
    if (!e.isDirectory()) {
      removedFiles++;
      removedBytes += e.size();
      sink.accept(new Change(path, Change.Kind.REMOVED, e.type(), e.size(), 0, 1, e.mtime(), null));
      return;
    }
    removedFolders++;
    DirectorySummary s = e.summary();
    sink.accept(
        new Change(
            path,
            Change.Kind.REMOVED,
            e.type(),
            s == null ? 0 : s.size(),
            0,
            s == null ? 0 : s.files(),
            e.mtime(),
            null));
    for (DirEntry c : read(e)) {
      removed(child(path, c), c);
    }
  }

  /** A folder's entries by name (byte order), whatever order they were stored in. */
  private List<DirEntry> read(DirEntry folder) throws IOException {
    directoriesRead++;
    List<DirEntry> all = new ArrayList<>(DirectoryReader.readAll(objects, folder.obj()));
    all.sort(Comparator.comparing(DirEntry::name, DirEntry::compareNames));
    return all;
  }

  private static String child(String path, DirEntry e) {
    return path.isEmpty() ? e.name() : path + "/" + e.name();
  }
}
