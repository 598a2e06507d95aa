package ca.eazybackup.e3.agent.sync;

import ca.eazybackup.e3.agent.engine.RunContext;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.engine.RunStatus;
import ca.eazybackup.e3.agent.progress.EventLevel;
import ca.eazybackup.e3.agent.progress.ProgressReporter;
import ca.eazybackup.e3.agent.transfer.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * One sync run: merges the local walk with the destination listing (both in key order, streamed),
 * decides per key, and hands uploads, HEADs and checksum reads to a bounded pool.
 *
 * <p>Per key: only local → upload; both → unchanged when sizes are equal and the mtimes agree
 * (within 1 µs; the remote mtime comes from the state cache when the listing still shows the same
 * size and ETag, else from a HEAD), in checksum mode when the MD5s agree; only remote → deleted in
 * mirror mode, after all uploads, and only when the run had no errors and the walk read every
 * folder (rclone's rule), the key passes the filters and the local file is really gone.
 */
final class SyncRun {
  private static final Logger log = LoggerFactory.getLogger(SyncRun.class);
  private static final long MTIME_TOLERANCE_NANOS = 1_000;

  private final SyncSettings settings;
  private final RunContext ctx;
  private final ProgressReporter progress;
  private final S3Client s3;
  private final Transfers transfers;
  private final Uploader uploader;
  private final List<SourceRoot> roots;
  private final Semaphore inFlight;
  private final StateCache.Writer stateWriter;
  private final Path statePath;

  private final AtomicLong filesFound = new AtomicLong();
  private final AtomicLong filesUploaded = new AtomicLong();
  private final AtomicLong bytesUploaded = new AtomicLong();
  private final AtomicLong filesUnchanged = new AtomicLong();
  private final AtomicLong filesSkipped = new AtomicLong();
  private final AtomicLong filesFailed = new AtomicLong();
  private final AtomicLong filesDeleted = new AtomicLong();
  private final AtomicLong headRequests = new AtomicLong();
  private final AtomicLong unreadableFolders = new AtomicLong();
  private final AtomicReference<String> firstError = new AtomicReference<>();
  private final List<Delete> deleteCandidates = new ArrayList<>();
  private boolean listingOutOfOrder;

  private record Delete(String key, Path localPath) {}

  SyncRun(SyncSettings settings, RunContext ctx, FileOpener opener) throws IOException {
    this.settings = settings;
    this.ctx = ctx;
    this.progress = ctx.progress();
    this.s3 = ctx.s3().client(settings.target());
    // The default opener reads through the run's source access: share modes on the live files,
    // none inside a shadow copy. A test's own opener (counting, fault injection) is kept.
    FileOpener reads = opener == FileOpener.DEFAULT ? ctx.sourceAccess()::open : opener;
    this.transfers = new Transfers(settings, ctx.cancellation(), reads, "sync");
    this.uploader = new Uploader(s3, settings, transfers, progress);
    // Keys are laid out from the live paths; the walk reads the shadow copy when there is one.
    this.roots =
        SourceRoot.layout(settings.sources(), settings.prefix()).stream()
            .map(r -> new SourceRoot(ctx.sourceAccess().readRoot(r.path()), r.keyPrefix()))
            .toList();
    this.inFlight = new Semaphore(settings.parallelism() * 4);
    this.statePath =
        StateCache.fileFor(
            ctx.jobCacheDir(), settings.target().endpoint(), settings.bucket(), settings.prefix());
    this.stateWriter = new StateCache.Writer(statePath);
  }

  RunOutcome execute() throws Exception {
    ctx.cancellation()
        .onCancel(
            () -> {
              transfers.stopNow();
              uploader.abortAll();
            });
    try {
      Buckets.ensure(s3, settings);
      checkSourcesExist();
    } catch (RuntimeException e) {
      stateWriter.abandon();
      throw e;
    }
    Thread prescan = PreScan.start(roots, settings.filter(), progress, transfers.cancelled);
    boolean completed = false;
    try (StateCache.Reader cache = new StateCache.Reader(statePath)) {
      merge(cache);
      completed = transfers.drain();
    } finally {
      if (!completed) {
        transfers.stopNow();
      }
      uploader.abortAll();
      if (completed) {
        prescan.join(); // it walks the same tree and is done or nearly: totals end exact
      } else {
        prescan.interrupt();
      }
    }
    if (!ctx.cancellation().isCancelled()) {
      deleteRemoved();
    }
    stateWriter.close();
    return outcome();
  }

  private void checkSourcesExist() {
    long missing = roots.stream().filter(r -> !Files.exists(r.path())).count();
    if (missing == roots.size()) {
      throw new SyncException(
          "source path "
              + settings.sources()
              + " does not exist or cannot be read on this machine");
    }
  }

  private void merge(StateCache.Reader cache) throws InterruptedException {
    LocalWalk local = new LocalWalk(roots, settings.filter(), new WalkProblems());
    java.util.Iterator<RemoteObject> remote =
        settings.fastList()
            ? new RemoteListing(s3, settings.bucket(), settings.prefix())
            : new DirectoryListing(s3, settings.bucket(), settings.prefix(), transfers.listers);
    LocalFile l = local.hasNext() ? local.next() : null;
    RemoteObject r = remote.hasNext() ? remote.next() : null;
    String lastRemote = null;
    while ((l != null || r != null) && !ctx.cancellation().isCancelled()) {
      int cmp = l == null ? 1 : r == null ? -1 : KeyOrder.INSTANCE.compare(l.key(), r.key());
      if (cmp < 0) {
        filesFound.incrementAndGet();
        long seq = stateWriter.reserve();
        LocalFile file = l;
        submit(() -> uploadFile(file, seq));
        l = local.hasNext() ? local.next() : null;
      } else {
        if (lastRemote != null && KeyOrder.INSTANCE.compare(r.key(), lastRemote) <= 0) {
          noteListingOutOfOrder(r.key(), lastRemote);
        }
        lastRemote = r.key();
        if (cmp > 0) {
          remoteOnly(r);
        } else {
          filesFound.incrementAndGet();
          compare(l, r, cache);
          l = local.hasNext() ? local.next() : null;
        }
        r = remote.hasNext() ? remote.next() : null;
      }
    }
  }

  private void compare(LocalFile l, RemoteObject r, StateCache.Reader cache)
      throws InterruptedException {
    long seq = stateWriter.reserve();
    if (l.size() != r.size()) {
      submit(() -> uploadFile(l, seq));
      return;
    }
    if (settings.checksum()) {
      submit(() -> compareChecksums(l, r, seq));
      return;
    }
    StateCache.Entry known = cache.find(l.key());
    if (known != null && known.size() == r.size() && known.etag().equals(r.etag())) {
      if (sameTime(known.mtimeNanos(), l.mtimeNanos())) {
        unchanged(l, seq, known);
      } else {
        submit(() -> uploadFile(l, seq));
      }
      return;
    }
    submit(() -> compareWithHead(l, r, seq));
  }

  private void compareWithHead(LocalFile l, RemoteObject r, long seq) {
    HeadObjectResponse head;
    try {
      headRequests.incrementAndGet();
      head =
          s3.headObject(HeadObjectRequest.builder().bucket(settings.bucket()).key(r.key()).build());
    } catch (NoSuchKeyException gone) {
      uploadFile(l, seq);
      return;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        uploadFile(l, seq);
        return;
      }
      failed(l, e);
      stateWriter.settle(seq, null);
      return;
    } catch (SdkException e) {
      failed(l, e);
      stateWriter.settle(seq, null);
      return;
    }
    Long remoteMtime = MtimeMetadata.parse(head.metadata());
    if (remoteMtime != null && sameTime(remoteMtime, l.mtimeNanos())) {
      unchanged(l, seq, new StateCache.Entry(l.key(), r.size(), remoteMtime, r.etag()));
    } else {
      uploadFile(l, seq);
    }
  }

  private void compareChecksums(LocalFile l, RemoteObject r, long seq) {
    String remoteSum = r.etag();
    StateCache.Entry entry = null;
    if (!remoteSum.contains("-") && !r.etagIsMd5()) {
      try {
        headRequests.incrementAndGet();
        HeadObjectResponse head =
            s3.headObject(
                HeadObjectRequest.builder().bucket(settings.bucket()).key(r.key()).build());
        String b64 = head.metadata().get(MtimeMetadata.MD5_KEY);
        remoteSum = b64 == null ? null : HexFormat.of().formatHex(Base64.getDecoder().decode(b64));
      } catch (RuntimeException e) {
        remoteSum = null;
      }
    }
    if (remoteSum != null) {
      try (InputStream in = transfers.openLocal(l.path())) {
        Md5.Sums sums = Md5.sums(in, settings.partSizeFor(l.size()));
        String localSum = remoteSum.contains("-") ? sums.multipartEtag() : sums.md5Hex();
        if (localSum.equalsIgnoreCase(remoteSum)) {
          unchanged(l, seq, entry);
          return;
        }
      } catch (IOException e) {
        skipped(l, e);
        stateWriter.settle(seq, null);
        return;
      }
    }
    uploadFile(l, seq);
  }

  private void unchanged(LocalFile l, long seq, StateCache.Entry entry) {
    filesUnchanged.incrementAndGet();
    stateWriter.settle(seq, entry);
    progress.bytesDone(l.size());
    progress.itemDone(l.key());
  }

  /** Uploads with per-file retries; never throws. */
  private void uploadFile(LocalFile file, long seq) {
    StateCache.Entry result = null;
    try {
      progress.itemStarted(file.path().toString());
      for (int attempt = 1; attempt <= settings.fileAttempts(); attempt++) {
        if (ctx.cancellation().isCancelled()) {
          return;
        }
        try {
          result = uploader.upload(file);
          filesUploaded.incrementAndGet();
          bytesUploaded.addAndGet(result.size());
          progress.itemDone(file.key());
          return;
        } catch (NoSuchFileException gone) {
          log.info("event=sync_file_vanished path={}", file.path());
          return;
        } catch (FileChangedException changed) {
          if (attempt == settings.fileAttempts()) {
            skipped(file, changed);
            return;
          }
          log.info("event=sync_file_changed_retry path={} attempt={}", file.path(), attempt);
          pause(attempt);
        } catch (InterruptedIOException | InterruptedException | AbortedException stop) {
          if (stop instanceof InterruptedException) {
            Thread.currentThread().interrupt();
          }
          return;
        } catch (Uploader.UploadIntegrityException integrity) {
          if (attempt == settings.fileAttempts()) {
            failed(file, integrity);
            return;
          }
          pause(attempt);
        } catch (IOException unreadable) {
          // Locked (Windows sharing violation), permission denied, I/O error: skip, warn, go on.
          skipped(file, unreadable);
          return;
        } catch (SdkException e) {
          // One policy for the whole agent: refused credentials, a missing bucket or another bad
          // request fail the file at once; throttling, 5xx and connection failures are retried.
          if (ctx.cancellation().isCancelled()) {
            return;
          }
          if (!RetryPolicy.isRetriable(e) || attempt == settings.fileAttempts()) {
            failed(file, e);
            return;
          }
          pause(attempt);
        }
      }
    } finally {
      stateWriter.settle(seq, result);
    }
  }

  private void pause(int attempt) {
    try {
      RetryPolicy.DEFAULT.pause(attempt, ctx.cancellation()::isCancelled);
    } catch (InterruptedIOException cancelled) {
      // the attempt loop sees the cancel and stops
    }
  }

  private void skipped(LocalFile file, Exception why) {
    filesSkipped.incrementAndGet();
    String reason =
        why instanceof FileChangedException
            ? "the file kept changing while it was read: " + why.getMessage()
            : "the file cannot be read: " + why;
    progress.itemSkipped(file.path().toString(), reason);
    progress.event(
        "SYNC_FILE_SKIPPED",
        EventLevel.WARN,
        "Skipped " + file.path() + ": " + reason,
        Map.of("path", file.path().toString(), "reason", reason));
    log.warn("event=sync_file_skipped path={} reason={}", file.path(), reason);
  }

  private void failed(LocalFile file, Exception e) {
    filesFailed.incrementAndGet();
    String message =
        "Upload of " + file.path() + " to " + file.key() + " failed: " + e.getMessage();
    firstError.compareAndSet(null, message);
    progress.event(
        "SYNC_FILE_FAILED",
        EventLevel.ERROR,
        message,
        Map.of("path", file.path().toString(), "key", file.key()));
    log.warn(
        "event=sync_file_failed path={} key={} reason={}", file.path(), file.key(), e.toString());
  }

  private void submit(Runnable task) throws InterruptedException {
    inFlight.acquire();
    try {
      transfers.files.execute(
          () -> {
            try {
              task.run();
            } finally {
              inFlight.release();
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException cancelled) {
      inFlight.release();
    }
  }

  private static boolean sameTime(long a, long b) {
    return Math.abs(a - b) < MTIME_TOLERANCE_NANOS;
  }

  private void remoteOnly(RemoteObject r) {
    if (!settings.mirror()) {
      return;
    }
    SourceRoot root = null;
    for (SourceRoot candidate : roots) {
      if (r.key().startsWith(candidate.keyPrefix())
          && (root == null || candidate.keyPrefix().length() > root.keyPrefix().length())) {
        root = candidate;
      }
    }
    if (root == null) {
      deleteCandidates.add(new Delete(r.key(), null));
      return;
    }
    String rel = r.key().substring(root.keyPrefix().length());
    if (!settings.filter().includesFile(rel)) {
      return; // excluded files are left alone at the destination (rclone without --delete-excluded)
    }
    Path local =
        Files.isDirectory(root.path())
            ? root.path().resolve(rel.replace('/', java.io.File.separatorChar))
            : null;
    deleteCandidates.add(new Delete(r.key(), local));
  }

  private void noteListingOutOfOrder(String key, String previous) {
    if (!listingOutOfOrder) {
      listingOutOfOrder = true;
      progress.event(
          "SYNC_LISTING_UNSORTED",
          EventLevel.WARN,
          "The S3 server listed keys out of order; deletions are skipped this run",
          Map.of("key", key, "previous", previous));
    }
  }

  private void deleteRemoved() throws InterruptedException {
    if (deleteCandidates.isEmpty()) {
      return;
    }
    if (filesFailed.get() > 0 || unreadableFolders.get() > 0 || listingOutOfOrder) {
      progress.event(
          "SYNC_DELETES_SKIPPED",
          EventLevel.WARN,
          "Not deleting "
              + deleteCandidates.size()
              + " objects whose files are gone, because this run had errors",
          Map.of("objects", deleteCandidates.size()));
      return;
    }
    Transfers deleters =
        new Transfers(
            settings.parallelism(), 0, 0, ctx.cancellation(), FileOpener.DEFAULT, "sync-delete");
    for (Delete d : deleteCandidates) {
      if (d.localPath() != null && Files.exists(d.localPath(), LinkOption.NOFOLLOW_LINKS)) {
        continue; // still there: the listing and the walk disagreed, keep the object
      }
      inFlight.acquire();
      deleters.files.execute(
          () -> {
            try {
              s3.deleteObject(
                  DeleteObjectRequest.builder().bucket(settings.bucket()).key(d.key()).build());
              filesDeleted.incrementAndGet();
              log.info("event=sync_object_deleted key={}", d.key());
            } catch (SdkException e) {
              filesFailed.incrementAndGet();
              firstError.compareAndSet(null, "Delete of " + d.key() + " failed: " + e.getMessage());
            } finally {
              inFlight.release();
            }
          });
    }
    deleters.drain();
  }

  private RunOutcome outcome() {
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("files_found", filesFound.get());
    stats.put("files_uploaded", filesUploaded.get());
    stats.put("bytes_uploaded", bytesUploaded.get());
    stats.put("files_unchanged", filesUnchanged.get());
    stats.put("files_skipped", filesSkipped.get());
    stats.put("files_failed", filesFailed.get());
    stats.put("files_deleted", filesDeleted.get());
    stats.put("head_requests", headRequests.get());
    stats.put("folders_unreadable", unreadableFolders.get());
    String summary =
        String.format(
            "%d files: %d uploaded (%d bytes), %d unchanged, %d skipped, %d failed, %d deleted",
            filesFound.get(),
            filesUploaded.get(),
            bytesUploaded.get(),
            filesUnchanged.get(),
            filesSkipped.get(),
            filesFailed.get(),
            filesDeleted.get());
    log.info("event=sync_finished {}", stats);
    if (ctx.cancellation().isCancelled()) {
      return new RunOutcome(
          RunStatus.CANCELLED,
          "Cancelled: " + ctx.cancellation().reason() + "; " + summary,
          stats,
          null);
    }
    if (filesFailed.get() > 0) {
      return new RunOutcome(RunStatus.FAILED, firstError.get() + " (" + summary + ")", stats, null);
    }
    if (filesSkipped.get() > 0 || unreadableFolders.get() > 0 || listingOutOfOrder) {
      return new RunOutcome(RunStatus.WARNING, summary, stats, null);
    }
    return new RunOutcome(RunStatus.SUCCESS, summary, stats, null);
  }

  private final class WalkProblems implements LocalWalk.Problems {
    @Override
    public void unreadable(Path path, String relativePath, IOException cause) {
      unreadableFolders.incrementAndGet();
      String reason = "cannot be read: " + cause;
      progress.itemSkipped(path.toString(), reason);
      progress.event(
          "SYNC_FILE_SKIPPED",
          EventLevel.WARN,
          "Skipped " + path + ": " + reason,
          Map.of("path", path.toString(), "reason", reason));
      log.warn("event=sync_path_unreadable path={} reason={}", path, cause.toString());
    }

    @Override
    public void symlinkSkipped(Path path) {
      log.info("event=sync_symlink_skipped path={}", path);
    }
  }
}
