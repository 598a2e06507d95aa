package ca.eazybackup.e3.agent.backup.upload;

import ca.eazybackup.e3.agent.backup.content.ContentStore;
import ca.eazybackup.e3.agent.backup.object.ObjectId;
import ca.eazybackup.e3.agent.backup.object.ObjectManager;
import ca.eazybackup.e3.agent.backup.object.ObjectWriter;
import ca.eazybackup.e3.agent.backup.snapshot.DirEntry;
import ca.eazybackup.e3.agent.backup.snapshot.DirectoryReader;
import ca.eazybackup.e3.agent.backup.snapshot.DirectorySummary;
import ca.eazybackup.e3.agent.backup.snapshot.DirectoryWriter;
import ca.eazybackup.e3.agent.backup.snapshot.ManifestStore;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManager;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManifest;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotStats;
import ca.eazybackup.e3.agent.backup.snapshot.SourceInfo;
import ca.eazybackup.e3.agent.engine.Cancellation;
import ca.eazybackup.e3.agent.engine.RunCancelledException;
import ca.eazybackup.e3.agent.engine.SourceAccess;
import ca.eazybackup.e3.agent.progress.ProgressReporter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.DosFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots local folders into the repository (Kopia snapshotfs/upload.go), one directory at a
 * time, depth first. Per directory: the listing is sorted in Kopia order (spilled to disk when
 * huge) and merged against the previous snapshot's directory, streamed in the same order; a file
 * whose change key matches keeps its object id unread, other files are hashed and stored by {@code
 * parallelism} workers. Every {@code checkpointInterval} the directories done so far are saved as
 * an {@code incomplete: "checkpoint"} snapshot, so a successor reuses them after a crash. The final
 * manifest is written only after {@link ContentStore#flush()} returns, then flushed and read back;
 * only then does the upload count as done.
 */
public final class Uploader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Uploader.class);
  private static final int READ_BUFFER = 1 << 20;
  private static final boolean UNIX =
      java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("unix");

  /** Internal marker type of a file that could not be read; never written to a directory. */
  private static final String FAILED = "!";

  private final ObjectManager objects;
  private final SnapshotManager snapshots;
  private final UploadOptions options;
  private final ProgressReporter progress;
  private final Cancellation cancel;
  private final Clock clock;
  private final ExecutorService pool;
  private final ThreadLocal<byte[]> buffers = ThreadLocal.withInitial(() -> new byte[READ_BUFFER]);

  private final AtomicLong bytesHashed = new AtomicLong();
  private final AtomicLong files = new AtomicLong();
  private final AtomicLong cachedFiles = new AtomicLong();
  private final AtomicLong nonCachedFiles = new AtomicLong();
  private final AtomicLong totalSize = new AtomicLong();
  private final AtomicLong dirCount = new AtomicLong();
  private final AtomicLong errorCount = new AtomicLong();

  private final Deque<Frame> stack = new ArrayDeque<>();
  private final List<String> checkpointIds = new ArrayList<>();
  private boolean cancelCheckpointSaved;
  private Map<String, String> tags = Map.of();
  private SourceAccess sourceAccess = SourceAccess.LIVE;
  private SourceInfo source;
  private OffsetDateTime startTime;
  private long nextCheckpoint;

  public Uploader(
      ObjectManager objects,
      SnapshotManager snapshots,
      UploadOptions options,
      ProgressReporter progress,
      Cancellation cancel,
      Clock clock) {
    this.objects = objects;
    this.snapshots = snapshots;
    this.options = options;
    this.progress = progress;
    this.cancel = cancel;
    this.clock = clock;
    this.pool =
        Executors.newFixedThreadPool(
            options.parallelism(),
            r -> {
              Thread t = new Thread(r, "kopia-upload");
              t.setDaemon(true);
              return t;
            });
  }

  /** A source folder and the name it gets under a virtual root. */
  public record Root(String name, Path path) {}

  /** The directory being worked on, with the entries finished so far (for checkpoints). */
  private static final class Frame implements AutoCloseable {
    final SourceEntry self;
    final EntryBuffer done;
    final SummaryBuilder summary = new SummaryBuilder();

    Frame(SourceEntry self, UploadOptions o) {
      this.self = self;
      this.done = new EntryBuffer(o.spillThreshold(), o.spillDir());
    }

    void add(DirEntry e) throws IOException {
      done.add(e);
      summary.add(e);
    }

    @Override
    public void close() throws IOException {
      done.close();
    }
  }

  /**
   * Opens source files through {@code access} (the host's share modes; none inside a VSS shadow
   * copy) instead of plainly.
   */
  public Uploader readingThrough(SourceAccess access) {
    this.sourceAccess = access;
    return this;
  }

  /**
   * Snapshots {@code roots} for {@code source}: one root is the snapshot's root directory; several
   * become entries of a virtual root directory, named by {@link Root#name()}.
   *
   * @param previousRoot root entry of the previous snapshot of this source (complete or a
   *     checkpoint), or null for a full read
   */
  public UploadResult upload(SourceInfo source, List<Root> roots, DirEntry previousRoot)
      throws IOException, RunCancelledException {
    return upload(source, roots, previousRoot, Map.of());
  }

  /** As {@link #upload(SourceInfo, List, DirEntry)}, with Kopia tags on the manifests. */
  public UploadResult upload(
      SourceInfo source, List<Root> roots, DirEntry previousRoot, Map<String, String> tags)
      throws IOException, RunCancelledException {
    this.tags = Map.copyOf(tags);
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("nothing to back up: no source folders");
    }
    this.source = source;
    this.startTime = OffsetDateTime.now(clock);
    this.nextCheckpoint = System.nanoTime() + options.checkpointInterval().toNanos();
    startPreScan(roots);
    DirEntry root;
    if (roots.size() == 1) {
      Path p = roots.get(0).path();
      SourceEntry meta = describe(p, roots.get(0).name());
      if (meta == null || !meta.isDirectory()) {
        throw new IOException("source " + p + " is not a readable folder");
      }
      root = uploadDir(meta, "", name -> p.resolve(name), list(p), previousRoot);
    } else {
      root = uploadVirtualRoot(roots, previousRoot);
    }
    return finish(root);
  }

  private DirEntry uploadVirtualRoot(List<Root> roots, DirEntry previousRoot)
      throws IOException, RunCancelledException {
    SortedListing listing = new SortedListing(options.spillThreshold(), options.spillDir());
    Map<String, Path> byName = new java.util.HashMap<>();
    for (Root r : roots) {
      SourceEntry meta = describe(r.path(), r.name());
      if (meta == null || !meta.isDirectory()) {
        throw new IOException("source " + r.path() + " is not a readable folder");
      }
      if (byName.put(r.name(), r.path()) != null) {
        throw new IllegalArgumentException("two sources are named '" + r.name() + "'");
      }
      listing.add(meta);
    }
    SourceEntry self = new SourceEntry("", DirEntry.DIRECTORY, 0, clock.instant(), 0755, 0, 0);
    return uploadDir(self, "", byName::get, listing, previousRoot);
  }

  /** Resolves a child name to its path (a real folder, or the virtual root's sources). */
  private interface Resolver {
    Path resolve(String name);
  }

  private DirEntry uploadDir(
      SourceEntry self, String rel, Resolver children, SortedListing listing, DirEntry previous)
      throws IOException, RunCancelledException {
    Frame frame = new Frame(self, options);
    stack.push(frame);
    try (listing;
        frame;
        DirectoryReader prev = openPrevious(previous, rel)) {
      Deque<Future<DirEntry>> window = new ArrayDeque<>();
      int maxInFlight = options.parallelism() * 4;
      int entries = 0;
      int unchanged = 0; // entries equal to the previous snapshot's, so far
      for (SourceEntry e : listing) {
        cancel.throwIfCancelled();
        entries++;
        DirEntry p = matchPrevious(prev, e);
        String childRel = rel.isEmpty() ? e.name() : rel + "/" + e.name();
        Path path = children.resolve(e.name());
        switch (e.type()) {
          case DirEntry.DIRECTORY -> {
            drain(window, frame, 0);
            SortedListing childListing;
            try {
              childListing = list(path);
            } catch (IOException ex) {
              failed(frame, childRel, ex);
              continue;
            }
            DirEntry child = uploadDir(e, childRel, path::resolve, childListing, p);
            if (child.equals(p)) {
              unchanged++;
            }
            frame.add(child);
          }
          case DirEntry.SYMLINK -> {
            drain(window, frame, 0);
            try {
              DirEntry link = symlink(path, e);
              if (link.equals(p)) {
                unchanged++;
              }
              frame.add(link);
            } catch (IOException ex) {
              failed(frame, childRel, ex);
            }
          }
          default -> {
            if (e.unchangedFrom(p)) {
              DirEntry reused = p.withName(e.name());
              unchanged++;
              window.add(java.util.concurrent.CompletableFuture.completedFuture(reused));
              cachedFiles.incrementAndGet();
              countFile(reused.size());
              progress.bytesDone(reused.size());
              progress.itemDone(childRel);
            } else {
              window.add(pool.submit(() -> uploadFile(path, e, childRel)));
            }
            drain(window, frame, maxInFlight);
          }
        }
        maybeCheckpoint();
      }
      drain(window, frame, 0);
      DirectorySummary summary = frame.summary.build(self.mtime(), null);
      ObjectId oid;
      if (prev != null
          && unchanged == entries
          && prev.peek() == null
          && summary.equals(previous.summary())) {
        // Same entries, none gone, same summary: the same JSON, so the previous object as is
        // (Kopia would re-serialize and find the content already stored).
        oid = previous.obj();
      } else {
        oid = writeDirectory(frame, null, summary);
      }
      dirCount.incrementAndGet();
      return new DirEntry(
          self.name(),
          DirEntry.DIRECTORY,
          self.mode(),
          self.size(),
          self.mtime(),
          self.uid(),
          self.gid(),
          oid,
          summary);
    } catch (RunCancelledException e) {
      // The deepest frame sees the cancel first, with the whole stack still in place.
      if (!cancelCheckpointSaved) {
        cancelCheckpointSaved = true;
        saveCheckpoint(SnapshotManifest.CANCELED);
      }
      throw e;
    } finally {
      stack.pop();
    }
  }

  private DirectoryReader openPrevious(DirEntry previous, String rel) {
    if (previous == null || !previous.isDirectory() || previous.obj() == null) {
      return null;
    }
    try {
      return DirectoryReader.open(objects, previous.obj());
    } catch (IOException e) {
      LOG.warn("event=previous_dir_unreadable path={} error={}", rel, e.getMessage());
      return null;
    }
  }

  /** Advances the previous listing to {@code e}; both are in Kopia order. */
  private static DirEntry matchPrevious(DirectoryReader prev, SourceEntry e) throws IOException {
    if (prev == null) {
      return null;
    }
    while (true) {
      DirEntry p = prev.peek();
      if (p == null) {
        return null;
      }
      int c = DirEntry.compareOrder(p.isDirectory(), p.name(), e.isDirectory(), e.name());
      if (c > 0) {
        return null;
      }
      prev.next();
      if (c == 0) {
        return p;
      }
    }
  }

  private void drain(Deque<Future<DirEntry>> window, Frame frame, int keep)
      throws IOException, RunCancelledException {
    while (window.size() > keep) {
      DirEntry e = await(window.poll());
      if (FAILED.equals(e.type())) {
        DirectorySummary.EntryError err = e.summary().errors().get(0);
        frame.summary.addFailure(err.path(), err.error());
      } else {
        frame.add(e);
      }
    }
  }

  private DirEntry await(Future<DirEntry> f) throws IOException, RunCancelledException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunCancelledException("interrupted");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof CancelledUpload) {
        throw new RunCancelledException(cancel.reason());
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

  private static final class CancelledUpload extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  /** A source file could not be read: a per-file failure, not a repository failure. */
  private static final class SourceUnreadable extends Exception {
    private static final long serialVersionUID = 1L;

    SourceUnreadable(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  private DirEntry uploadFile(Path path, SourceEntry e, String rel) throws IOException {
    progress.itemStarted(rel);
    long read = 0;
    ObjectId oid;
    try (InputStream in = openSource(path);
        ObjectWriter w = objects.newWriter("", options.compressor(), e.size())) {
      byte[] buf = buffers.get();
      while (true) {
        if (cancel.isCancelled()) {
          throw new CancelledUpload();
        }
        int n = readSource(in, buf);
        if (n < 0) {
          break;
        }
        w.write(buf, 0, n);
        read += n;
        progress.bytesDone(n);
      }
      oid = w.result();
    } catch (SourceUnreadable ex) {
      errorCount.incrementAndGet();
      progress.itemSkipped(rel, ex.getMessage());
      LOG.warn("event=file_unreadable path={} error={}", rel, ex.getMessage());
      return new DirEntry(
          e.name(),
          FAILED,
          0,
          0,
          e.mtime(),
          0,
          0,
          null,
          new DirectorySummary(
              0,
              0,
              0,
              0,
              e.mtime(),
              null,
              1,
              0,
              List.of(new DirectorySummary.EntryError(rel, ex.getMessage()))));
    }
    bytesHashed.addAndGet(read);
    nonCachedFiles.incrementAndGet();
    countFile(read);
    progress.itemDone(rel);
    return new DirEntry(
        e.name(), DirEntry.FILE, e.mode(), read, e.mtime(), e.uid(), e.gid(), oid, null);
  }

  private InputStream openSource(Path p) throws SourceUnreadable {
    try {
      return sourceAccess.open(p);
    } catch (IOException e) {
      throw new SourceUnreadable(e);
    }
  }

  private static int readSource(InputStream in, byte[] buf) throws SourceUnreadable {
    try {
      int total = 0;
      while (total < buf.length) {
        int n = in.read(buf, total, buf.length - total);
        if (n < 0) {
          return total == 0 ? -1 : total;
        }
        total += n;
      }
      return total;
    } catch (IOException e) {
      throw new SourceUnreadable(e);
    }
  }

  private void countFile(long size) {
    files.incrementAndGet();
    totalSize.addAndGet(size);
  }

  private DirEntry symlink(Path path, SourceEntry e) throws IOException {
    byte[] target = Files.readSymbolicLink(path).toString().getBytes(StandardCharsets.UTF_8);
    ObjectId oid = objects.write(target, "", "none");
    return new DirEntry(
        e.name(),
        DirEntry.SYMLINK,
        e.mode(),
        target.length,
        e.mtime(),
        e.uid(),
        e.gid(),
        oid,
        null);
  }

  private void failed(Frame frame, String rel, IOException ex) {
    errorCount.incrementAndGet();
    frame.summary.addFailure(rel, String.valueOf(ex.getMessage()));
    progress.itemSkipped(rel, ex.getMessage());
    LOG.warn("event=entry_unreadable path={} error={}", rel, ex.getMessage());
  }

  private ObjectId writeDirectory(Frame frame, DirEntry extra, DirectorySummary summary)
      throws IOException {
    try (DirectoryWriter w = new DirectoryWriter(objects)) {
      frame.done.forEach(w::add);
      if (extra != null) {
        w.add(extra);
      }
      return w.finish(summary);
    }
  }

  // ---- listing --------------------------------------------------------------------------

  private SortedListing list(Path dir) throws IOException {
    SortedListing listing = new SortedListing(options.spillThreshold(), options.spillDir());
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        SourceEntry e = describe(p, p.getFileName().toString());
        if (e != null) {
          listing.add(e);
        }
      }
    } catch (IOException | RuntimeException e) {
      listing.close();
      throw e instanceof IOException io ? io : new IOException(e);
    }
    return listing;
  }

  /** Attributes of one path, without following links; null for sockets, devices and the like. */
  static SourceEntry describe(Path p, String name) throws IOException {
    if (UNIX) {
      // One stat for everything (the typed views would stat three times per file).
      Map<String, Object> u =
          Files.readAttributes(
              p,
              "unix:mode,uid,gid,size,lastModifiedTime,isDirectory,isSymbolicLink,isRegularFile",
              LinkOption.NOFOLLOW_LINKS);
      String type;
      if ((Boolean) u.get("isSymbolicLink")) {
        type = DirEntry.SYMLINK;
      } else if ((Boolean) u.get("isDirectory")) {
        type = DirEntry.DIRECTORY;
      } else if ((Boolean) u.get("isRegularFile")) {
        type = DirEntry.FILE;
      } else {
        return null;
      }
      return new SourceEntry(
          name,
          type,
          (Long) u.get("size"),
          ((java.nio.file.attribute.FileTime) u.get("lastModifiedTime")).toInstant(),
          ((Integer) u.get("mode")) & 0777,
          ((Number) u.get("uid")).longValue(),
          ((Number) u.get("gid")).longValue());
    }
    BasicFileAttributes a;
    DosFileAttributes dos = null;
    Set<PosixFilePermission> perms = null;
    long uid = 0;
    long gid = 0;
    try {
      dos = Files.readAttributes(p, DosFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      a = dos;
    } catch (UnsupportedOperationException notDos) {
      a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }
    String type;
    if (a.isSymbolicLink()) {
      type = DirEntry.SYMLINK;
    } else if (a.isDirectory()) {
      type = DirEntry.DIRECTORY;
    } else if (a.isRegularFile()) {
      type = DirEntry.FILE;
    } else {
      return null;
    }
    int mode;
    if (perms != null) {
      mode = 0;
      for (PosixFilePermission perm : perms) {
        mode |= 1 << (8 - perm.ordinal());
      }
    } else {
      // What Go reports on Windows: read-only attribute → 0444/0555, else 0666/0777.
      boolean ro = dos != null && dos.isReadOnly();
      boolean dirOrLink = !DirEntry.FILE.equals(type);
      mode = (ro ? 0444 : 0666) | (dirOrLink ? 0111 : 0);
    }
    Instant mtime = a.lastModifiedTime().toInstant();
    return new SourceEntry(name, type, a.size(), mtime, mode, uid, gid);
  }

  // ---- pre-scan -------------------------------------------------------------------------

  private void startPreScan(List<Root> roots) {
    Thread t =
        new Thread(
            () -> {
              progress.scanStarted();
              try {
                for (Root r : roots) {
                  Files.walkFileTree(
                      r.path(),
                      new java.nio.file.SimpleFileVisitor<>() {
                        long pendingFiles;
                        long pendingBytes;

                        @Override
                        public java.nio.file.FileVisitResult visitFile(
                            Path file, BasicFileAttributes attrs) {
                          if (cancel.isCancelled()) {
                            return java.nio.file.FileVisitResult.TERMINATE;
                          }
                          if (attrs.isRegularFile()) {
                            pendingFiles++;
                            pendingBytes += attrs.size();
                            if (pendingFiles >= 1000) {
                              progress.scanFound(pendingFiles, pendingBytes);
                              pendingFiles = 0;
                              pendingBytes = 0;
                            }
                          }
                          return java.nio.file.FileVisitResult.CONTINUE;
                        }

                        @Override
                        public java.nio.file.FileVisitResult visitFileFailed(
                            Path file, IOException exc) {
                          return java.nio.file.FileVisitResult.CONTINUE;
                        }

                        @Override
                        public java.nio.file.FileVisitResult postVisitDirectory(
                            Path dir, IOException exc) {
                          if (dir.equals(r.path()) && pendingFiles > 0) {
                            progress.scanFound(pendingFiles, pendingBytes);
                            pendingFiles = 0;
                            pendingBytes = 0;
                          }
                          return java.nio.file.FileVisitResult.CONTINUE;
                        }
                      });
                }
              } catch (IOException | RuntimeException e) {
                LOG.debug("event=prescan_failed error={}", e.toString());
              } finally {
                progress.scanFinished();
              }
            },
            "kopia-prescan");
    t.setDaemon(true);
    t.start();
  }

  // ---- checkpoints and the final manifest -----------------------------------------------

  private void maybeCheckpoint() throws IOException {
    if (System.nanoTime() - nextCheckpoint >= 0) {
      saveCheckpoint(SnapshotManifest.CHECKPOINT);
      nextCheckpoint = System.nanoTime() + options.checkpointInterval().toNanos();
    }
  }

  /**
   * Saves the finished part of the tree as an incomplete snapshot: each directory on the stack with
   * its finished entries plus the partial directory below it.
   */
  private void saveCheckpoint(String reason) {
    if (stack.isEmpty()) {
      return;
    }
    try {
      DirEntry child = null;
      for (Frame f : stack) { // deepest first
        SummaryBuilder s = f.summary.copy();
        if (child != null) {
          s.add(child);
        }
        DirectorySummary summary = s.build(f.self.mtime(), reason);
        ObjectId oid = writeDirectory(f, child, summary);
        SourceEntry self = f.self;
        child =
            new DirEntry(
                self.name(),
                DirEntry.DIRECTORY,
                self.mode(),
                self.size(),
                self.mtime(),
                self.uid(),
                self.gid(),
                oid,
                summary);
      }
      objects.contents().flush();
      String id = snapshots.save(manifest(child, reason));
      objects.contents().flush();
      checkpointIds.add(id);
      LOG.info("event=checkpoint_saved manifest={} reason={} files={}", id, reason, files.get());
    } catch (IOException | RuntimeException e) {
      LOG.warn("event=checkpoint_failed reason={} error={}", reason, e.toString());
    }
  }

  private SnapshotManifest manifest(DirEntry root, String incomplete) {
    SnapshotStats stats =
        new SnapshotStats(
            totalSize.get(),
            0,
            files.get(),
            cachedFiles.get(),
            nonCachedFiles.get(),
            dirCount.get(),
            0,
            0,
            0,
            errorCount.get());
    return new SnapshotManifest(
        null,
        source,
        "",
        startTime,
        OffsetDateTime.now(clock),
        stats,
        incomplete,
        root,
        tags,
        List.of());
  }

  private UploadResult finish(DirEntry root) throws IOException {
    ContentStore store = objects.contents();
    store.flush();
    SnapshotManifest m = manifest(root, null);
    String id = snapshots.save(m);
    store.flush();
    verify(store, id, root);
    for (String cp : checkpointIds) {
      snapshots.delete(cp);
    }
    // Compaction deletes manifest contents; deleting one written in the same unflushed session
    // leaves the content store an empty pack index, so flush first.
    store.flush();
    snapshots.manifests().compactIfNeeded();
    store.flush();
    LOG.info(
        "event=snapshot_saved manifest={} files={} bytes={} cached={} hashed_bytes={}",
        id,
        files.get(),
        totalSize.get(),
        cachedFiles.get(),
        bytesHashed.get());
    return new UploadResult(id, m.withId(id), bytesHashed.get(), checkpointIds.size());
  }

  /** Reads the manifest back through a fresh store view: the SaveSnapshot lesson. */
  private void verify(ContentStore store, String id, DirEntry root) throws IOException {
    SnapshotManager fresh = new SnapshotManager(new ManifestStore(store, clock));
    SnapshotManifest back =
        fresh
            .load(id)
            .orElseThrow(
                () ->
                    new IOException(
                        "snapshot manifest " + id + " was saved but cannot be read back"));
    if (back.rootEntry() == null || !root.obj().equals(back.rootEntry().obj())) {
      throw new IOException("snapshot manifest " + id + " reads back with a different root");
    }
    try (DirectoryReader r = DirectoryReader.open(objects, root.obj())) {
      r.summary();
    }
  }

  /** Orders sources for a virtual root: by name, as Kopia sorts directories. */
  public static Comparator<Root> rootOrder() {
    return (a, b) -> DirEntry.compareNames(a.name(), b.name());
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
