package ca.eazybackup.e3.agent.sync;

import ca.eazybackup.e3.agent.engine.RestoreRequest;
import ca.eazybackup.e3.agent.engine.RestoreSafety;
import ca.eazybackup.e3.agent.engine.RunContext;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.engine.RunStatus;
import ca.eazybackup.e3.agent.progress.EventLevel;
import ca.eazybackup.e3.agent.progress.ProgressReporter;
import ca.eazybackup.e3.agent.s3.DirectGet;
import ca.eazybackup.e3.agent.transfer.RetryHint;
import ca.eazybackup.e3.agent.transfer.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;

/**
 * Restore of a sync job: downloads the prefix (or the selected paths under it) into a target folder
 * — or back to the sources when no target is given — in parallel. Each file is written to a
 * temporary name next to its target, checked (MD5 against a plain ETag, rclone's {@code md5chksum},
 * or our multipart ETag; the size at least), given the mtime from the object's metadata, and only
 * then moved into place, so a failed or cancelled restore leaves no torn file. Existing files are
 * handled by {@link OverwriteRule}.
 */
final class SyncRestore {
  private static final Logger log = LoggerFactory.getLogger(SyncRestore.class);

  private final SyncSettings settings;
  private final RestoreRequest request;
  private final RunContext ctx;
  private final ProgressReporter progress;
  private final S3Client s3;
  private final DirectGet gets;
  private final Transfers transfers;
  private final OverwriteRule rule;
  private final List<SourceRoot> roots;
  private final Path target;
  private final Semaphore inFlight;
  private final Path statePath;
  private final RangedDownload ranged;
  private final java.util.Set<Path> madeDirs = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final AtomicLong restored = new AtomicLong();
  private final AtomicLong bytesRestored = new AtomicLong();
  private final AtomicLong keptExisting = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong sizeOnlyVerified = new AtomicLong();
  private final AtomicLong deleted = new AtomicLong();

  /** With delete_extra: every local path the listing accounts for (absolute, normalized). */
  private final java.util.Set<Path> wanted;

  private final AtomicReference<String> firstError = new AtomicReference<>();

  SyncRestore(SyncSettings settings, RestoreRequest request, RunContext ctx) {
    this.settings = settings;
    this.request = request;
    this.ctx = ctx;
    this.progress = ctx.progress();
    this.s3 = ctx.s3().client(settings.target());
    this.gets = ctx.s3().directGet(settings.target());
    this.transfers = new Transfers(settings, ctx.cancellation(), FileOpener.DEFAULT, "restore");
    this.rule = OverwriteRule.parse(request.overwrite());
    this.roots =
        settings.sources().isEmpty()
            ? List.of()
            : SourceRoot.layout(settings.sources(), settings.prefix());
    String t = request.targetPath();
    this.target = t == null || t.isBlank() ? null : Path.of(t);
    if (target == null && roots.isEmpty()) {
      throw new SyncException("the restore names no target folder and the job has no source path");
    }
    if (request.deleteExtra()) {
      List<Path> scopes = new ArrayList<>();
      if (target != null) {
        scopes.add(target);
      } else {
        roots.forEach(r -> scopes.add(r.path()));
      }
      for (Path scope : scopes) {
        String refusal = RestoreSafety.deleteExtraRefusal(scope);
        if (refusal != null) {
          throw new SyncException(
              "delete_extra refused: " + refusal + "; restore into a folder of its own");
        }
      }
    }
    this.inFlight = new Semaphore(settings.parallelism() * 4);
    this.statePath =
        StateCache.fileFor(
            ctx.jobCacheDir(), settings.target().endpoint(), settings.bucket(), settings.prefix());
    this.wanted = request.deleteExtra() ? java.util.concurrent.ConcurrentHashMap.newKeySet() : null;
    this.ranged =
        new RangedDownload(s3, settings.bucket(), transfers, progress, settings.fileAttempts());
  }

