package ca.eazybackup.e3.agent.sync;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;

/**
 * Streams the files of the sources in S3 key order, one directory listing in memory per level of
 * depth (never the whole tree). Entries of a directory are sorted by name with {@code /} appended
 * to subdirectories, so {@code a.txt} comes before {@code a/b} exactly as S3 lists {@code a.txt}
 * before {@code a/b}. Symbolic links are not followed (as rclone without {@code -L}).
 */
final class LocalWalk implements Iterator<LocalFile> {

  /** What the walk could not read; the run turns these into warnings. */
  interface Problems {
    void unreadable(Path path, String relativePath, IOException cause);

    void symlinkSkipped(Path path);
  }

  private record Entry(String name, String sortKey, Path path, BasicFileAttributes attrs) {}

  private record Frame(SourceRoot root, String relDir, Iterator<Entry> entries) {}

  private static final Comparator<Entry> ORDER =
      (a, b) -> KeyOrder.INSTANCE.compare(a.sortKey(), b.sortKey());

  private final Iterator<SourceRoot> roots;
  private final PathFilter filter;
  private final Problems problems;
  private final Deque<Frame> stack = new ArrayDeque<>();
  private LocalFile next;

  LocalWalk(List<SourceRoot> roots, PathFilter filter, Problems problems) {
    this.roots = roots.iterator();
    this.filter = filter;
    this.problems = problems;
  }

  @Override
  public boolean hasNext() {
    if (next == null) {
      next = advance();
    }
    return next != null;
  }

  @Override
  public LocalFile next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    LocalFile out = next;
    next = null;
    return out;
  }

  private LocalFile advance() {
    while (true) {
      if (stack.isEmpty()) {
        if (!roots.hasNext()) {
          return null;
        }
        LocalFile single = openRoot(roots.next());
        if (single != null) {
          return single;
        }
        continue;
      }
      Frame top = stack.peek();
      if (!top.entries().hasNext()) {
        stack.pop();
        continue;
      }
      Entry e = top.entries().next();
      String rel = top.relDir().isEmpty() ? e.name() : top.relDir() + "/" + e.name();
      BasicFileAttributes attrs = e.attrs();
      if (attrs.isDirectory()) {
        if (filter.descendsInto(rel)) {
          stack.push(new Frame(top.root(), rel, list(e.path(), rel).iterator()));
        }
      } else if (attrs.isRegularFile()) {
        if (filter.includesFile(rel)) {
          return new LocalFile(
              top.root().keyPrefix() + rel, rel, e.path(), attrs.size(), nanos(attrs));
        }
      } else if (attrs.isSymbolicLink()) {
        problems.symlinkSkipped(e.path());
      }
    }
  }

  private LocalFile openRoot(SourceRoot root) {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(root.path(), BasicFileAttributes.class);
    } catch (IOException e) {
      problems.unreadable(root.path(), "", e);
      return null;
    }
    if (attrs.isDirectory()) {
      stack.push(new Frame(root, "", list(root.path(), "").iterator()));
      return null;
    }
    String name = SourceRoot.folderName(root.path());
    if (attrs.isRegularFile() && filter.includesFile(name)) {
      return new LocalFile(root.keyPrefix() + name, name, root.path(), attrs.size(), nanos(attrs));
    }
    return null;
  }

  private List<Entry> list(Path dir, String relDir) {
    List<Entry> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path child : stream) {
        String name = child.getFileName().toString();
        try {
          BasicFileAttributes attrs =
              Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          entries.add(new Entry(name, attrs.isDirectory() ? name + "/" : name, child, attrs));
        } catch (NoSuchFileException gone) {
          // Deleted between listing and stat: it is simply not part of this run.
        } catch (IOException e) {
          problems.unreadable(child, relDir.isEmpty() ? name : relDir + "/" + name, e);
        }
      }
    } catch (IOException e) {
      problems.unreadable(dir, relDir, e);
    }
    entries.sort(ORDER);
    return entries;
  }

  static long nanos(BasicFileAttributes attrs) {
    return attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS);
  }
}
