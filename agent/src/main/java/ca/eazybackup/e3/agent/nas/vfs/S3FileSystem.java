package ca.eazybackup.e3.agent.nas.vfs;

import ca.eazybackup.e3.agent.nas.NasEntry;
import ca.eazybackup.e3.agent.nas.NasEvents;
import ca.eazybackup.e3.agent.nas.NasException;
import ca.eazybackup.e3.agent.nas.NasFileSystem;
import ca.eazybackup.e3.agent.nas.NasOptions;
import ca.eazybackup.e3.agent.s3.DirectPut;
import ca.eazybackup.e3.agent.transfer.TokenBucket;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 bucket + prefix as a {@link NasFileSystem}, with rclone's cache modes decided by one {@link
 * CachePolicy}: listings come from a short-lived {@link DirCache}; in cache modes {@code writes}
 * and {@code full} the bytes of a PUT go to the {@link WriteCache} first and reach S3 in the
 * background; in {@code full} reads fill it too.
 */
public final class S3FileSystem implements NasFileSystem {
  private static final Logger log = LoggerFactory.getLogger(S3FileSystem.class);

  private final Remote remote;
  private final CachePolicy policy;
  private final DirCache dirs;
  private final WriteCache cache;
  private final Clock clock;
  private final String name;
  private final UsedSpace used;

  private S3FileSystem(
      Remote remote, CachePolicy policy, WriteCache cache, Clock clock, String name) {
    this.remote = remote;
    this.policy = policy;
    this.dirs = new DirCache(policy.dirCacheTime(), clock);
    this.cache = cache;
    this.clock = clock;
    this.name = name;
    this.used = new UsedSpace(this::sumAll, name, System::nanoTime);
    if (cache != null) {
      cache.onUploaded(
          (path, f) ->
              dirs.upsert(
                  parentOf(path),
                  NasEntry.file(nameOf(path), f.size(), f.lastModified(), f.etag())));
    }
  }

  /**
   * Opens {@code bucket}/{@code prefix} with the given options. In cache modes {@code writes} and
   * {@code full} the uploads a killed process left in the cache folder are queued again at once.
   *
   * @throws NasException when the cache folder cannot be used
   */
  public static S3FileSystem open(
      S3Client s3, String bucket, String prefix, NasOptions options, NasEvents events)
      throws NasException {
    return open(s3, null, bucket, prefix, options, events);
  }

  /**
   * As {@link #open(S3Client, String, String, NasOptions, NasEvents)}, with small PUTs sent by
   * {@code direct} (the factory's {@link DirectPut} of the same target), not the S3Client.
   */
  public static S3FileSystem open(
      S3Client s3,
      DirectPut direct,
      String bucket,
      String prefix,
      NasOptions options,
      NasEvents events)
      throws NasException {
    CachePolicy policy =
        CachePolicy.of(options.cacheMode(), options.cacheMaxBytes())
            .withTimes(options.dirCacheTime(), options.writeBack());
    Remote remote =
        new Remote(
            s3,
            direct,
            bucket,
            prefix,
            TokenBucket.of(options.uploadBytesPerSec(), () -> false),
            TokenBucket.of(options.downloadBytesPerSec(), () -> false));
    String name = bucket + (remote.folderPrefix("").isEmpty() ? "" : "/" + remote.folderPrefix(""));
    // A cache folder is opened even in cache mode off: uploads left pending by an earlier run in
    // another mode must still reach S3.
    WriteCache cache =
        options.cacheDir() != null
            ? WriteCache.open(options.cacheDir(), remote, policy, events, Clock.systemUTC(), name)
            : null;
    return new S3FileSystem(remote, policy, cache, Clock.systemUTC(), name);
  }

  /** The write cache, or null in cache mode off without a cache folder (for tests). */
  WriteCache cache() {
    return cache;
  }

  @Override
  public boolean isReadOnly() {
    return false;
  }

