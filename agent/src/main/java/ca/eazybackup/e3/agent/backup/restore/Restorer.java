package ca.eazybackup.e3.agent.backup.restore;

import ca.eazybackup.e3.agent.backup.object.ObjectManager;
import ca.eazybackup.e3.agent.backup.object.ObjectReader;
import ca.eazybackup.e3.agent.backup.snapshot.DirEntry;
import ca.eazybackup.e3.agent.backup.snapshot.DirectoryReader;
import ca.eazybackup.e3.agent.engine.Cancellation;
import ca.eazybackup.e3.agent.engine.RunCancelledException;
import ca.eazybackup.e3.agent.progress.ProgressReporter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a snapshot directory tree (Kopia snapshot/restore). Files are written to a temp file
 * beside the target and renamed over it only when complete, so a failure never leaves a partly
 * written or wrong file under the real name; every byte comes through the content store, which
 * verifies it against its hash. Files are restored by {@code parallelism} workers; a file larger
 * than {@code rangeThreshold} is itself written in parallel ranges.
 */
public final class Restorer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Restorer.class);
  private static final int RANGE = 8 << 20;

  private final ObjectManager objects;
  private final ProgressReporter progress;
  private final Cancellation cancel;
  private final int parallelism;
  private final long rangeThreshold;
  private final ExecutorService filePool;
  private final ExecutorService rangePool;
  private final AtomicLong files = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong dirs = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong deleted = new AtomicLong();
  private final AtomicLong symlinks = new AtomicLong();

  public Restorer(
      ObjectManager objects,
      ProgressReporter progress,
      Cancellation cancel,
      int parallelism,
      long rangeThreshold) {
    this.objects = objects;
    this.progress = progress;
    this.cancel = cancel;
    this.parallelism = Math.max(1, parallelism);
    this.rangeThreshold = rangeThreshold;
    this.filePool = Executors.newFixedThreadPool(this.parallelism, daemon("kopia-restore"));
    this.rangePool = Executors.newFixedThreadPool(this.parallelism, daemon("kopia-restore-range"));
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Restores {@code dir} into {@code target}.
   *
   * @param selection paths relative to {@code dir} ("a/b.txt"); empty restores everything
   */
  public RestoreResult restore(
      DirEntry dir, Path target, List<String> selection, OverwriteMode mode, boolean deleteExtra)
      throws IOException, RunCancelledException {
    if (!dir.isDirectory()) {
      throw new IllegalArgumentException("a snapshot root must be a directory");
    }
    Selection sel = Selection.of(selection);
    restoreDir(dir, target, "", sel, mode, deleteExtra);
    return new RestoreResult(
        files.get(), bytes.get(), dirs.get(), skipped.get(), deleted.get(), symlinks.get());
  }

  /** The entry {@code name} directly inside directory {@code dir}, or null. */
  public DirEntry child(DirEntry dir, String name) throws IOException {
    try (DirectoryReader r = DirectoryReader.open(objects, dir.obj())) {
      for (DirEntry e = r.next(); e != null; e = r.next()) {
        if (e.name().equals(name)) {
          return e;
        }
      }
    }
    return null;
  }

  /** Which snapshot paths are wanted: a path selects itself and everything below it. */
  record Selection(List<String> paths) {
    static Selection of(List<String> raw) {
      List<String> clean = new ArrayList<>();
      for (String p : raw == null ? List.<String>of() : raw) {
        String s = p.replace('\\', '/');
        while (s.startsWith("/")) {
          s = s.substring(1);
        }
        while (s.endsWith("/")) {
          s = s.substring(0, s.length() - 1);
        }
        for (String part : s.split("/")) {
          if (part.equals("..")) {
            throw new IllegalArgumentException("restore path '" + p + "' leaves the snapshot");
          }
        }
        if (s.isEmpty()) {
          return new Selection(List.of());
        }
        clean.add(s);
      }
      return new Selection(clean);
    }

    boolean all() {
      return paths.isEmpty();
    }

    /** The entry at {@code rel} is selected entirely. */
    boolean covers(String rel) {
      return all() || paths.stream().anyMatch(p -> rel.equals(p) || rel.startsWith(p + "/"));
    }

    /** The entry at {@code rel} contains something selected. */
    boolean leadsTo(String rel) {
      return paths.stream().anyMatch(p -> p.startsWith(rel + "/"));
    }
  }

  private void restoreDir(
      DirEntry dir, Path out, String rel, Selection sel, OverwriteMode mode, boolean deleteExtra)
      throws IOException, RunCancelledException {
    cancel.throwIfCancelled();
    Files.createDirectories(out);
    boolean whole = sel.covers(rel);
    Set<String> names = deleteExtra && whole ? new HashSet<>() : null;
    Deque<Future<?>> window = new ArrayDeque<>();
    try (DirectoryReader r = DirectoryReader.open(objects, dir.obj())) {
      for (DirEntry e = r.next(); e != null; e = r.next()) {
        cancel.throwIfCancelled();
        checkName(e.name(), rel);
        String childRel = rel.isEmpty() ? e.name() : rel + "/" + e.name();
        boolean wanted = sel.covers(childRel);
        if (!wanted && !(e.isDirectory() && sel.leadsTo(childRel))) {
          continue;
        }
        if (names != null) {
          names.add(e.name());
        }
        Path dest = out.resolve(e.name());
        if (e.isDirectory()) {
          drain(window, 0);
          restoreDir(e, dest, childRel, sel, mode, deleteExtra);
        } else if (e.isSymlink()) {
          restoreSymlink(e, dest, childRel);
        } else if (e.isFile()) {
          final DirEntry file = e;
          window.add(
              filePool.submit(
                  () -> {
                    restoreFile(file, dest, childRel, mode);
                    return null;
                  }));
          drain(window, parallelism * 4);
        }
      }
      drain(window, 0);
    } catch (IOException | RuntimeException e) {
      cancelAll(window);
      throw e;
    }
    if (names != null) {
      deleteExtra(out, names);
    }
    if (!rel.isEmpty() || whole) {
      setTimes(out, dir);
    }
    dirs.incrementAndGet();
  }

  private static void checkName(String name, String rel) throws RestoreException {
    if (name.isEmpty()
        || name.equals(".")
        || name.equals("..")
        || name.contains("/")
        || name.contains("\\")
        || name.indexOf('\0') >= 0) {
      throw new RestoreException(
          "snapshot entry '" + name + "' in '" + rel + "' is not a safe file name", null);
    }
  }

  private static void cancelAll(Deque<Future<?>> window) {
    for (Future<?> f : window) {
      f.cancel(true);
    }
  }

  private void drain(Deque<Future<?>> window, int keep) throws IOException, RunCancelledException {
    while (window.size() > keep) {
      await(window.poll());
    }
  }

  private void await(Future<?> f) throws IOException, RunCancelledException {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunCancelledException("interrupted");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RunCancelledException rc) {
        throw rc;
      }
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(c);
    }
  }

  private void restoreFile(DirEntry e, Path dest, String rel, OverwriteMode mode)
      throws IOException, RunCancelledException {
    if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS) && !shouldOverwrite(e, dest, mode)) {
      skipped.incrementAndGet();
      progress.itemDone(rel);
      return;
    }
    progress.itemStarted(rel);
    Path tmp =
        dest.resolveSibling(
            "."
                + e.name()
                + ".e3restore-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
    try {
      ObjectReader reader = objects.open(e.obj());
      if (reader.length() != e.size()) {
        throw new IOException(
            "object holds " + reader.length() + " bytes but the entry says " + e.size());
      }
      if (reader.length() > rangeThreshold) {
        writeRanges(reader, tmp);
      } else {
        writeSequential(reader, tmp);
      }
      setTimes(tmp, e);
      setMode(tmp, e.mode());
      Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException ex) {
      Files.deleteIfExists(tmp);
      if (ex instanceof RestoreException re) {
        throw re;
      }
      throw new RestoreException("cannot restore '" + rel + "': " + ex.getMessage(), ex);
    }
    files.incrementAndGet();
    progress.itemDone(rel);
  }

  private void writeSequential(ObjectReader reader, Path tmp)
      throws IOException, RunCancelledException {
    byte[] buf = new byte[(int) Math.min(RANGE, Math.max(1, reader.length()))];
    try (FileChannel ch =
        FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long pos = 0;
      while (true) {
        cancel.throwIfCancelled();
        int n = reader.read(pos, buf, 0, buf.length);
        if (n < 0) {
          break;
        }
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
        while (bb.hasRemaining()) {
          ch.write(bb);
        }
        pos += n;
        bytes.addAndGet(n);
        progress.bytesDone(n);
      }
    }
  }

  /** A large file: ranges written at their offsets by several workers, each with its reader. */
  private void writeRanges(ObjectReader reader, Path tmp)
      throws IOException, RunCancelledException {
    long length = reader.length();
    try (FileChannel ch =
        FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      List<Future<?>> parts = new ArrayList<>();
      for (long start = 0; start < length; start += RANGE) {
        final long from = start;
        final int len = (int) Math.min(RANGE, length - start);
        parts.add(
            rangePool.submit(
                () -> {
                  if (cancel.isCancelled()) {
                    throw new RunCancelledException(cancel.reason());
                  }
                  ObjectReader own = reader.copy();
                  byte[] buf = new byte[len];
                  int done = 0;
                  while (done < len) {
                    int n = own.read(from + done, buf, done, len - done);
                    if (n < 0) {
                      throw new IOException("object ended early at " + (from + done));
                    }
                    done += n;
                  }
                  ByteBuffer bb = ByteBuffer.wrap(buf);
                  long at = from;
                  while (bb.hasRemaining()) {
                    at += ch.write(bb, at);
                  }
                  bytes.addAndGet(len);
                  progress.bytesDone(len);
                  return null;
                }));
      }
      try {
        for (Future<?> f : parts) {
          await(f);
        }
      } finally {
        for (Future<?> f : parts) {
          f.cancel(true);
        }
      }
    }
  }

  private static boolean shouldOverwrite(DirEntry e, Path dest, OverwriteMode mode)
      throws IOException {
    BasicFileAttributes a =
        Files.readAttributes(dest, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    return switch (mode) {
      case ALWAYS -> true;
      case NEVER -> false;
      case IF_NEWER -> e.mtime().isAfter(a.lastModifiedTime().toInstant());
      case IF_CHANGED ->
          !(a.isRegularFile()
              && a.size() == e.size()
              && a.lastModifiedTime().toInstant().equals(e.mtime()));
    };
  }

  private void restoreSymlink(DirEntry e, Path dest, String rel) {
    try {
      String target = new String(objects.readAll(e.obj()), StandardCharsets.UTF_8);
      Files.deleteIfExists(dest);
      Files.createSymbolicLink(dest, Path.of(target));
      symlinks.incrementAndGet();
    } catch (IOException | UnsupportedOperationException | SecurityException ex) {
      progress.itemSkipped(rel, "symlink not restored: " + ex.getMessage());
      LOG.warn("event=symlink_not_restored path={} error={}", rel, ex.toString());
    }
  }

  private void deleteExtra(Path dir, Set<String> keep) throws IOException {
    List<Path> extra = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (!keep.contains(p.getFileName().toString())) {
          extra.add(p);
        }
      }
    }
    for (Path p : extra) {
      deleteTree(p);
      deleted.incrementAndGet();
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      Files.walkFileTree(
          p,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } else {
      Files.deleteIfExists(p);
    }
  }

  private static void setTimes(Path p, DirEntry e) {
    try {
      Files.setLastModifiedTime(p, FileTime.from(e.mtime()));
    } catch (IOException ex) {
      LOG.debug("event=mtime_not_set path={} error={}", p, ex.toString());
    }
  }

  private static void setMode(Path p, int mode) {
    if (mode == 0) {
      return;
    }
    try {
      Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
      for (PosixFilePermission perm : PosixFilePermission.values()) {
        if ((mode & (1 << (8 - perm.ordinal()))) != 0) {
          perms.add(perm);
        }
      }
      Files.setPosixFilePermissions(p, perms);
    } catch (UnsupportedOperationException | IOException ex) {
      // Windows: the read-only attribute is the only bit worth carrying over.
      if ((mode & 0200) == 0) {
        try {
          Files.setAttribute(p, "dos:readonly", true);
        } catch (UnsupportedOperationException | IOException ignored) {
          LOG.debug("event=mode_not_set path={}", p);
        }
      }
    }
  }

  @Override
  public void close() {
    filePool.shutdownNow();
    rangePool.shutdownNow();
  }
}