  RunOutcome execute() throws Exception {
    ctx.cancellation().onCancel(transfers::stopNow);
    progress.scanStarted();
    try (StateCache.Reader cache = new StateCache.Reader(statePath)) {
      for (ListPrefix prefix : listPrefixes()) {
        java.util.Iterator<RemoteObject> listing =
            settings.fastList()
                ? new RemoteListing(s3, settings.bucket(), prefix.prefix())
                : new DirectoryListing(s3, settings.bucket(), prefix.prefix(), transfers.listers);
        while (listing.hasNext() && !ctx.cancellation().isCancelled()) {
          RemoteObject o = listing.next();
          if (!prefix.covers(o.key())) {
            continue;
          }
          progress.scanFound(1, o.size());
          StateCache.Entry known = cache.find(o.key());
          Long cachedMtime =
              known != null && known.size() == o.size() && known.etag().equals(o.etag())
                  ? known.mtimeNanos()
                  : null;
          inFlight.acquire();
          try {
            transfers.files.execute(
                () -> {
                  try {
                    restoreOne(o, cachedMtime);
                  } finally {
                    inFlight.release();
                  }
                });
          } catch (java.util.concurrent.RejectedExecutionException cancelled) {
            inFlight.release();
          }
        }
      }
    } finally {
      progress.scanFinished();
      transfers.drain();
    }
    if (wanted != null) {
      deleteExtra();
    }
    return outcome();
  }

  private record ListPrefix(String prefix, String exact) {
    boolean covers(String key) {
      return exact == null || key.equals(exact) || key.startsWith(exact + "/");
    }
  }

  private List<ListPrefix> listPrefixes() {
    if (request.paths().isEmpty()) {
      return List.of(new ListPrefix(settings.prefix(), null));
    }
    List<ListPrefix> out = new ArrayList<>();
    for (String p : request.paths()) {
      String norm = SyncSettings.normalizePrefix(p);
      if (norm.isEmpty()) {
        return List.of(new ListPrefix(settings.prefix(), null));
      }
      String exact = settings.prefix() + norm.substring(0, norm.length() - 1);
      out.add(new ListPrefix(exact, exact));
    }
    return out;
  }

  /** Why {@code key} cannot be restored under any folder, naming the part at fault; or null. */
  String unsafeKeyReason(String key) {
    String rel = key.substring(settings.prefix().length());
    for (String part : rel.split("/", -1)) {
      String reason = RestoreSafety.unsafeNameReason(part);
      if (reason != null) {
        return "'" + part + "' is not a safe file name: " + reason;
      }
    }
    return null;
  }

  /** Where {@code key} goes, or null when it cannot go anywhere safe. */
  Path targetFor(String key) {
    String rel = key.substring(settings.prefix().length());
    if (unsafeKeyReason(key) != null) {
      return null;
    }
    if (target != null) {
      return target.resolve(rel).normalize();
    }
    SourceRoot root = null;
    for (SourceRoot r : roots) {
      if (key.startsWith(r.keyPrefix())
          && (root == null || r.keyPrefix().length() > root.keyPrefix().length())) {
        root = r;
      }
    }
    if (root == null) {
      return null;
    }
    String under = key.substring(root.keyPrefix().length());
    if (!Files.isDirectory(root.path()) && under.equals(SourceRoot.folderName(root.path()))) {
      return root.path();
    }
    return root.path().resolve(under).normalize();
  }

  private void restoreOne(RemoteObject o, Long cachedMtime) {
    Path dest = targetFor(o.key());
    if (dest == null) {
      String why = unsafeKeyReason(o.key());
      skip(o.key(), why != null ? why : "its key is not a safe relative path under the target");
      return;
    }
    if (wanted != null) {
      wanted.add(dest.toAbsolutePath().normalize());
    }
    progress.itemStarted(dest.toString());
    try {
      BasicFileAttributes existing = attributesOrNull(dest);
      if (existing != null) {
        Long remoteMtime = cachedMtime;
        if (remoteMtime == null && rule.needsRemoteMtime()) {
          remoteMtime =
              MtimeMetadata.parse(
                  s3.headObject(
                          HeadObjectRequest.builder()
                              .bucket(settings.bucket())
                              .key(o.key())
                              .build())
                      .metadata());
        }
        if (keepExisting(existing, o, remoteMtime)) {
          keptExisting.incrementAndGet();
          progress.bytesDone(o.size());
          progress.itemDone(dest.toString());
          return;
        }
        if (rule == OverwriteRule.RENAME) {
          dest = renamed(dest);
          if (wanted != null) {
            wanted.add(dest.toAbsolutePath().normalize());
          }
        }
      }
      download(o, dest);
    } catch (IOException | SdkException e) {
      if (ctx.cancellation().isCancelled()) {
        return;
      }
      fail(o.key(), dest, e);
    }
  }

