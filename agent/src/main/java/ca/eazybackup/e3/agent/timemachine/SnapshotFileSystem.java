package ca.eazybackup.e3.agent.timemachine;

import ca.eazybackup.e3.agent.backup.object.ObjectManager;
import ca.eazybackup.e3.agent.backup.object.ObjectReader;
import ca.eazybackup.e3.agent.backup.snapshot.DirEntry;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManifest;
import ca.eazybackup.e3.agent.nas.NasEntry;
import ca.eazybackup.e3.agent.nas.NasFileSystem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One backup snapshot as a read-only {@link NasFileSystem} (Time Machine), as Kopia's {@code
 * snapshotfs} serves {@code kopia mount}: folders are the snapshot's directory objects, files are
 * streamed from their objects a chunk at a time (a ranged read of a large file fetches only the
 * chunks it covers), and every write is refused by the interface's read-only defaults, which the
 * WebDAV layer answers with 403.
 *
 * <p>Directory objects are read through the repository's content layer, whose metadata cache keeps
 * them on disk, plus a small in-memory cache of parsed folders ({@link DirectoryCache}): a folder
 * listed twice costs no second fetch. Symlinks have no WebDAV form and are left out.
 */
public final class SnapshotFileSystem implements NasFileSystem {
  private final ObjectManager objects;
  private final DirEntry root;
  private final Instant rootTime;
  private final AutoCloseable owner;
  private final DirectoryCache directories;

  /**
   * Chunks fetched ahead of a stream: enough to keep both cores of a small PC busy fetching,
   * decrypting and hash-checking the next chunks while one is sent (a chunk is 2-8 MiB, so a stream
   * holds at most ~24 MiB).
   */
  static final int CHUNKS_AHEAD = 2;

  private final ExecutorService chunkPool =
      Executors.newFixedThreadPool(
          4,
          r -> {
            Thread t = new Thread(r, "snapshot-chunk-read-ahead");
            t.setDaemon(true);
            return t;
          });

  private SnapshotFileSystem(
      ObjectManager objects, DirEntry root, Instant rootTime, AutoCloseable owner) {
    this.objects = objects;
    this.root = root;
    this.rootTime = rootTime;
    this.owner = owner;
    this.directories = new DirectoryCache(objects, DirectoryCache.DEFAULT_MAX_ENTRIES);
  }

  /**
   * The tree of {@code snapshot}, read through {@code objects}.
   *
   * @param owner closed with this file system (the repository), or null
   * @throws IllegalArgumentException when the snapshot has no root folder
   */
  public static SnapshotFileSystem of(
      ObjectManager objects, SnapshotManifest snapshot, AutoCloseable owner) {
    DirEntry root = snapshot.rootEntry();
    if (root == null || !root.isDirectory()) {
      throw new IllegalArgumentException(
          "snapshot " + snapshot.id() + " has no root folder to serve");
    }
    Instant time = root.mtime() != null ? root.mtime() : snapshot.startTime().toInstant();
    return new SnapshotFileSystem(objects, root, time, owner);
  }

  @Override
  public NasEntry stat(String path) throws IOException {
    if (path.isEmpty()) {
      return NasEntry.folder("", rootTime);
    }
    DirEntry e = find(path);
    return e == null ? null : toNas(e);
  }

  @Override
  public List<NasEntry> list(String path) throws IOException {
    DirEntry dir = path.isEmpty() ? root : find(path);
    if (dir == null) {
      throw new NoSuchFileException("/" + path);
    }
    if (!dir.isDirectory()) {
      throw new NotDirectoryException("/" + path);
    }
    List<NasEntry> out = new ArrayList<>();
    for (DirEntry e : directories.get(dir.obj()).entries()) {
      if (!e.isSymlink()) {
        out.add(toNas(e));
      }
    }
    out.sort(Comparator.comparing(NasEntry::name));
    return out;
  }

  @Override
  public InputStream read(String path, long offset, long length) throws IOException {
    DirEntry e = path.isEmpty() ? root : find(path);
    if (e == null) {
      throw new NoSuchFileException("/" + path);
    }
    if (!e.isFile()) {
      throw new FileSystemException("/" + path, null, "not a file");
    }
    // Opening costs the object's list (for an indirect object), never its data: chunks are
    // fetched as the stream reaches them, the next few ahead of it (within the range asked for).
    ObjectReader opened = objects.open(e.obj());
    long start = Math.max(0, Math.min(offset, opened.length()));
    long end = length < 0 ? opened.length() : Math.min(opened.length(), start + length);
    return new RangeStream(opened.readingAhead(chunkPool, CHUNKS_AHEAD, end), start, end);
  }

  @Override
  public boolean isReadOnly() {
    return true;
  }

  @Override
  public Space space() {
    return new Space(root.summary() == null ? -1 : root.summary().size(), 0);
  }

  @Override
  public void close() throws IOException {
    chunkPool.shutdownNow();
    directories.clear();
    if (owner != null) {
      try {
        owner.close();
      } catch (IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException(e);
      }
    }
  }

  /** The entry at {@code path} (not the root), or null when some segment is missing. */
  private DirEntry find(String path) throws IOException {
    DirEntry at = root;
    for (String segment : path.split("/")) {
      if (!at.isDirectory()) {
        return null;
      }
      at = directories.get(at.obj()).child(segment);
      if (at == null || at.isSymlink()) {
        return null;
      }
    }
    return at;
  }

  static NasEntry toNas(DirEntry e) {
    Instant t = e.mtime() == null ? Instant.EPOCH : e.mtime();
    if (e.isDirectory()) {
      return NasEntry.folder(e.name(), t);
    }
    // the object id names the exact bytes: the best validator there is
    return NasEntry.file(e.name(), e.size(), t, e.obj().value());
  }

  /** Bytes {@code [pos, end)} of an object, fetched chunk by chunk as they are read. */
  private static final class RangeStream extends InputStream {
    private final ObjectReader reader;
    private final long end;
    private long pos;

    RangeStream(ObjectReader reader, long start, long end) {
      this.reader = reader;
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
      if (len == 0) {
        return 0;
      }
      if (pos >= end) {
        return -1;
      }
      int n = reader.read(pos, b, off, (int) Math.min(len, end - pos));
      if (n > 0) {
        pos += n;
      }
      return n;
    }

    @Override
    public long skip(long n) {
      long k = Math.max(0, Math.min(n, end - pos));
      pos += k;
      return k;
    }

    @Override
    public int available() {
      return 0;
    }

    @Override
    public void close() {
      reader.stopReadingAhead();
    }
  }
}