  @Override
  public NasEntry stat(String path) throws IOException {
    if (path.isEmpty()) {
      return NasEntry.folder("", Instant.EPOCH);
    }
    DirCache.Listing parent = listing(parentOf(path));
    return parent.exists() ? parent.children().get(nameOf(path)) : null;
  }

  @Override
  public List<NasEntry> list(String path) throws IOException {
    DirCache.Listing l = listing(path);
    if (!l.exists()) {
      NasEntry e = path.isEmpty() ? null : stat(path);
      if (e != null && !e.folder()) {
        throw new NotDirectoryException("/" + path);
      }
      throw new NoSuchFileException("/" + path);
    }
    return List.copyOf(l.children().values());
  }

  /** The folder's children: S3's listing, with the files still waiting for upload laid over it. */
  private DirCache.Listing listing(String folder) throws IOException {
    DirCache.Listing cached = dirs.fresh(folder);
    if (cached != null) {
      return cached;
    }
    long ticket = dirs.ticket(folder);
    Remote.Listing r = remote.list(folder);
    NavigableMap<String, NasEntry> children = new TreeMap<>();
    for (String f : r.folders()) {
      children.put(f, NasEntry.folder(f, Instant.EPOCH));
    }
    for (RemoteFile f : r.files()) {
      String n = nameOf(f.path());
      if (!children.containsKey(n)) {
        children.put(n, NasEntry.file(n, f.size(), f.lastModified(), f.etag()));
      }
    }
    boolean exists = r.exists();
    if (cache != null) {
      for (NasEntry pending : cache.pendingIn(folder)) {
        children.put(pending.name(), pending);
        exists = true;
      }
    }
    if (!exists && !folder.isEmpty()) {
      // a folder may exist only as an ancestor of pending files
      exists = cache != null && cache.hasPendingBelow(folder);
    }
    if (!exists && !folder.isEmpty()) {
      // An empty folder is its marker object alone, and not every store lists a marker under its
      // own prefix (S3Proxy's filesystem backends keep it as a directory and list nothing there),
      // while the parent's delimited listing still names it: the parent is the authority.
      NasEntry self = stat(folder);
      exists = self != null && self.folder();
    }
    return dirs.store(folder, exists ? children : null, ticket);
  }

  /**
   * What Explorer shows as the drive's size: S3 has no quota to ask, and a bucket grows as paid
   * for, so the space left is given as 1 PiB ("as much as you need") and the space used as the
   * objects' total, summed once in the background and then kept up by this volume's own writes
   * ({@link UsedSpace}; unknown until the first sum ends). Without quota properties MiniRedir shows
   * the free space of the local disk instead.
   */
  @Override
  public Space space() {
    return new Space(used.used(), AVAILABLE_BYTES);
  }

  static final long AVAILABLE_BYTES = 1L << 50;

  /** The used-space figure (tests). */
  UsedSpace usedSpace() {
    return used;
  }

  private long sumAll() throws IOException {
    long[] total = {0};
    walk("", f -> total[0] += Math.max(0, f.size()));
    return total[0];
  }

  private static long sizeOf(NasEntry e) {
    return e == null || e.folder() ? 0 : Math.max(0, e.size());
  }

  @Override
  public InputStream read(String path, long offset, long length) throws IOException {
    if (cache != null) {
      if (policy.cachesReads()) {
        cache.validate(path, stat(path));
      }
      InputStream local = cache.read(path, offset, length, policy.cachesReads());
      if (local != null) {
        return local;
      }
    }
    return remote.get(path, offset, length);
  }

  @Override
  public NasEntry write(String path, InputStream data, long length) throws IOException {
    requireParentFolder(path);
    NasEntry existing = stat(path);
    if (existing != null && existing.folder()) {
      throw new FileAlreadyExistsException("/" + path, null, "a folder has this name");
    }
    NasEntry written;
    if (policy.writesBack()) {
      written = cache.writePending(path, data, length, existing);
    } else {
      RemoteFile f = remote.put(path, data, length, clock.instant());
      if (cache != null) {
        cache.forget(path);
      }
      written = NasEntry.file(nameOf(path), f.size(), f.lastModified(), f.etag());
    }
    used.add(sizeOf(written) - sizeOf(existing));
    dirs.upsert(parentOf(path), written);
    return written;
  }