  private boolean keepExisting(BasicFileAttributes existing, RemoteObject o, Long remoteMtime) {
    long localMtime = LocalWalk.nanos(existing);
    return switch (rule) {
      case ALWAYS, RENAME -> false;
      case SKIP -> true;
      case IF_NEWER -> remoteMtime == null ? false : remoteMtime <= localMtime;
      case IF_CHANGED ->
          remoteMtime != null
              && existing.size() == o.size()
              && Math.abs(remoteMtime - localMtime) < 1_000;
    };
  }

  private void download(RemoteObject o, Path dest) throws IOException {
    Path parent = dest.getParent();
    if (!madeDirs.contains(parent)) {
      // Only remembered once it exists: a parallel download of a sibling may be asking too.
      // Never through a link planted where a folder belongs (RestoreSafety).
      RestoreSafety.createRealDirectories(baseFor(dest), parent);
      madeDirs.add(parent);
    }
    long partSize = settings.partSizeFor(o.size());
    if (o.size() >= settings.multipartCutoff()) {
      downloadRanged(o, dest, partSize); // retries per range
      return;
    }
    for (int attempt = 1; ; attempt++) {
      Path temp = tempFor(dest);
      try {
        downloadOnce(o, dest, temp);
        return;
      } catch (VerifyException | SdkException | BodyReadException e) {
        Files.deleteIfExists(temp);
        if (attempt >= settings.fileAttempts()
            || ctx.cancellation().isCancelled()
            || (e instanceof SdkException && !RetryPolicy.isRetriable(e))) {
          throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        log.info(
            "event=sync_restore_retry key={} attempt={} reason={}", o.key(), attempt, e.toString());
        RetryPolicy.DEFAULT.pause(attempt, ctx.cancellation()::isCancelled);
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(temp);
        throw e;
      }
    }
  }

  /** The folder the user chose that {@code dest} lies in: followed even if it is a link. */
  private Path baseFor(Path dest) {
    if (target != null) {
      return target;
    }
    for (SourceRoot r : roots) {
      if (dest.startsWith(r.path()) && !dest.equals(r.path())) {
        return r.path();
      }
    }
    return dest.getParent();
  }

  private static Path tempFor(Path dest) {
    return dest.resolveSibling(
        "." + dest.getFileName() + ".e3part-" + Long.toHexString(System.nanoTime()));
  }

  private void downloadRanged(RemoteObject o, Path dest, long partSize) throws IOException {
    Path temp = tempFor(dest);
    try {
      RangedDownload.Result result = ranged.fetch(o, temp, partSize);
      if (result.md5Hex() != null) {
        verify(o.key(), o.etag(), result.metadata(), new Md5.Sums(result.md5Hex(), null));
      }
      finish(o, dest, temp, result.metadata(), null, o.size());
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  private static final ThreadLocal<byte[]> BUFFERS =
      ThreadLocal.withInitial(() -> new byte[1 << 16]);

  private void downloadOnce(RemoteObject o, Path dest, Path temp) throws IOException {
    long written = 0;
    GetObjectResponse meta;
    Md5.Running sums;
    try (ResponseInputStream<GetObjectResponse> body = gets.get(settings.bucket(), o.key());
        InputStream in = transfers.meterNetwork(body);
        OutputStream out = Files.newOutputStream(temp)) {
      meta = body.response();
      // Hash only what the response's ETag or md5chksum can be checked against.
      boolean plainMd5 =
          RemoteObject.isMd5Hex(RemoteObject.unquote(meta.eTag()))
              || (meta.metadata() != null && meta.metadata().containsKey(MtimeMetadata.MD5_KEY));
      sums = new Md5.Running(settings.partSizeFor(o.size()), plainMd5, !plainMd5);
      byte[] buf = BUFFERS.get();
      int n;
      while ((n = readBody(in, buf)) > 0) {
        out.write(buf, 0, n);
        sums.update(buf, 0, n);
        written += n;
        progress.bytesDone(n);
      }
    } catch (InterruptedIOException e) {
      throw e;
    }
    long expectedSize = meta.contentLength() == null ? o.size() : meta.contentLength();
    if (written != expectedSize) {
      throw new VerifyException(o.key() + ": got " + written + " bytes, expected " + expectedSize);
    }
    verify(o.key(), RemoteObject.unquote(meta.eTag()), meta.metadata(), sums.finish());
    finish(o, dest, temp, meta.metadata(), meta.lastModified(), written);
  }

  /**
   * A read of a GET's body. A direct GET's body comes from the HTTP connection without the SDK's
   * wrapping, so a reset or a garbled chunk mid-body (Apache's {@code
   * MalformedChunkCodingException} "Bad chunk header") arrives as a plain {@link IOException}; the
   * agent's {@link RetryPolicy} calls that transient, and it is told apart here from a failure to
   * write the local file (a full disk), which another GET cannot cure.
   */
  private static int readBody(InputStream in, byte[] buf) throws IOException {
    try {
      return in.read(buf);
    } catch (IOException e) {
      if (RetryPolicy.isRetriable(e)) {
        throw new BodyReadException(e);
      }
      throw e;
    }
  }

  /** A response body that broke off on the wire: the file is fetched again. */
  static final class BodyReadException extends IOException implements RetryHint {
    private static final long serialVersionUID = 1L;

    BodyReadException(IOException cause) {
      super("the response body broke off: " + cause, cause);
    }

    @Override
    public boolean retriable() {
      return true;
    }
  }

  /** Gives the verified temp file its mtime (from the GET's metadata: no extra request). */
  private void finish(
      RemoteObject o,
      Path dest,
      Path temp,
      Map<String, String> metadata,
      java.time.Instant lastModified,
      long written)
      throws IOException {
    Long mtime = MtimeMetadata.parse(metadata);
    FileTime time =
        mtime != null
            ? FileTime.from(mtime, TimeUnit.NANOSECONDS)
            : FileTime.from(lastModified != null ? lastModified : o.lastModified());
    // Access time = modification time, as rclone sets them: with both given, the JDK does not
    // stat the file first to keep the access time (one system call fewer per restored file).
    Files.getFileAttributeView(temp, java.nio.file.attribute.BasicFileAttributeView.class)
        .setTimes(time, time, null);
    Files.move(temp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    restored.incrementAndGet();
    bytesRestored.addAndGet(written);
    progress.itemDone(dest.toString());
  }

  private void verify(String key, String etag, Map<String, String> metadata, Md5.Sums sums)
      throws VerifyException {
    if (RemoteObject.isMd5Hex(etag)) {
      if (!etag.equalsIgnoreCase(sums.md5Hex())) {
        throw new VerifyException(key + ": MD5 " + sums.md5Hex() + " does not match ETag " + etag);
      }
      return;
    }
    String b64 = metadata == null ? null : metadata.get(MtimeMetadata.MD5_KEY);
    if (b64 != null) {
      String md5 = HexFormat.of().formatHex(Base64.getDecoder().decode(b64));
      if (!md5.equalsIgnoreCase(sums.md5Hex())) {
        throw new VerifyException(
            key + ": MD5 " + sums.md5Hex() + " does not match md5chksum " + md5);
      }
      return;
    }
    if (sums.multipartEtag() == null || !etag.equalsIgnoreCase(sums.multipartEtag())) {
      // Uploaded with another part size (e.g. by rclone): only the size could be checked.
      sizeOnlyVerified.incrementAndGet();
    }
  }

  /**
   * delete_extra (a mirror restore): removes files under the restored folders that the listing did
   * not account for. Only inside those folders, never through a symlink, and only after a complete
   * run — a cancelled or partly failed restore deletes nothing, as rclone sync does.
   */
  private void deleteExtra() throws IOException {
    if (ctx.cancellation().isCancelled() || failed.get() > 0 || skipped.get() > 0) {
      progress.event(
          "SYNC_RESTORE_DELETE_EXTRA_SKIPPED",
          EventLevel.WARN,
          "Extra files were not deleted because the restore did not complete cleanly",
          Map.of());
      return;
    }
    for (Path scope : deleteScopes()) {
      Files.walkFileTree(
          scope,
          new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              Path abs = file.toAbsolutePath().normalize();
              if (!attrs.isDirectory() && abs.startsWith(scope) && !wanted.contains(abs)) {
                try {
                  Files.delete(file);
                  deleted.incrementAndGet();
                  log.info("event=sync_restore_deleted_extra path={}", file);
                } catch (IOException e) {
                  log.warn(
                      "event=sync_restore_delete_failed path={} reason={}", file, e.toString());
                }
              }
              return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
              log.warn("event=sync_restore_walk_failed path={} reason={}", file, e.toString());
              return java.nio.file.FileVisitResult.CONTINUE;
            }
          });
    }
  }

  /** The local folders a delete_extra restore mirrors: the target, or each selected folder. */
  private List<Path> deleteScopes() {
    List<Path> scopes = new ArrayList<>();
    for (ListPrefix p : listPrefixes()) {
      if (p.exact() == null) {
        if (target != null) {
          scopes.add(target);
        } else {
          roots.stream().map(SourceRoot::path).forEach(scopes::add);
        }
      } else {
        Path local = targetFor(p.exact());
        if (local != null) {
          scopes.add(local);
        }
      }
    }
    List<Path> out = new ArrayList<>();
    for (Path scope : scopes) {
      if (Files.isDirectory(scope, LinkOption.NOFOLLOW_LINKS)) {
        out.add(scope.toAbsolutePath().normalize());
      }
    }
    return out;
  }

  private static Path renamed(Path dest) {
    String name = dest.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot) : "";
    for (int n = 1; ; n++) {
      Path candidate =
          dest.resolveSibling(stem + (n == 1 ? " (restored)" : " (restored " + n + ")") + ext);
      if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
        return candidate;
      }
    }
  }

