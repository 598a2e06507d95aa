package ca.eazybackup.e3.agent.cli;

import ca.eazybackup.e3.agent.backup.object.ObjectManager;
import ca.eazybackup.e3.agent.backup.snapshot.DirEntry;
import ca.eazybackup.e3.agent.backup.snapshot.DirectoryReader;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManifest;
import ca.eazybackup.e3.agent.timemachine.SnapshotRepository;
import java.io.IOException;

/** {@code repo ls}: finds a folder in a snapshot and walks it, one folder listing at a time. */
final class SnapshotListing {
  private SnapshotListing() {}

  /** Receives each entry with its path relative to the listed folder. */
  @FunctionalInterface
  interface Visitor {
    void visit(String path, DirEntry entry) throws IOException;
  }

  /** The folder {@code path} ('/'-separated, "" or "/" for the root) of snapshot {@code id}. */
  static DirEntry find(SnapshotRepository repo, String id, String path) throws IOException {
    SnapshotManifest m = repo.snapshot(id);
    DirEntry at = m.rootEntry();
    String walked = "";
    for (String part : (path == null ? "" : path).split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      if (!at.isDirectory()) {
        throw new RepoCommand.UsageException(walked + " is not a folder in snapshot " + id);
      }
      DirEntry next = null;
      for (DirEntry e : DirectoryReader.readAll(repo.objects(), at.obj())) {
        if (e.name().equals(part)) {
          next = e;
          break;
        }
      }
      walked = walked.isEmpty() ? part : walked + "/" + part;
      if (next == null) {
        throw new RepoCommand.UsageException("no " + walked + " in snapshot " + id);
      }
      at = next;
    }
    if (!at.isDirectory()) {
      throw new RepoCommand.UsageException(walked + " is a file, not a folder");
    }
    return at;
  }

  /** Lists {@code dir}'s entries in the snapshot's order, depth first when {@code recursive}. */
  static void walk(ObjectManager objects, DirEntry dir, String prefix, boolean recursive, Visitor v)
      throws IOException {
    for (DirEntry e : DirectoryReader.readAll(objects, dir.obj())) {
      String p = prefix.isEmpty() ? e.name() : prefix + "/" + e.name();
      v.visit(p, e);
      if (recursive && e.isDirectory()) {
        walk(objects, e, p, true, v);
      }
    }
  }

  static String typeName(DirEntry e) {
    return e.isDirectory() ? "dir" : e.isSymlink() ? "symlink" : "file";
  }

  /** A file's size, a folder's total from its summary. */
  static long size(DirEntry e) {
    if (e.isDirectory() && e.summary() != null) {
      return e.summary().size();
    }
    return e.size();
  }
}
