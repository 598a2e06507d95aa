package ca.eazybackup.e3.agent.nas.vfs;

import ca.eazybackup.e3.agent.nas.NasEntry;
import ca.eazybackup.e3.agent.nas.NasEvents;
import ca.eazybackup.e3.agent.nas.NasException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volume's disk cache: files waiting for upload ("pending", never evicted, never lost) and, in
 * cache mode {@code full}, clean copies of what was read (sparse, evicted least recently used first
 * when over {@link CachePolicy#maxCleanBytes()}).
 *
 * <p><b>Durability.</b> A PUT is answered once a record of it is fsync'd in the {@link
 * PendingJournal}: for a body of up to {@link PendingJournal#INLINE_MAX} the record holds the bytes
 * themselves (one fsync, shared by concurrent PUTs), and the item's data file {@code
 * <hash>.<generation>.data}, from which reads and the upload are served, is written without one; a
 * larger body goes to its data file, which is fsync'd with its folder before the record is written.
 * At the next open the journal's live records are the pending items (inline ones get their data
 * file written again from the record), and each is uploaded again — rclone's "uploaded next time
 * rclone is run". Clean copies (cache mode full) keep their metadata in {@code <hash>.meta} files;
 * dirty {@code .meta} files that an earlier version of the agent left are moved into the journal at
 * open (docs/decisions.md, "Cloud NAS write cache: one fsync per PUT").
 *
 * <p><b>Conflicts</b> (rclone's rule, vfscache/item.go {@code _checkObject}): each pending item
 * remembers the fingerprint (size + ETag) of the S3 object its write replaced. If at upload time S3
 * holds something else, the local write still wins and is uploaded over it — the user's
 * acknowledged save is never dropped — and {@code NAS_UPLOAD_CONFLICT} says which version was
 * overwritten. A clean cached copy whose object changed in S3 is dropped and read again.
 *
 * <p>One process at a time: the folder is locked ({@code .lock}) while open.
 */
final class WriteCache {
  private static final Logger log = LoggerFactory.getLogger(WriteCache.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final int UPLOADERS = 4;

  /** What {@code <hash>.meta} holds. {@code base}: fingerprint replaced; null = do not check. */
  record Meta(
      String path,
      long size,
      long generation,
      boolean dirty,
      String base,
      long mtimeMillis,
      String remoteEtag,
      List<long[]> ranges) {}

  /** One cached path. Guarded by its own monitor. */
  static final class Item {
    final String path;
    final String hash;
    Meta meta;
    RangeSet present; // clean sparse items only; null = whole file present
    boolean uploading;
    long uploadingGeneration = -1;
    long uploadedGeneration = -1;
    boolean queued;
    long queuedAtNanos; // when the earliest queued upload task runs
    boolean urgent; // a flush waits for it: upload now, whatever the write-back delay
    long dueNanos;
    int failures;
    int readers;
    long lastAccessNanos;
    boolean gone;
    boolean inline; // pending, and its bytes are in the journal: the data file was not fsync'd

    Item(String path, String hash) {
      this.path = path;
      this.hash = hash;
    }
  }

  private final Path dir;
  private final Path items;
  private final Remote remote;
  private final CachePolicy policy;
  private final NasEvents events;
  private final Clock clock;
  private final String volume;
  private final Map<String, Item> byPath = new ConcurrentHashMap<>();
  private final ScheduledExecutorService uploaders;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final AtomicLong generations = new AtomicLong();
  private final PendingJournal journal;
  private final Object progress = new Object();
  private volatile boolean closed;

  /** Why the latest upload failed (null once one succeeds): the reason a flush names. */
  private volatile String lastFailure;

  private WriteCache(
      Path dir,
      Remote remote,
      CachePolicy policy,
      NasEvents events,
      Clock clock,
      String volume,
      FileChannel lockChannel,
      FileLock lock,
      PendingJournal journal) {
    this.dir = dir;
    this.journal = journal;
    this.items = dir.resolve("items");
    this.remote = remote;
    this.policy = policy;
    this.events = events;
    this.clock = clock;
    this.volume = volume;
    this.lockChannel = lockChannel;
    this.lock = lock;
    AtomicInteger n = new AtomicInteger();
    ThreadFactory tf =
        r -> {
          Thread t = new Thread(r, "nas-upload-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    this.uploaders = Executors.newScheduledThreadPool(UPLOADERS, tf);
  }

  /** Opens (creating) the cache folder, takes its lock, and queues what a killed process left. */
  static WriteCache open(
      Path dir, Remote remote, CachePolicy policy, NasEvents events, Clock clock, String volume)
      throws NasException {
    FileChannel ch = null;
    FileLock lock;
    try {
      Files.createDirectories(dir.resolve("items"));
      ch =
          FileChannel.open(
              dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      closeQuietly(ch);
      throw new NasException(
          "the Cloud NAS cache folder " + dir + " cannot be used: " + e.getMessage(), e);
    }
    if (lock == null) {
      closeQuietly(ch);
      throw new NasException(
          "the Cloud NAS cache folder "
              + dir
              + " is in use by another volume or process: give each volume its own folder");
    }
    PendingJournal journal;
    try {
      journal = PendingJournal.open(dir);
    } catch (IOException e) {
      try {
        lock.release();
      } catch (IOException ignored) {
        // closing anyway
      }
      closeQuietly(ch);
      throw new NasException(
          "the Cloud NAS cache folder " + dir + " cannot be read: " + e.getMessage(), e);
    }
    WriteCache c = new WriteCache(dir, remote, policy, events, clock, volume, ch, lock, journal);
    try {
      c.load();
    } catch (IOException e) {
      c.close(Duration.ZERO);
      throw new NasException(
          "the Cloud NAS cache folder " + dir + " cannot be read: " + e.getMessage(), e);
    }
    return c;
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // nothing to do
      }
    }
  }

  // ---------------------------------------------------------------- start-up

  private int resumedAtOpen;

  private void load() throws IOException {
    List<Item> legacy = new ArrayList<>();
    try (Stream<Path> files = Files.walk(items)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String n = f.getFileName().toString();
        if (n.endsWith(".meta.tmp")) {
          Files.deleteIfExists(f);
        } else if (n.endsWith(".meta")) {
          Meta m;
          try {
            m = JSON.readValue(f.toFile(), Meta.class);
          } catch (IOException e) {
            log.warn(
                "nas.cache_meta_unreadable volume={} file={} error={}", volume, f, e.toString());
            continue;
          }
          Item it = new Item(m.path(), n.substring(0, n.length() - ".meta".length()));
          it.meta = m;
          it.present = m.ranges() == null ? null : RangeSet.of(m.ranges());
          it.lastAccessNanos = System.nanoTime();
          if (!Files.exists(dataFile(it, m.generation()))) {
            log.warn("nas.cache_data_missing volume={} path=/{}", volume, m.path());
            Files.deleteIfExists(f);
            continue;
          }
          if (m.dirty()) {
            byPath.put(m.path(), it);
            legacy.add(it);
          } else if (policy.cachesReads()) {
            byPath.put(m.path(), it);
          } else {
            deleteItemFiles(it);
          }
        }
      }
    }
    generations.set(journal.maxGeneration());
    loadJournal(legacy);
    List<Item> resumed = new ArrayList<>();
    for (Item it : byPath.values()) {
      if (it.meta.dirty()) {
        resumed.add(it);
        generations.accumulateAndGet(it.meta.generation(), Math::max);
      }
    }
    // data files that no metadata names (a write that was never acknowledged)
    try (Stream<Path> files = Files.walk(items)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String n = f.getFileName().toString();
        if (n.endsWith(".data") && !isCurrentData(f)) {
          Files.deleteIfExists(f);
        }
      }
    }
    resumedAtOpen = resumed.size();
    if (!resumed.isEmpty()) {
      long bytes = resumed.stream().mapToLong(i -> i.meta.size()).sum();
      log.info(
          "event=nas_uploads_resumed volume={} files={} bytes={}", volume, resumed.size(), bytes);
      events.event(
          "NAS_UPLOADS_RESUMED",
          resumed.size() + " file(s) saved before the agent stopped are being uploaded now",
          Map.of("volume", volume, "files", resumed.size(), "bytes", bytes));
      for (Item it : resumed) {
        schedule(it, 0);
      }
    }
  }

  /**
   * Lays the journal's pending writes over what the {@code .meta} files said: a journal record wins
   * unless a clean copy of the same or a later generation exists (it was uploaded; the {@code done}
   * record was lost). Then moves the dirty {@code .meta} files of an earlier agent version into the
   * journal.
   */
  private void loadJournal(List<Item> legacy) throws IOException {
    for (PendingJournal.Entry e : journal.live().values()) {
      Meta m = e.meta();
      Item it = byPath.get(m.path());
      if (it != null && it.meta.generation() >= m.generation()) {
        if (!it.meta.dirty()) {
          journal.done(m.path(), m.generation());
        }
        continue;
      }
      Item fresh = new Item(m.path(), hash(m.path()));
      fresh.meta = m;
      fresh.lastAccessNanos = System.nanoTime();
      Path data = dataFile(fresh, m.generation());
      if (e.inline()) {
        // the data file was never fsync'd: write it again from the record
        Files.createDirectories(data.getParent());
        Files.write(data, journal.inlineData(e));
        fresh.inline = true;
      } else if (!Files.exists(data)) {
        log.warn("nas.cache_data_missing volume={} path=/{}", volume, m.path());
        journal.drop(m.path());
        continue;
      }
      if (it != null) {
        legacy.remove(it);
      }
      byPath.put(m.path(), fresh);
    }
    if (legacy.isEmpty()) {
      return;
    }
    long ticket = 0;
    for (Item it : legacy) {
      ticket = journal.put(it.meta, null); // its data file was fsync'd by the earlier scheme
    }
    journal.sync(ticket);
    for (Item it : legacy) {
      deleteQuietly(metaFile(it));
    }
  }

  private boolean isCurrentData(Path f) {
    String n = f.getFileName().toString();
    String hash = n.substring(0, n.indexOf('.'));
    for (Item it : byPath.values()) {
      if (it.hash.equals(hash)) {
        synchronized (it) {
          if (dataFile(it, it.meta.generation()).equals(f)
              || (it.uploading && dataFile(it, it.uploadingGeneration).equals(f))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- writes

  /**
   * Stores a client's PUT durably and queues its upload. {@code replaced} is what the volume listed
   * at this path (null: nothing), the version the upload may overwrite without conflict.
   */
  NasEntry writePending(String path, InputStream data, long length, NasEntry replaced)
      throws IOException {
    Item it = item(path);
    long gen = nextGeneration(it);
    Path file = dataFile(it, gen);
    if (length >= 0 && length <= PendingJournal.INLINE_MAX) {
      byte[] bytes = data.readNBytes((int) length);
      if (bytes.length != length) {
        throw new IOException(
            "the client sent " + bytes.length + " of " + length + " bytes for /" + path);
      }
      // no fsync: the journal record carries these bytes, and a restart writes the file again
      Files.createDirectories(file.getParent());
      Files.write(file, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      return commitPending(it, gen, length, baseOf(it, replaced), clock.instant(), bytes);
    }
    long size = writeDurably(file, data, length, path);
    return commitPending(it, gen, size, baseOf(it, replaced), clock.instant(), null);
  }

  /**
   * A partial PUT: the file's current bytes (from the cache, else S3) with {@code data} written at
   * {@code offset}. Pending and uploaded in the background when {@code writeBack}; else uploaded
   * before this returns (cache mode minimal).
   */
  NasEntry patch(
      String path, NasEntry existing, long offset, InputStream data, long length, boolean writeBack)
      throws IOException {
    Item it = item(path);
    long gen = nextGeneration(it);
    Path target = dataFile(it, gen);
    Files.createDirectories(target.getParent()); // minimal mode: nothing of this item on disk yet
    try (FileChannel out =
        FileChannel.open(
            target,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            StandardOpenOption.READ)) {
      try (InputStream current = read(path, 0, -1, false)) {
        InputStream src = current != null ? current : remote.get(path, 0, -1);
        try (src) {
          copy(src, out, -1, path);
        }
      }
      out.position(offset);
      long n = copy(data, out, length, path);
      if (length >= 0 && n != length) {
        throw new IOException("the client sent " + n + " of " + length + " bytes for /" + path);
      }
      out.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(target);
      throw e;
    }
    long size = Files.size(target);
    if (writeBack) {
      fsyncFolder(target.getParent());
      return commitPending(it, gen, size, baseOf(it, existing), clock.instant(), null);
    }
    try {
      RemoteFile f = remote.putFile(path, target, size, clock.instant());
      return NasEntry.file(nameOf(path), f.size(), f.lastModified(), f.etag());
    } finally {
      Files.deleteIfExists(target);
    }
  }

  private String baseOf(Item it, NasEntry replaced) {
    synchronized (it) {
      if (it.meta != null && it.meta.dirty()) {
        return it.meta.base(); // still the version the first pending write replaced
      }
    }
    return replaced == null ? "absent" : fingerprint(replaced);
  }

  static String fingerprint(NasEntry e) {
    return e.size() + "," + e.etag();
  }

  private long nextGeneration(Item it) {
    synchronized (it) {
      long base = it.meta == null ? 0 : it.meta.generation();
      return Math.max(base, it.uploadingGeneration) + 1 + generations.incrementAndGet();
    }
  }

  /** Writes and fsyncs a data file and its folder (and the folder's own name when it is new). */
  private long writeDurably(Path file, InputStream data, long length, String path)
      throws IOException {
    if (!Files.isDirectory(file.getParent())) {
      Files.createDirectories(file.getParent());
      fsyncFolder(items);
    }
    long n;
    try (FileChannel out =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      n = copy(data, out, length, path);
      if (length >= 0 && n != length) {
        throw new IOException("the client sent " + n + " of " + length + " bytes for /" + path);
      }
      out.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
    fsyncFolder(file.getParent());
    return n;
  }

  private static long copy(InputStream in, FileChannel out, long length, String path)
      throws IOException {
    byte[] buf = new byte[256 * 1024];
    long total = 0;
    while (length < 0 || total < length) {
      int want = length < 0 ? buf.length : (int) Math.min(buf.length, length - total);
      int n = in.read(buf, 0, want);
      if (n < 0) {
        break;
      }
      ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
      while (bb.hasRemaining()) {
        out.write(bb);
      }
      total += n;
    }
    return total;
  }

  /**
   * Makes a written version the item's pending one, durably: its journal record is fsync'd before
   * this returns. {@code inline}: the bytes, when the record carries them.
   */
  private NasEntry commitPending(
      Item it, long gen, long size, String base, Instant mtime, byte[] inline) throws IOException {
    long old;
    boolean keepOld;
    synchronized (it) {
      if (it.meta != null && it.meta.generation() > gen) {
        // a later PUT of the same path committed first: this one lost the race
        Files.deleteIfExists(dataFile(it, gen));
        return entryOf(it.meta);
      }
      old = it.meta == null ? -1 : it.meta.generation();
      keepOld = it.uploading && it.uploadingGeneration == old;
      Meta m = new Meta(it.path, size, gen, true, base, mtime.toEpochMilli(), null, null);
      journal.sync(journal.put(m, inline));
      it.meta = m;
      it.inline = inline != null;
      it.present = null;
      it.gone = false;
      it.lastAccessNanos = System.nanoTime();
    }
    if (old >= 0 && old != gen && !keepOld) {
      deleteQuietly(dataFile(it, old));
    }
    schedule(it, policy.writeBack().toNanos());
    return entryOf(it.meta);
  }

  private void writeMeta(Item it, Meta m) throws IOException {
    Path meta = metaFile(it);
    Path tmp = meta.resolveSibling(meta.getFileName() + ".tmp");
    Files.createDirectories(meta.getParent());
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(JSON.writeValueAsBytes(m)));
      ch.force(true);
    }
    try {
      Files.move(tmp, meta, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, meta, StandardCopyOption.REPLACE_EXISTING);
    }
    fsyncFolder(meta.getParent());
  }

  static void fsyncFolder(Path folder) {
    // Linux needs the directory fsync'd for a rename to be durable; Windows cannot open a folder
    // as a channel, and NTFS journals the rename itself.
    try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException ignored) {
      // not supported on this platform
    }
  }

  /** Sets the mtime a pending file's upload will carry; a no-op for anything else. */
  void setPendingMtime(String path, Instant mtime) throws IOException {
    Item it = byPath.get(path);
    if (it == null) {
      return;
    }
    synchronized (it) {
      if (it.meta == null || !it.meta.dirty()) {
        return;
      }
      Meta m = it.meta;
      Meta updated =
          new Meta(
              m.path(),
              m.size(),
              m.generation(),
              true,
              m.base(),
              mtime.toEpochMilli(),
              m.remoteEtag(),
              m.ranges());
      journal.sync(journal.amend(m.path(), m.generation(), mtime.toEpochMilli(), m.base()));
      it.meta = updated;
    }
  }

  // ---------------------------------------------------------------- reads

  /**
   * Serves a read from the cache when it can: always for a pending file, and in cache mode full for
   * clean data (filling missing ranges from S3 when {@code fill}). Returns null when the read
   * should go to S3 directly.
   */
  InputStream read(String path, long offset, long length, boolean fill) throws IOException {
    Item it = byPath.get(path);
    if (it == null && !fill) {
      return null;
    }
    if (it == null) {
      it = item(path);
    }
    long size;
    long gen;
    synchronized (it) {
      if (it.meta != null && it.meta.dirty()) {
        gen = it.meta.generation();
        size = it.meta.size();
        it.readers++;
        it.lastAccessNanos = System.nanoTime();
        return fileStream(it, dataFile(it, gen), offset, length, size);
      }
      if (!fill) {
        return null;
      }
    }
    return fillingStream(it, offset, length);
  }

  private InputStream fileStream(Item it, Path file, long offset, long length, long size)
      throws IOException {
    FileChannel ch;
    try {
      ch = FileChannel.open(file, StandardOpenOption.READ);
    } catch (IOException e) {
      release(it);
      throw e;
    }
    long end = length < 0 ? size : Math.min(size, offset + length);
    ch.position(Math.min(offset, size));
    InputStream raw = Channels.newInputStream(ch);
    return new InputStream() {
      long pos = Math.min(offset, size);
      boolean closed;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (pos >= end) {
          return -1;
        }
        int n = raw.read(b, off, (int) Math.min(len, end - pos));
        if (n > 0) {
          pos += n;
        }
        return n;
      }

      @Override
      public void close() throws IOException {
        if (!closed) {
          closed = true;
          ch.close();
          release(it);
        }
      }
    };
  }

  private void release(Item it) {
    synchronized (it) {
      it.readers--;
    }
  }

  /**
   * Cache mode full: serves {@code [offset, offset+length)} of a clean object from the sparse cache
   * file, fetching missing runs from S3 and writing them into the file as they stream by.
   */
  private InputStream fillingStream(Item it, long offset, long length) throws IOException {
    RemoteFile head = null;
    long gen;
    long size;
    synchronized (it) {
      if (it.meta == null) {
        head = remote.head(it.path);
        if (head == null) {
          byPath.remove(it.path, it);
          throw new NoSuchFileException("/" + it.path);
        }
        long g = nextGeneration(it);
        Meta m =
            new Meta(
                it.path,
                head.size(),
                g,
                false,
                null,
                head.lastModified() == null ? 0 : head.lastModified().toEpochMilli(),
                head.etag(),
                List.of());
        Files.createDirectories(dataFile(it, g).getParent());
        try (FileChannel ch =
            FileChannel.open(
                dataFile(it, g), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
          if (head.size() > 0) {
            ch.write(ByteBuffer.allocate(1), head.size() - 1); // sparse: full length, no blocks
            ch.truncate(head.size());
          }
        }
        writeMeta(it, m);
        it.meta = m;
        it.present = new RangeSet();
      }
      gen = it.meta.generation();
      size = it.meta.size();
      it.readers++;
      it.lastAccessNanos = System.nanoTime();
    }
    Path file = dataFile(it, gen);
    long end = length < 0 ? size : Math.min(size, offset + length);
    FileChannel ch;
    try {
      ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      release(it);
      throw e;
    }
    return new FillingStream(it, ch, Math.min(offset, end), end);
  }

  /** Reads present runs from the file and missing runs from S3, writing them into the file. */
  private final class FillingStream extends InputStream {
    private final Item it;
    private final FileChannel ch;
    private final long end;
    private long pos;
    private InputStream remoteRun;
    private long remoteRunEnd;
    private long runStart;
    private boolean closed;

    FillingStream(Item it, FileChannel ch, long start, long end) {
      this.it = it;
      this.ch = ch;
      this.pos = start;
      this.end = end;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (pos >= end) {
        return -1;
      }
      if (remoteRun == null) {
        long presentEnd;
        long missingEnd;
        synchronized (it) {
          RangeSet r = it.present == null ? null : it.present;
          presentEnd = r == null ? end : Math.min(end, r.presentUntil(pos));
          missingEnd = r == null ? pos : r.missingUntil(pos, end);
        }
        if (presentEnd > pos) {
          int n = ch.read(ByteBuffer.wrap(b, off, (int) Math.min(len, presentEnd - pos)), pos);
          if (n > 0) {
            pos += n;
          }
          return n;
        }
        remoteRun = remote.get(it.path, pos, missingEnd - pos);
        remoteRunEnd = missingEnd;
        runStart = pos;
      }
      int n = remoteRun.read(b, off, (int) Math.min(len, remoteRunEnd - pos));
      if (n < 0) {
        throw new IOException("S3 ended /" + it.path + " early at byte " + pos);
      }
      ByteBuffer bb = ByteBuffer.wrap(b, off, n);
      long at = pos;
      while (bb.hasRemaining()) {
        at += ch.write(bb, at);
      }
      pos += n;
      if (pos >= remoteRunEnd) {
        endRun();
      }
      return n;
    }

    private void endRun() throws IOException {
      if (remoteRun != null) {
        remoteRun.close();
        remoteRun = null;
        synchronized (it) {
          if (it.present != null) {
            it.present.add(runStart, pos);
          }
        }
      }
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try {
        endRun();
      } finally {
        ch.close();
        synchronized (it) {
          it.readers--;
          if (it.meta != null && !it.meta.dirty() && it.present != null) {
            Meta m = it.meta;
            Meta updated =
                new Meta(
                    m.path(),
                    m.size(),
                    m.generation(),
                    false,
                    m.base(),
                    m.mtimeMillis(),
                    m.remoteEtag(),
                    it.present.toList());
            try {
              writeMeta(it, updated);
              it.meta = updated;
            } catch (IOException e) {
              log.warn("nas.cache_meta_write_failed volume={} error={}", volume, e.toString());
            }
          }
        }
        evictIfOver();
      }
    }
  }

  /**
   * Drops a clean cached copy whose object changed in S3 (rclone's rule for clean items). Pending
   * items are kept: the local write wins at upload.
   */
  void validate(String path, NasEntry remoteEntry) {
    Item it = byPath.get(path);
    if (it == null || remoteEntry == null || remoteEntry.etag() == null) {
      return;
    }
    synchronized (it) {
      if (it.meta == null || it.meta.dirty() || it.uploading || it.readers > 0) {
        return;
      }
      if (it.meta.remoteEtag() != null
          && (!it.meta.remoteEtag().equals(remoteEntry.etag())
              || it.meta.size() != remoteEntry.size())) {
        log.debug("nas.cache_stale volume={} path=/{}", volume, path);
        dropLocked(it);
      }
    }
  }

  private void evictIfOver() {
    long max = policy.maxCleanBytes();
    if (max <= 0) {
      return;
    }
    long clean = cleanBytes();
    if (clean <= max) {
      return;
    }
    List<Item> candidates = new ArrayList<>();
    for (Item it : byPath.values()) {
      synchronized (it) {
        if (it.meta != null && !it.meta.dirty() && !it.uploading && it.readers == 0) {
          candidates.add(it);
        }
      }
    }
    candidates.sort(Comparator.comparingLong(i -> i.lastAccessNanos));
    for (Item it : candidates) {
      if (clean <= max) {
        break;
      }
      synchronized (it) {
        if (it.meta != null && !it.meta.dirty() && !it.uploading && it.readers == 0) {
          clean -= presentBytes(it);
          dropLocked(it);
        }
      }
    }
    if (clean > max) {
      events.event(
          "NAS_CACHE_FULL",
          "the cache holds more than its limit: the rest is in use or waiting for upload",
          Map.of("volume", volume, "cleanBytes", clean, "limitBytes", max));
    }
  }

  private void dropLocked(Item it) {
    it.gone = true;
    byPath.remove(it.path, it);
    deleteItemFiles(it);
  }

  private long cleanBytes() {
    long n = 0;
    for (Item it : byPath.values()) {
      synchronized (it) {
        if (it.meta != null && !it.meta.dirty()) {
          n += presentBytes(it);
        }
      }
    }
    return n;
  }

  private static long presentBytes(Item it) {
    return it.present == null ? it.meta.size() : it.present.bytes();
  }

  // ---------------------------------------------------------------- uploads

  private void schedule(Item it, long delayNanos) {
    synchronized (it) {
      long due = System.nanoTime() + delayNanos;
      it.dueNanos = due;
      // a task already queued to run by then will do; a flush needs one sooner than the
      // write-back delay's (an extra task finds nothing to do and ends)
      if ((it.queued && it.queuedAtNanos - due <= 0) || closed) {
        return;
      }
      it.queued = true;
      it.queuedAtNanos = due;
    }
    uploaders.schedule(() -> upload(it), delayNanos, TimeUnit.NANOSECONDS);
  }

  private void upload(Item it) {
    long gen;
    long size;
    String base;
    Instant mtime;
    synchronized (it) {
      long wait = it.dueNanos - System.nanoTime();
      if (wait > 0 && !closed && !it.urgent) {
        // written again since this task was queued: wait for the new write-back time
        it.queuedAtNanos = it.dueNanos;
        uploaders.schedule(() -> upload(it), wait, TimeUnit.NANOSECONDS);
        return;
      }
      it.queued = false;
      if (it.gone || it.meta == null || !it.meta.dirty() || it.uploading) {
        return; // an upload in flight schedules the next version when it ends
      }
      it.urgent = false;
      gen = it.meta.generation();
      size = it.meta.size();
      base = it.meta.base();
      mtime = Instant.ofEpochMilli(it.meta.mtimeMillis());
      it.uploading = true;
      it.uploadingGeneration = gen;
    }
    RemoteFile uploaded = null;
    try {
      if (base != null) {
        RemoteFile now = remote.head(it.path);
        String current = now == null ? "absent" : now.fingerprint();
        if (!current.equals(base)) {
          log.warn(
              "event=nas_upload_conflict volume={} path=/{} replaced={} found={}",
              volume,
              it.path,
              base,
              current);
          events.event(
              "NAS_UPLOAD_CONFLICT",
              "/"
                  + it.path
                  + " changed in S3 after it was saved here; the version saved here was uploaded"
                  + " over it (rclone's rule: the local write wins)",
              Map.of("volume", volume, "path", "/" + it.path, "replaced", base, "found", current));
        }
      }
      uploaded = remote.putFile(it.path, dataFile(it, gen), size, mtime);
      log.debug("nas.uploaded volume={} path=/{} bytes={}", volume, it.path, size);
    } catch (IOException | RuntimeException e) {
      int tries;
      synchronized (it) {
        tries = ++it.failures;
      }
      lastFailure = e.getMessage() == null ? e.toString() : e.getMessage();
      long delay =
          Math.min(
              policy.maxRetryDelay().toMillis(), 1000L << Math.min(16, Math.max(0, tries - 1)));
      log.warn(
          "event=nas_upload_retry volume={} path=/{} try={} retry_in_ms={} error={}",
          volume,
          it.path,
          tries,
          delay,
          e.toString());
      events.event(
          "NAS_UPLOAD_RETRY",
          "upload of /"
              + it.path
              + " failed ("
              + e.getMessage()
              + "); it stays cached and is"
              + " tried again",
          Map.of("volume", volume, "path", "/" + it.path, "try", tries, "retryInMs", delay));
      synchronized (it) {
        it.uploading = false;
      }
      if (!closed) {
        schedule(it, TimeUnit.MILLISECONDS.toNanos(delay));
      }
      signal();
      return;
    }
    finishUpload(it, gen, uploaded);
  }

  private void finishUpload(Item it, long gen, RemoteFile uploaded) {
    lastFailure = null;
    boolean deleteFile = false;
    boolean again = false;
    synchronized (it) {
      if (!it.gone && it.meta.generation() == gen) {
        // The listing gets S3's ETag before the file stops counting as pending: a flush polls the
        // pending state, and a save made right after it returned took the listing's "pending-N"
        // ETag as the version it replaced, so its upload reported a conflict with our own upload
        // (UploadedListingTest). Only when this is still the file's latest version: a save made
        // during the upload is listed with its own size, and the older version's size over it made
        // PROPFIND and GET give the new file the old length (WriteBackSaveDuringUploadTest). Under
        // the item's monitor, so such a save cannot slip in between the check and the listing.
        onUploaded.accept(it.path, uploaded);
      }
      it.uploading = false;
      it.failures = 0;
      it.uploadedGeneration = Math.max(it.uploadedGeneration, gen);
      try {
        if (it.gone) {
          deleteFile = true;
        } else if (it.meta.generation() == gen) {
          if (policy.cachesReads()) {
            Meta m = it.meta;
            Meta clean =
                new Meta(
                    m.path(), m.size(), gen, false, null, m.mtimeMillis(), uploaded.etag(), null);
            if (it.inline) {
              // a clean copy outlives the journal record that backed these bytes
              try (FileChannel ch = FileChannel.open(dataFile(it, gen), StandardOpenOption.WRITE)) {
                ch.force(true);
              }
              fsyncFolder(dataFile(it, gen).getParent());
            }
            writeMeta(it, clean);
            journal.done(it.path, gen);
            it.meta = clean;
            it.inline = false;
            it.present = null;
          } else {
            journal.done(it.path, gen);
            dropLocked(it);
          }
        } else {
          // written again meanwhile: that version replaces what we just uploaded, no conflict
          Meta m = it.meta;
          Meta rebased =
              new Meta(
                  m.path(),
                  m.size(),
                  m.generation(),
                  true,
                  uploaded.size() + "," + uploaded.etag(),
                  m.mtimeMillis(),
                  m.remoteEtag(),
                  m.ranges());
          // no fsync: lost, the next upload only reports a conflict with our own upload
          journal.amend(m.path(), m.generation(), m.mtimeMillis(), rebased.base());
          it.meta = rebased;
          deleteFile = true;
          again = true;
        }
      } catch (IOException e) {
        log.warn("nas.cache_meta_write_failed volume={} error={}", volume, e.toString());
      }
    }
    if (deleteFile) {
      deleteQuietly(dataFile(it, gen));
    }
    if (again) {
      // the version written during this upload: its own task may have run and found us busy
      long due;
      synchronized (it) {
        due = it.urgent ? 0 : Math.max(0, it.dueNanos - System.nanoTime());
        it.queued = false;
      }
      schedule(it, due);
    }
    signal();
    evictIfOver();
  }

  /** Told when an upload finished, so listings can show S3's ETag. */
  private java.util.function.BiConsumer<String, RemoteFile> onUploaded = (p, f) -> {};

  void onUploaded(java.util.function.BiConsumer<String, RemoteFile> listener) {
    this.onUploaded = listener;
  }

  private void signal() {
    synchronized (progress) {
      progress.notifyAll();
    }
  }

  // ---------------------------------------------------------------- flush

  /** Waits until every file pending now is in S3. */
  void flushAll(Duration timeout) throws NasException {
    flushWhere(p -> true, timeout);
  }

  /** Waits until every file pending now under {@code folder} is in S3. */
  void flushTree(String folder, Duration timeout) throws IOException {
    String below = folder.isEmpty() ? "" : folder + "/";
    try {
      flushWhere(p -> folder.isEmpty() || p.startsWith(below), timeout);
    } catch (NasException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private void flushWhere(java.util.function.Predicate<String> which, Duration timeout)
      throws NasException {
    Map<Item, Long> waitFor = new java.util.HashMap<>();
    for (Item it : byPath.values()) {
      if (!which.test(it.path)) {
        continue;
      }
      synchronized (it) {
        if (it.meta == null || !it.meta.dirty() || it.gone) {
          continue;
        }
        waitFor.put(it, it.meta.generation());
        it.urgent = true;
      }
      schedule(it, 0);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (progress) {
      while (true) {
        int left = 0;
        for (Map.Entry<Item, Long> e : waitFor.entrySet()) {
          Item it = e.getKey();
          synchronized (it) {
            if (!it.gone && it.uploadedGeneration < e.getValue()) {
              left++;
            }
          }
        }
        if (left == 0) {
          return;
        }
        long rest = deadline - System.nanoTime();
        if (rest <= 0) {
          throw new NasException(
              left
                  + " file(s) of "
                  + volume
                  + " are still waiting for upload after "
                  + timeout.toSeconds()
                  + " s; they stay in the cache and are uploaded when S3 can be reached"
                  + (lastFailure == null ? "" : " (last upload error: " + lastFailure + ")"));
        }
        try {
          progress.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(rest), 200)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new NasException("interrupted while waiting for uploads of " + volume, e);
        }
      }
    }
  }

  // ---------------------------------------------------------------- renames, deletes

  boolean isPending(String path) {
    Item it = byPath.get(path);
    if (it == null) {
      return false;
    }
    synchronized (it) {
      return it.meta != null && it.meta.dirty() && !it.gone;
    }
  }

  /** Pending files directly in {@code folder}, as entries for its listing. */
  List<NasEntry> pendingIn(String folder) {
    List<NasEntry> out = new ArrayList<>();
    for (Item it : byPath.values()) {
      if (SParent.of(it.path).equals(folder)) {
        synchronized (it) {
          if (it.meta != null && it.meta.dirty() && !it.gone) {
            out.add(entryOf(it.meta));
          }
        }
      }
    }
    return out;
  }

  boolean hasPendingBelow(String folder) {
    String below = folder + "/";
    for (Item it : byPath.values()) {
      if (it.path.startsWith(below) && isPending(it.path)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Moves a pending file's cache item to {@code to} (its upload goes there). Waits for an upload of
   * it in flight to end first, so the caller can then delete the old key for good.
   */
  NasEntry rename(String from, String to) throws IOException {
    Item src = byPath.get(from);
    if (src == null) {
      throw new NoSuchFileException("/" + from);
    }
    awaitNotUploading(src);
    Item dst = item(to);
    synchronized (src) {
      synchronized (dst) {
        if (src.meta == null) {
          throw new NoSuchFileException("/" + from);
        }
        long gen = nextGeneration(dst);
        Path fromData = dataFile(src, src.meta.generation());
        Path toData = dataFile(dst, gen);
        byte[] inline =
            src.meta.size() <= PendingJournal.INLINE_MAX ? Files.readAllBytes(fromData) : null;
        if (!Files.isDirectory(toData.getParent())) {
          Files.createDirectories(toData.getParent());
          fsyncFolder(items);
        }
        Files.move(fromData, toData);
        if (inline == null) {
          fsyncFolder(toData.getParent()); // the fsync'd bytes under their new name
        }
        Meta m = src.meta;
        Meta moved = new Meta(to, m.size(), gen, true, null, m.mtimeMillis(), null, null);
        if (dst.meta != null) {
          deleteQuietly(dataFile(dst, dst.meta.generation()));
        }
        journal.put(moved, inline);
        journal.sync(journal.drop(from));
        dst.meta = moved;
        dst.inline = inline != null;
        dst.present = null;
        dst.gone = false;
        src.gone = true;
        byPath.remove(from, src);
        deleteQuietly(metaFile(src));
      }
    }
    schedule(dst, policy.writeBack().toNanos());
    return entryOf(dst.meta);
  }

  /** Copies a pending file's bytes to a new pending item at {@code to}. */
  NasEntry copyPending(String from, String to) throws IOException {
    Item src = byPath.get(from);
    Path data;
    long size;
    synchronized (src) {
      data = dataFile(src, src.meta.generation());
      size = src.meta.size();
      src.readers++;
    }
    try (InputStream in = Files.newInputStream(data)) {
      return writePending(to, in, size, null);
    } finally {
      release(src);
    }
  }

  /** Drops the item at {@code path} (deleted by the client); waits for its upload in flight. */
  void forget(String path) throws IOException {
    long ticket = forgetUnsynced(path);
    if (ticket > 0) {
      journal.sync(ticket);
    }
  }

  /**
   * Drops an item; returns the journal ticket to sync on before the delete is answered (else a
   * restart would upload the deleted file again), or 0 when nothing was pending.
   */
  private long forgetUnsynced(String path) throws IOException {
    Item it = byPath.get(path);
    if (it == null) {
      return 0;
    }
    awaitNotUploading(it);
    synchronized (it) {
      long ticket = it.meta != null && it.meta.dirty() && !it.gone ? journal.drop(path) : 0;
      dropLocked(it);
      return ticket;
    }
  }

  /** Drops every item under {@code folder}, with one journal fsync for them all. */
  void forgetTree(String folder) throws IOException {
    String below = folder + "/";
    long ticket = 0;
    for (Item it : List.copyOf(byPath.values())) {
      if (it.path.startsWith(below)) {
        ticket = Math.max(ticket, forgetUnsynced(it.path));
      }
    }
    if (ticket > 0) {
      journal.sync(ticket);
    }
  }

  private void awaitNotUploading(Item it) throws IOException {
    synchronized (progress) {
      while (true) {
        synchronized (it) {
          if (!it.uploading) {
            return;
          }
        }
        try {
          progress.wait(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted waiting for an upload");
        }
      }
    }
  }

  // ---------------------------------------------------------------- figures, close

  /** The pending writes found at open, counted before their uploads were scheduled. */
  int resumedAtOpen() {
    return resumedAtOpen;
  }

  int pendingCount() {
    int n = 0;
    for (Item it : byPath.values()) {
      if (isPending(it.path)) {
        n++;
      }
    }
    return n;
  }

  long bytesUsed() {
    long n = 0;
    for (Item it : byPath.values()) {
      synchronized (it) {
        if (it.meta != null && !it.gone) {
          n += presentBytes(it);
        }
      }
    }
    return n;
  }

  /** Waits up to {@code timeout} for pending uploads, then stops; the rest resumes next open. */
  void close(Duration timeout) {
    if (closed) {
      return;
    }
    try {
      if (!timeout.isZero()) {
        flushAll(timeout);
      }
    } catch (NasException e) {
      log.warn("event=nas_close_pending volume={} detail={}", volume, e.getMessage());
    }
    closed = true;
    uploaders.shutdownNow();
    try {
      uploaders.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      journal.close();
    } catch (IOException e) {
      log.debug("nas.journal_close_failed volume={} error={}", volume, e.toString());
    }
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException ignored) {
      // the process is ending or the folder is gone
    }
  }

  // ---------------------------------------------------------------- files

  private Item item(String path) {
    return byPath.computeIfAbsent(path, p -> new Item(p, hash(p)));
  }

  private Path metaFile(Item it) {
    return items.resolve(it.hash.substring(0, 2)).resolve(it.hash + ".meta");
  }

  private Path dataFile(Item it, long gen) {
    return items.resolve(it.hash.substring(0, 2)).resolve(it.hash + "." + gen + ".data");
  }

  private void deleteItemFiles(Item it) {
    deleteQuietly(metaFile(it));
    try (Stream<Path> s = Files.list(metaFile(it).getParent())) {
      s.filter(f -> f.getFileName().toString().startsWith(it.hash + "."))
          .filter(f -> f.getFileName().toString().endsWith(".data"))
          .forEach(WriteCache::deleteQuietly);
    } catch (IOException ignored) {
      // folder gone
    }
  }

  private static void deleteQuietly(Path f) {
    try {
      Files.deleteIfExists(f);
    } catch (IOException e) {
      log.debug("nas.cache_delete_failed file={} error={}", f, e.toString());
    }
  }

  private NasEntry entryOf(Meta m) {
    Instant t = Instant.ofEpochMilli(m.mtimeMillis());
    return NasEntry.file(nameOf(m.path()), m.size(), t, "pending-" + m.generation());
  }

  private static String nameOf(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  static String hash(String path) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parent of a volume path. */
  private static final class SParent {
    static String of(String path) {
      int slash = path.lastIndexOf('/');
      return slash < 0 ? "" : path.substring(0, slash);
    }
  }
}
