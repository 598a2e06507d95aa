package ca.eazybackup.e3.agent.backup.restore;

import ca.eazybackup.e3.agent.backup.index.ContentId;
import ca.eazybackup.e3.agent.backup.object.ObjectChunk;
import ca.eazybackup.e3.agent.backup.object.ObjectManager;
import ca.eazybackup.e3.agent.backup.snapshot.DirEntry;
import ca.eazybackup.e3.agent.backup.snapshot.DirectoryReader;
import ca.eazybackup.e3.agent.engine.Cancellation;
import ca.eazybackup.e3.agent.engine.RestoreSafety;
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
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a snapshot directory tree (Kopia snapshot/restore), planned then fetched by pack: the
 * tree is walked first and every wanted file is resolved to the contents it is made of (without
 * reading them); the contents are then read in groups that lie close together in one pack (one
 * ranged GET per group instead of one per content, see {@link
 * ca.eazybackup.e3.agent.backup.content.ContentStore#groupForReading}) by {@code parallelism}
 * workers, and each content is written at its offsets into every file that uses it. A large file's
 * chunks come from many groups, so it is written in parallel at its offsets. The plan is executed
 * in batches of at most {@value #BATCH_CHUNKS} chunks so memory stays bounded for any tree size.
 *
 * <p>Files are written to a temp file beside the target and renamed over it only when complete, so
 * a failure never leaves a partly written or wrong file under the real name; every content is
 * verified against its hash by the content store as it is decoded. Directory mtimes are set last,
 * deepest first, because writing into a folder changes its mtime.
 */
public final class Restorer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Restorer.class);
  static final int BATCH_CHUNKS = 50_000;

  private final ObjectManager objects;
  private final ProgressReporter progress;
  private final Cancellation cancel;
  private final int parallelism;
  private final int batchChunks;
  private final ExecutorService pool;
  private final AtomicLong files = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong dirs = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong deleted = new AtomicLong();
  private final AtomicLong symlinks = new AtomicLong();

  /** Attribute reads of existing target files (one per planned file at most; tests check it). */
  final AtomicLong attributeReads = new AtomicLong();

  /** The current batch: each needed content and where its bytes go. */
  private final Map<ContentId, List<Target>> targets = new LinkedHashMap<>();

  private final List<PendingFile> batchFiles = new ArrayList<>();
  private int plannedChunks;

  /**
   * Restored directories in visiting order; their mtimes are set in reverse at the end. Only the
   * path and time are kept, not the whole entry (its summary), so a tree of many folders stays
   * small.
   */
  private final List<Map.Entry<Path, Instant>> dirTimes = new ArrayList<>();

  public Restorer(
      ObjectManager objects, ProgressReporter progress, Cancellation cancel, int parallelism) {
    this(objects, progress, cancel, parallelism, BATCH_CHUNKS);
  }

  Restorer(
      ObjectManager objects,
      ProgressReporter progress,
      Cancellation cancel,
      int parallelism,
      int batchChunks) {
    this.batchChunks = Math.max(1, batchChunks);
    this.objects = objects;
    this.progress = progress;
    this.cancel = cancel;
    this.parallelism = Math.max(1, parallelism);
    this.pool =
        Executors.newFixedThreadPool(
            this.parallelism,
            r -> {
              Thread t = new Thread(r, "kopia-restore");
              t.setDaemon(true);
              return t;
            });
  }

  /** A file being restored: its temp file and how many chunks are still to be written. */
  private static final class PendingFile {
    final DirEntry entry;
    final Path dest;
    final Path tmp;
    final String rel;
    final int chunks;
    final AtomicInteger remaining;
    final AtomicBoolean started = new AtomicBoolean();
    volatile boolean done;

    PendingFile(DirEntry entry, Path dest, String rel, int chunks) {
      this.entry = entry;
      this.dest = dest;
      this.rel = rel;
      this.chunks = chunks;
      this.remaining = new AtomicInteger(chunks);
      this.tmp =
          dest.resolveSibling(
              "."
                  + entry.name()
                  + ".e3restore-"
                  + Long.toHexString(ThreadLocalRandom.current().nextLong())
                  + ".tmp");
    }
  }

  /** Bytes [offset, offset + length) of {@code file} are one content. */
  private record Target(PendingFile file, long offset, long length) {}

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
    if (deleteExtra) {
      String refusal = RestoreSafety.deleteExtraRefusal(target);
      if (refusal != null) {
        throw new RestoreException(
            "delete_extra refused: " + refusal + "; restore into a folder of its own", null);
      }
    }
    try {
      restoreDir(dir, target, "", sel, mode, deleteExtra);
      runBatch();
    } catch (IOException | RunCancelledException | RuntimeException e) {
      abandonBatch();
      dirTimes.clear();
      throw e;
    }
    for (int i = dirTimes.size() - 1; i >= 0; i--) {
      setTimes(dirTimes.get(i).getKey(), dirTimes.get(i).getValue());
    }
    dirTimes.clear();
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
    // A folder this restore creates is empty: nothing in it needs an overwrite check.
    boolean fresh = !Files.exists(out, LinkOption.NOFOLLOW_LINKS);
    if (rel.isEmpty()) {
      Files.createDirectories(out); // the target the user chose: followed if it is a link
    } else if (RestoreSafety.ensureRealDirectory(out)) {
      // A link stood where the snapshot has a folder: it is gone, the folder is new and empty.
      fresh = true;
      progress.event(
          "KOPIA_RESTORE_LINK_REPLACED",
          ca.eazybackup.e3.agent.progress.EventLevel.WARN,
          "Replaced a link found at '" + rel + "' by a folder; nothing was written through it",
          Map.of("path", rel));
    }
    boolean whole = sel.covers(rel);
    Set<String> names = deleteExtra && whole && !fresh ? new HashSet<>() : null;
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
          restoreDir(e, dest, childRel, sel, mode, deleteExtra);
        } else if (e.isSymlink()) {
          restoreSymlink(e, dest, childRel);
        } else if (e.isFile()) {
          planFile(e, dest, childRel, mode, fresh);
        }
      }
    }
    if (names != null) {
      deleteExtra(out, names);
    }
    if (!rel.isEmpty() || whole) {
      dirTimes.add(Map.entry(out, dir.mtime()));
    }
    dirs.incrementAndGet();
  }

  private static void checkName(String name, String rel) throws RestoreException {
    String reason = RestoreSafety.unsafeNameReason(name);
    if (reason != null) {
      throw new RestoreException(
          "snapshot entry '"
              + name
              + "' in '"
              + (rel.isEmpty() ? "/" : rel)
              + "' is not a safe file name: "
              + reason,
          null);
    }
  }

  /** Adds a file to the batch (or skips it per the overwrite rule); runs the batch when full. */
  private void planFile(DirEntry e, Path dest, String rel, OverwriteMode mode, boolean fresh)
      throws IOException, RunCancelledException {
    if (!fresh && !shouldOverwrite(e, dest, mode)) {
      skipped.incrementAndGet();
      progress.itemDone(rel);
      return;
    }
    List<ObjectChunk> chunks;
    try {
      chunks = objects.chunks(e.obj(), e.size());
    } catch (IOException | RuntimeException ex) {
      throw new RestoreException("cannot restore '" + rel + "': " + ex.getMessage(), ex);
    }
    // The chunks tile [0, size) (ObjectManager checks gaps and the total) and each write checks its
    // chunk's length, so a finished temp file has exactly the entry's size without a stat of it.
    long planned = 0;
    for (ObjectChunk c : chunks) {
      planned += c.length();
    }
    if (planned != e.size()) {
      throw new RestoreException(
          "cannot restore '"
              + rel
              + "': its chunks hold "
              + planned
              + " bytes, the entry says "
              + e.size(),
          null);
    }
    PendingFile file = new PendingFile(e, dest, rel, chunks.size());
    batchFiles.add(file);
    if (chunks.isEmpty()) {
      progress.itemStarted(rel);
      finish(file);
      return;
    }
    for (ObjectChunk c : chunks) {
      targets
          .computeIfAbsent(c.content(), k -> new ArrayList<>(1))
          .add(new Target(file, c.start(), c.length()));
    }
    plannedChunks += chunks.size();
    if (plannedChunks >= batchChunks) {
      runBatch();
    }
  }

  /** Fetches every content of the batch, grouped by pack, with bounded parallelism. */
  private void runBatch() throws IOException, RunCancelledException {
    if (targets.isEmpty()) {
      batchFiles.clear();
      return;
    }
    List<List<ContentId>> groups = objects.contents().groupForReading(targets.keySet());
    // Few readers in flight: each holds one group's bytes (up to a few MiB) at a time.
    Semaphore slots = new Semaphore(parallelism);
    AtomicReference<Exception> failure = new AtomicReference<>();
    List<Future<?>> futures = new ArrayList<>(groups.size());
    try {
      for (List<ContentId> group : groups) {
        if (failure.get() != null) {
          break;
        }
        cancel.throwIfCancelled();
        slots.acquire();
        futures.add(
            pool.submit(
                () -> {
                  try {
                    if (failure.get() == null) {
                      readGroup(group);
                    }
                  } catch (Exception ex) {
                    failure.compareAndSet(null, ex);
                  } finally {
                    slots.release();
                  }
                }));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure.compareAndSet(null, new RunCancelledException("interrupted"));
    } catch (RunCancelledException e) {
      failure.compareAndSet(null, e);
    } finally {
      // Every submitted task ends before the batch is cleaned up or abandoned: none may write a
      // temp file after that. Tasks not yet started see the failure and do nothing.
      awaitAll(futures);
    }
    Exception ex = failure.get();
    if (ex instanceof RunCancelledException rc) {
      throw rc;
    }
    if (ex instanceof IOException io) {
      throw io;
    }
    if (ex instanceof RuntimeException re) {
      throw re;
    }
    if (ex != null) {
      throw new IOException(ex);
    }
    targets.clear();
    batchFiles.clear();
    plannedChunks = 0;
  }

  private static void awaitAll(List<Future<?>> futures) {
    boolean interrupted = false;
    for (Future<?> f : futures) {
      while (true) {
        try {
          f.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
          break; // tasks catch their own failures; nothing else to record
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reads one group and writes each content where it belongs; names the file on failure. */
  private void readGroup(List<ContentId> group) throws IOException, RunCancelledException {
    if (cancel.isCancelled()) {
      throw new RunCancelledException(cancel.reason());
    }
    Set<ContentId> delivered = new HashSet<>();
    try {
      objects
          .contents()
          .readGroup(
              group,
              (id, buf, off, len) -> {
                for (Target t : targets.get(id)) {
                  write(t, buf, off, len);
                }
                delivered.add(id);
              });
    } catch (RestoreException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // Group reads decode in group order: the first content not delivered is the failing one.
      String rel =
          group.stream()
              .filter(id -> !delivered.contains(id))
              .findFirst()
              .map(id -> targets.get(id).get(0).file().rel)
              .orElse("?");
      throw new RestoreException("cannot restore '" + rel + "': " + e.getMessage(), e);
    }
  }

  /** Writes one verified content (valid only during this call) at its offset in the temp file. */
  private void write(Target t, byte[] buf, int off, int len) throws IOException {
    PendingFile f = t.file();
    if (len != t.length()) {
      throw new RestoreException(
          "cannot restore '"
              + f.rel
              + "': a chunk has "
              + len
              + " bytes, the object says "
              + t.length(),
          null);
    }
    if (f.started.compareAndSet(false, true)) {
      progress.itemStarted(f.rel);
    }
    try (FileChannel ch =
        FileChannel.open(f.tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ByteBuffer bb = ByteBuffer.wrap(buf, off, len);
      long at = t.offset();
      while (bb.hasRemaining()) {
        at += ch.write(bb, at);
      }
    }
    bytes.addAndGet(len);
    progress.bytesDone(len);
    if (f.remaining.decrementAndGet() == 0) {
      finish(f);
    }
  }

  /** All chunks are written: times, mode, then the atomic rename over the real name. */
  private void finish(PendingFile f) throws IOException {
    try {
      if (f.chunks == 0) {
        Files.createFile(f.tmp); // an empty file: no chunk created it
      }
      setTimes(f.tmp, f.entry.mtime());
      if (!createdWith(f.tmp, f.entry.mode())) {
        setMode(f.tmp, f.entry.mode());
      }
      Files.move(
          f.tmp, f.dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      f.done = true;
    } catch (IOException | RuntimeException ex) {
      throw new RestoreException("cannot restore '" + f.rel + "': " + ex.getMessage(), ex);
    }
    files.incrementAndGet();
    progress.itemDone(f.rel);
  }

  /** After a failure: no temp file of an unfinished file is left behind. */
  private void abandonBatch() {
    for (PendingFile f : batchFiles) {
      if (!f.done) {
        try {
          Files.deleteIfExists(f.tmp);
        } catch (IOException e) {
          LOG.warn("event=restore_temp_not_deleted path={} error={}", f.tmp, e.toString());
        }
      }
    }
    targets.clear();
    batchFiles.clear();
    plannedChunks = 0;
  }

  /**
   * Whether to write {@code dest}: true when nothing is there, else per {@code mode}. One attribute
   * read answers both (an exists() first would stat the file twice).
   */
  private boolean shouldOverwrite(DirEntry e, Path dest, OverwriteMode mode) throws IOException {
    attributeReads.incrementAndGet();
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(dest, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException missing) {
      return true;
    }
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

  /**
   * Sets the modification time, and the access time to the same instant (as Kopia's restore does):
   * setting both lets the JDK skip reading the file's current attributes first.
   */
  private static void setTimes(Path p, Instant mtime) {
    try {
      FileTime t = FileTime.from(mtime);
      Files.getFileAttributeView(p, BasicFileAttributeView.class).setTimes(t, t, null);
    } catch (IOException ex) {
      LOG.debug("event=mtime_not_set path={} error={}", p, ex.toString());
    }
  }

  /**
   * The permission bits (0777) a new file gets here (0666 less the process umask), learnt from the
   * first restored file; -1 until known, -2 where there are none (Windows).
   */
  private volatile int createdPerms = -1;

  /**
   * Whether the new file {@code p} already has {@code mode}'s permission bits, so the chmod can be
   * skipped: most files are 0644 and are created so, which saves a system call per file.
   */
  private boolean createdWith(Path p, int mode) {
    int created = createdPerms;
    if (created == -1) {
      try {
        int bits = 0;
        for (PosixFilePermission perm : Files.getPosixFilePermissions(p)) {
          bits |= 1 << (8 - perm.ordinal());
        }
        created = bits;
      } catch (UnsupportedOperationException | IOException ex) {
        created = -2;
      }
      createdPerms = created;
    }
    return created >= 0 && (mode & 0777) == created;
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
    pool.shutdownNow();
  }
}