  @Override
  public NasEntry writeRange(String path, long offset, InputStream data, long length)
      throws IOException {
    if (!policy.allowsPartialWrites()) {
      throw new UnsupportedOperationException(
          "a partial PUT needs a cache: serve the volume with cache mode minimal or higher");
    }
    NasEntry existing = stat(path);
    if (existing == null || existing.folder()) {
      throw new NoSuchFileException("/" + path);
    }
    NasEntry written = cache.patch(path, existing, offset, data, length, policy.writesBack());
    used.add(sizeOf(written) - sizeOf(existing));
    dirs.upsert(parentOf(path), written);
    return written;
  }

  @Override
  public void mkdir(String path) throws IOException {
    requireParentFolder(path);
    if (stat(path) != null) {
      throw new FileAlreadyExistsException("/" + path);
    }
    // The new folder is known empty, but once the parent lists it another request may PUT into
    // it: the empty listing is cached only if nothing changed the folder since this ticket (two
    // clients making the same folder while a third fills it, as rclone's parallel copies do).
    long ticket = dirs.ticket(path);
    remote.putFolderMarker(path);
    dirs.store(path, new TreeMap<>(), ticket);
    dirs.upsert(parentOf(path), NasEntry.folder(nameOf(path), clock.instant()));
  }

  @Override
  public void delete(String path) throws IOException {
    NasEntry e = stat(path);
    if (e == null) {
      throw new NoSuchFileException("/" + path);
    }
    if (e.folder()) {
      if (cache != null) {
        cache.forgetTree(path);
      }
      List<String> keys = new ArrayList<>();
      long[] bytes = {0};
      walk(
          path,
          f -> {
            keys.add(remote.key(f.path()));
            bytes[0] += Math.max(0, f.size());
          });
      if (!keys.contains(remote.folderPrefix(path))) {
        keys.add(remote.folderPrefix(path));
      }
      remote.deleteKeys(keys);
      used.add(-bytes[0]);
      dirs.forgetTree(path);
    } else {
      if (cache != null) {
        cache.forget(path);
      }
      remote.deleteKey(remote.key(path));
      used.add(-sizeOf(e));
    }
    removed(path);
  }

  @Override
  public void move(String from, String to) throws IOException {
    NasEntry e = requireEntry(from);
    requireParentFolder(to);
    if (e.folder()) {
      if (cache != null) {
        cache.flushTree(from, Duration.ofMinutes(10));
      }
      copyTree(from, to);
      delete(from);
      dirs.upsert(parentOf(to), NasEntry.folder(nameOf(to), clock.instant()));
      return;
    }
    NasEntry moved;
    if (cache != null && cache.isPending(from)) {
      moved = cache.rename(from, to);
      remote.deleteKey(remote.key(from)); // an older version may be in S3 already
    } else {
      RemoteFile f = remote.copyKey(remote.key(from), remote.key(to));
      remote.deleteKey(remote.key(from));
      if (cache != null) {
        cache.forget(from);
      }
      moved = NasEntry.file(nameOf(to), e.size(), e.modified(), f.etag());
    }
    removed(from);
    dirs.upsert(parentOf(to), moved);
  }

  @Override
  public void copy(String from, String to, boolean recursive) throws IOException {
    NasEntry e = requireEntry(from);
    requireParentFolder(to);
    if (e.folder()) {
      if (recursive) {
        if (cache != null) {
          cache.flushTree(from, Duration.ofMinutes(10));
        }
        copyTree(from, to);
      } else {
        remote.putFolderMarker(to);
      }
      dirs.upsert(parentOf(to), NasEntry.folder(nameOf(to), clock.instant()));
      return;
    }
    NasEntry copied;
    if (cache != null && cache.isPending(from)) {
      copied = cache.copyPending(from, to);
    } else {
      RemoteFile f = remote.copyKey(remote.key(from), remote.key(to));
      copied = NasEntry.file(nameOf(to), e.size(), clock.instant(), f.etag());
    }
    used.add(sizeOf(e));
    dirs.upsert(parentOf(to), copied);
  }