  private static BasicFileAttributes attributesOrNull(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return null;
    }
  }

  private void skip(String key, String reason) {
    skipped.incrementAndGet();
    progress.itemSkipped(key, reason);
    progress.event(
        "SYNC_RESTORE_SKIPPED",
        EventLevel.WARN,
        "Skipped " + key + ": " + reason,
        Map.of("key", key));
  }

  private void fail(String key, Path dest, Exception e) {
    failed.incrementAndGet();
    String message = "Restore of " + key + " to " + dest + " failed: " + e.getMessage();
    firstError.compareAndSet(null, message);
    progress.event("SYNC_RESTORE_FAILED", EventLevel.ERROR, message, Map.of("key", key));
    log.warn("event=sync_restore_failed key={} dest={} reason={}", key, dest, e.toString());
  }

  private RunOutcome outcome() {
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("files_restored", restored.get());
    stats.put("bytes_restored", bytesRestored.get());
    stats.put("files_kept_existing", keptExisting.get());
    stats.put("files_skipped", skipped.get());
    stats.put("files_failed", failed.get());
    stats.put("files_verified_by_size_only", sizeOnlyVerified.get());
    if (wanted != null) {
      stats.put("files_deleted", deleted.get());
    }
    String summary =
        String.format(
            "%d files restored (%d bytes), %d existing kept, %d skipped, %d failed%s",
            restored.get(),
            bytesRestored.get(),
            keptExisting.get(),
            skipped.get(),
            failed.get(),
            wanted == null ? "" : ", " + deleted.get() + " extra deleted");
    log.info("event=sync_restore_finished {}", stats);
    if (ctx.cancellation().isCancelled()) {
      return new RunOutcome(RunStatus.CANCELLED, "Cancelled; " + summary, stats, null);
    }
    if (failed.get() > 0) {
      return new RunOutcome(RunStatus.FAILED, firstError.get() + " (" + summary + ")", stats, null);
    }
    if (skipped.get() > 0) {
      return new RunOutcome(RunStatus.WARNING, summary, stats, null);
    }
    return new RunOutcome(RunStatus.SUCCESS, summary, stats, null);
  }

  /** Downloaded bytes do not match what S3 says the object is. */
  static final class VerifyException extends IOException {
    private static final long serialVersionUID = 1L;

    VerifyException(String message) {
      super(message);
    }
  }
}