  @Override
  public void setTimes(String path, Instant modified, Instant created) throws IOException {
    // S3 keeps one time per object, written with the upload: a pending file takes the new mtime
    // into its upload; for a file already in S3 the WebDAV layer keeps the times, not S3 (a copy
    // per file would double Explorer's traffic).
    if (cache != null && modified != null) {
      cache.setPendingMtime(path, modified);
    }
  }

  @Override
  public void flush(Duration timeout) throws IOException {
    if (cache != null) {
      try {
        cache.flushAll(timeout);
      } catch (NasException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
  }

  /** Waits for pending uploads, with the public exception type. */
  public void flushOrFail(Duration timeout) throws NasException {
    if (cache != null) {
      cache.flushAll(timeout);
    }
  }

  /**
   * The writes an earlier run left pending, as found at open: uploads start at once, so {@link
   * #pendingWrites} read afterwards may already miss one that went up.
   */
  public int resumedAtOpen() {
    return cache == null ? 0 : cache.resumedAtOpen();
  }

  @Override
  public int pendingWrites() {
    return cache == null ? 0 : cache.pendingCount();
  }

  @Override
  public long cacheBytes() {
    return cache == null ? 0 : cache.bytesUsed();
  }

  /** Stops the uploaders after waiting up to {@code timeout} for pending uploads. */
  public void close(Duration timeout) {
    if (cache != null) {
      cache.close(timeout);
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }

  private void copyTree(String from, String to) throws IOException {
    String fromPrefix = remote.folderPrefix(from);
    String toPrefix = remote.folderPrefix(to);
    boolean[] any = {false};
    walk(
        from,
        f -> {
          String key = remote.key(f.path());
          remote.copyKey(key, toPrefix + key.substring(fromPrefix.length()));
          used.add(Math.max(0, f.size()));
          any[0] = true;
        });
    if (!any[0] || remote.head(from + "/") != null) {
      remote.putFolderMarker(to);
    }
    dirs.forgetTree(to);
  }

  private interface FileAction {
    void accept(RemoteFile f) throws IOException;
  }

  private void walk(String folder, FileAction action) throws IOException {
    try {
      Iterator<RemoteFile> it = remote.walk(folder);
      while (it.hasNext()) {
        action.accept(it.next());
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** After a delete or move: drop the entry, and keep the parent folder if it became empty. */
  private void removed(String path) throws IOException {
    String parent = parentOf(path);
    dirs.remove(parent, nameOf(path));
    if (!parent.isEmpty()) {
      DirCache.Listing l = dirs.fresh(parent);
      if (l == null || (l.exists() && l.children().isEmpty())) {
        Remote.Listing r = remote.list(parent);
        if (!r.exists()) {
          remote.putFolderMarker(parent);
          log.debug("nas.folder_kept volume={} folder=/{}", name, parent);
        }
      }
    }
  }

  private NasEntry requireEntry(String path) throws IOException {
    NasEntry e = stat(path);
    if (e == null) {
      throw new NoSuchFileException("/" + path);
    }
    return e;
  }

  private void requireParentFolder(String path) throws IOException {
    String parent = parentOf(path);
    if (parent.isEmpty()) {
      return;
    }
    NasEntry p = stat(parent);
    if (p == null) {
      throw new NoSuchFileException("/" + parent, null, "parent folder does not exist");
    }
    if (!p.folder()) {
      throw new NotDirectoryException("/" + parent);
    }
  }

  static String parentOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  static String nameOf(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  @Override
  public String toString() {
    return "S3FileSystem[" + name + ", cache " + policy.mode().wireName() + "]";
  }
}
