package ca.eazybackup.e3.agent.backup;

import ca.eazybackup.e3.agent.api.RunAssignment;
import ca.eazybackup.e3.agent.backup.blob.BlobRetention;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.compression.Compressors;
import ca.eazybackup.e3.agent.backup.maintenance.AutoMaintenance;
import ca.eazybackup.e3.agent.backup.maintenance.Maintenance;
import ca.eazybackup.e3.agent.backup.maintenance.MaintenanceReport;
import ca.eazybackup.e3.agent.backup.maintenance.ObjectLocks;
import ca.eazybackup.e3.agent.backup.object.ObjectManager;
import ca.eazybackup.e3.agent.backup.repo.Repository;
import ca.eazybackup.e3.agent.backup.repo.RepositoryException;
import ca.eazybackup.e3.agent.backup.repo.RepositoryOptions;
import ca.eazybackup.e3.agent.backup.restore.OverwriteMode;
import ca.eazybackup.e3.agent.backup.restore.RestoreResult;
import ca.eazybackup.e3.agent.backup.restore.Restorer;
import ca.eazybackup.e3.agent.backup.retention.RetentionPolicy;
import ca.eazybackup.e3.agent.backup.snapshot.DirEntry;
import ca.eazybackup.e3.agent.backup.snapshot.ManifestStore;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManager;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManifest;
import ca.eazybackup.e3.agent.backup.snapshot.SourceInfo;
import ca.eazybackup.e3.agent.backup.upload.UploadOptions;
import ca.eazybackup.e3.agent.backup.upload.UploadResult;
import ca.eazybackup.e3.agent.backup.upload.Uploader;
import ca.eazybackup.e3.agent.backup.verify.Verifier;
import ca.eazybackup.e3.agent.backup.verify.VerifyReport;
import ca.eazybackup.e3.agent.engine.Engine;
import ca.eazybackup.e3.agent.engine.MaintenanceMode;
import ca.eazybackup.e3.agent.engine.RestoreRequest;
import ca.eazybackup.e3.agent.engine.RunCancelledException;
import ca.eazybackup.e3.agent.engine.RunContext;
import ca.eazybackup.e3.agent.engine.RunOutcome;
import ca.eazybackup.e3.agent.engine.RunStatus;
import ca.eazybackup.e3.agent.progress.EventCodes;
import ca.eazybackup.e3.agent.progress.EventLevel;
import ca.eazybackup.e3.agent.progress.ProgressReporter;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kopia-format backup engine ({@code engine: kopia}).
 *
 * <p>Snapshot source identity: host = this machine's name, user = the OS user running the agent,
 * path = the job's source folder. A job with several sources is one snapshot of a virtual root
 * whose entries are the sources (named by their last path segment, made unique), with source path =
 * the sources joined by {@code ";"}; each source's original path is kept as the tag {@code
 * tag:e3-source:<name>}, so the one manifest id on the run restores everything, to the original
 * places or under a target folder.
 */
public final class KopiaEngine implements Engine {
  private static final Logger LOG = LoggerFactory.getLogger(KopiaEngine.class);
  static final String SOURCE_TAG = "tag:e3-source:";

  /**
   * Content hash of repositories this engine creates. Kopia's own default is BLAKE2B-256-128, but
   * the only Java BLAKE2b (Bouncy Castle) runs at ~1/7 of the JDK's SHA-NI-backed HmacSHA256 and
   * was most of a first backup's CPU; HMAC-SHA256-128 is a Kopia format option ({@code kopia repo
   * create --block-hash=HMAC-SHA256-128}) that every Kopia client reads. Existing repositories keep
   * the hash recorded in their format blob.
   */
  static final String NEW_REPOSITORY_HASH = "HMAC-SHA256-128";

  /**
   * Opens the job's raw blob storage: S3 in production, a folder for {@code dest_type: local}. The
   * engine puts it in the production stack (retry, bandwidth limit) itself.
   */
  @FunctionalInterface
  public interface StorageOpener {
    BlobStorage open(RunAssignment job, RunContext ctx) throws IOException;
  }

  private final StorageOpener opener;
  private final Duration checkpointInterval;

  public KopiaEngine() {
    this(JobStorage::openRaw, Duration.ofMinutes(20));
  }

  public KopiaEngine(StorageOpener opener, Duration checkpointInterval) {
    this.opener = opener;
    this.checkpointInterval = checkpointInterval;
  }

  @Override
  public String name() {
    return "kopia";
  }

  /**
   * Starts scrypt for the job's repository on another thread before the storage (the S3 client and
   * its first requests) is opened: in a fresh JVM scrypt is half a second of one core, which ran
   * after the SDK's start-up instead of beside it ({@link Repository#deriveKeyAhead}).
   */
  private static void deriveKeyAhead(RunAssignment job, RunContext ctx) {
    Repository.deriveKeyAhead(cacheDir(ctx), job.repositoryPassword());
  }

  private static Path cacheDir(RunContext ctx) {
    return ctx.jobCacheDir() == null ? null : ctx.jobCacheDir().resolve("kopia-cache");
  }

  /** The job's storage as production runs it: the opener's raw store in the one stack. */
  private BlobStorage open(RunAssignment job, RunContext ctx) throws IOException {
    return JobStorage.stack(opener.open(job, ctx), job, ctx);
  }

  // ---- repository creation --------------------------------------------------------------

  /**
   * Creates the job's repository if there is none yet (a backup does this itself on its first run).
   * A separate entry point so that callers, such as the benchmark against restic's {@code init},
   * can create the repository apart from the first backup; an existing repository is opened with
   * the job's password and left unchanged.
   */
  public RunOutcome createRepository(RunAssignment job, RunContext ctx) {
    if (job.repositoryPassword() == null || job.repositoryPassword().isEmpty()) {
      return RunOutcome.failed("the job has no repository password (repository_password)");
    }
    try (BlobStorage storage = open(job, ctx);
        Repository repo = openOrCreate(storage, job, ctx, true)) {
      return RunOutcome.success("repository ready");
    } catch (IOException | RuntimeException e) {
      LOG.warn("event=kopia_repo_create_failed job={} error={}", job.jobId(), e.toString());
      return RunOutcome.failed(message(e));
    }
  }

  /** Whether the job's destination already holds a repository ({@code kopia.repository}). */
  public boolean repositoryExists(RunAssignment job, RunContext ctx) throws IOException {
    try (BlobStorage storage = open(job, ctx)) {
      return Repository.exists(storage);
    }
  }

  /**
   * Opens the job's existing repository to read its snapshots (Time Machine's browse, compare and
   * mount), through the same stack and cache as a backup; nothing is created. The caller closes it.
   *
   * @throws RepositoryException when there is no password or no repository yet
   */
  public Repository openExisting(RunAssignment job, RunContext ctx) throws IOException {
    if (job.repositoryPassword() == null || job.repositoryPassword().isEmpty()) {
      throw new RepositoryException("the job has no repository password (repository_password)");
    }
    deriveKeyAhead(job, ctx);
    return openOrCreate(open(job, ctx), job, ctx, false);
  }

  // ---- backup ---------------------------------------------------------------------------

  @Override
  public RunOutcome backup(RunAssignment job, RunContext ctx) {
    ProgressReporter progress = ctx.progress();
    List<String> sources = job.sources();
    if (sources.isEmpty()) {
      return RunOutcome.failed("the job has no source folder to back up");
    }
    if (job.repositoryPassword() == null || job.repositoryPassword().isEmpty()) {
      return RunOutcome.failed("the job has no repository password (repository_password)");
    }
    String compressor;
    try {
      compressor = compressor(job.compression());
    } catch (IllegalArgumentException e) {
      return RunOutcome.failed(e.getMessage());
    }
    deriveKeyAhead(job, ctx);
    try (BlobStorage storage = open(job, ctx);
        Repository repo = openOrCreate(storage, job, ctx, true)) {
      event(
          progress,
          "KOPIA_REPO_CONNECTED",
          EventLevel.INFO,
          "repository connected",
          Map.of("repository", repo.uniqueIdHex().substring(0, 16)));
      ObjectManager objects = new ObjectManager(repo.contents(), repo.splitter());
      SnapshotManager snapshots =
          new SnapshotManager(new ManifestStore(repo.contents(), ctx.clock()));
      SourceInfo source = sourceOf(job);
      // Named and tagged by the live paths (the snapshot's identity); walked where the run's
      // source access reads them (a VSS shadow copy of the volume, when there is one).
      List<Uploader.Root> roots = roots(sources);
      List<Uploader.Root> readRoots =
          roots.stream()
              .map(r -> new Uploader.Root(r.name(), ctx.sourceAccess().readRoot(r.path())))
              .toList();
      DirEntry previous = previousRoot(snapshots, source);
      event(
          progress,
          "KOPIA_SNAPSHOT_STARTING",
          EventLevel.INFO,
          previous == null
              ? "first snapshot of " + source.path()
              : "incremental snapshot of " + source.path(),
          Map.of("incremental", previous != null));
      int parallelism = job.parallelism() > 0 ? job.parallelism() : 4;
      UploadOptions options =
          new UploadOptions(
              parallelism,
              compressor,
              checkpointInterval,
              50_000,
              ctx.workDir().resolve("kopia-spill"));
      UploadResult result;
      try (Uploader uploader =
          new Uploader(objects, snapshots, options, progress, ctx.cancellation(), ctx.clock())
              .readingThrough(ctx.sourceAccess())) {
        result = uploader.upload(source, readRoots, previous, tags(roots));
      }
      SnapshotManifest m = result.manifest();
      Map<String, Object> stats = new LinkedHashMap<>();
      stats.put("files", m.stats().fileCount());
      stats.put("dirs", m.stats().dirCount());
      stats.put("bytes", m.stats().totalSize());
      stats.put("cached_files", m.stats().cachedFiles());
      stats.put("hashed_files", m.stats().nonCachedFiles());
      stats.put("hashed_bytes", result.bytesHashed());
      stats.put("errors", m.stats().errorCount());
      stats.put("dedup_reused_bytes", m.stats().totalSize() - result.bytesHashed());
      event(
          progress,
          "KOPIA_SNAPSHOT_SAVED",
          EventLevel.INFO,
          "snapshot " + result.manifestId() + " saved",
          Map.of("manifest_id", result.manifestId()));
      RunStatus status = m.stats().errorCount() > 0 ? RunStatus.WARNING : RunStatus.SUCCESS;
      String message =
          status == RunStatus.WARNING
              ? m.stats().errorCount() + " entries could not be read; snapshot saved without them"
              : "snapshot saved";
      try {
        List<String> expired = applyRetention(job, repo, snapshots, source, progress);
        stats.put("snapshots_expired", expired.size());
      } catch (IOException | RuntimeException e) {
        // The snapshot is saved; a retention that failed is retried after the next one.
        LOG.warn("event=kopia_retention_failed job={} error={}", job.jobId(), e.toString());
        event(
            progress,
            "KOPIA_RETENTION_FAILED",
            EventLevel.WARN,
            "retention could not be applied: " + message(e),
            Map.of());
        status = RunStatus.WARNING;
        message = message + "; retention could not be applied: " + message(e);
      }
      String maintained = autoMaintenance(job, repo, source, ctx);
      if (maintained != null) {
        stats.put("maintenance", maintained);
      }
      return new RunOutcome(status, message, stats, result.manifestId());
    } catch (RunCancelledException e) {
      return RunOutcome.cancelled(
          "backup cancelled: "
              + e.getMessage()
              + " (a checkpoint was saved so the next run resumes)");
    } catch (IOException | RuntimeException e) {
      LOG.warn("event=kopia_backup_failed job={} error={}", job.jobId(), e.toString());
      event(progress, "KOPIA_BACKUP_FAILED", EventLevel.ERROR, message(e), Map.of());
      return RunOutcome.failed(message(e));
    }
  }

  /**
   * Kopia's retention of the job's {@code retention_json} after every snapshot ({@code kopia
   * snapshot create} expires the source's snapshots the same way): the snapshots no rule keeps are
   * deleted and listed in the run's events. Their data is reclaimed by full maintenance later.
   */
  private static List<String> applyRetention(
      RunAssignment job,
      Repository repo,
      SnapshotManager snapshots,
      SourceInfo source,
      ProgressReporter progress)
      throws IOException {
    RetentionPolicy policy = RetentionPolicy.fromJson(job.retention());
    if (policy == null) {
      return List.of();
    }
    List<String> expired = new ArrayList<>();
    for (SnapshotManifest old :
        ca.eazybackup.e3.agent.backup.retention.Retention.toDelete(
            policy, snapshots.list(source))) {
      snapshots.delete(old.id());
      expired.add(old.id());
    }
    if (expired.isEmpty()) {
      return expired;
    }
    repo.contents().flush();
    event(
        progress,
        "KOPIA_RETENTION_APPLIED",
        EventLevel.INFO,
        expired.size() + " snapshot" + (expired.size() == 1 ? "" : "s") + " expired by retention",
        Map.of("expired", List.copyOf(expired)));
    return expired;
  }

  /**
   * Kopia's automatic maintenance after a snapshot: quick or full when due, by the repository's
   * maintenance owner only. A failure is logged and reported, never fails the backup that saved its
   * snapshot. Returns the mode that ran, or null.
   */
  private static String autoMaintenance(
      RunAssignment job, Repository repo, SourceInfo source, RunContext ctx) {
    ProgressReporter progress = ctx.progress();
    try {
      AutoMaintenance.Outcome o =
          new AutoMaintenance(
                  repo, ctx.clock(), ctx.cancellation(), source.userName() + "@" + source.host())
              .runIfDue();
      if (!o.ran()) {
        LOG.debug("event=auto_maintenance_skipped job={} reason=\"{}\"", job.jobId(), o.decision());
        return null;
      }
      event(
          progress,
          "KOPIA_MAINTENANCE_AUTO",
          EventLevel.INFO,
          "scheduled " + o.report().summary(),
          o.report().stats());
      return o.report().mode();
    } catch (RunCancelledException e) {
      return null;
    } catch (IOException | RuntimeException e) {
      LOG.warn("event=auto_maintenance_failed job={} error={}", job.jobId(), e.toString());
      event(
          progress,
          "KOPIA_MAINTENANCE_AUTO_FAILED",
          EventLevel.WARN,
          "scheduled maintenance failed: " + message(e),
          Map.of());
      return null;
    }
  }

  private static String message(Throwable e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  static String compressor(String name) {
    if (name == null
        || name.isBlank()
        || name.equalsIgnoreCase("auto")
        || name.equalsIgnoreCase("default")) {
      return "zstd";
    }
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.equals("none") || n.equals("off") || n.equals("false")) {
      return Compressors.NONE;
    }
    if (!Compressors.knownNames().contains(n)) {
      throw new IllegalArgumentException(
          "unsupported compression '" + name + "': use one of " + Compressors.knownNames());
    }
    return n;
  }

  private Repository openOrCreate(
      BlobStorage storage, RunAssignment job, RunContext ctx, boolean mayCreate)
      throws IOException {
    Path cache = cacheDir(ctx);
    BlobRetention lock = ObjectLocks.fromPolicy(job.policy());
    if (Repository.exists(storage)) {
      Repository repo = Repository.open(storage, job.repositoryPassword(), cache);
      if (lock == null || lock.equals(repo.retention()) || !mayCreate) {
        return repo;
      }
      // The job asks for (another) object lock than the repository has: set it as Kopia's
      // set-parameters would, then reopen so every writer locks what it writes.
      repo.close();
      Repository.setRetention(storage, job.repositoryPassword(), lock, cache);
      ctx.progress()
          .event(
              "KOPIA_OBJECT_LOCK_SET",
              EventLevel.INFO,
              "object lock " + lock.mode() + " for " + lock.period().toDays() + " days",
              Map.of("mode", lock.mode(), "days", lock.period().toDays()));
      return Repository.open(storage, job.repositoryPassword(), cache);
    }
    if (!mayCreate) {
      throw new RepositoryException(
          "no Kopia repository at the job's destination: run a backup first");
    }
    RepositoryOptions d = RepositoryOptions.defaults();
    String encryption =
        job.encryptionMode() == null
                || job.encryptionMode().isBlank()
                || job.encryptionMode().equalsIgnoreCase("default")
            ? d.encryption()
            : job.encryptionMode();
    Repository created =
        Repository.create(
            storage,
            job.repositoryPassword(),
            new RepositoryOptions(
                NEW_REPOSITORY_HASH,
                encryption,
                d.splitter(),
                d.maxPackSize(),
                d.defaultCompressor()),
            lock);
    ctx.progress().event("KOPIA_REPO_CREATED", EventLevel.INFO, "repository created", Map.of());
    if (cache == null) {
      return created;
    }
    // Reopen with the job's cache, so this first run already fills the metadata cache the next
    // (incremental) run reads its previous directories from. The key derivation is memoised.
    created.close();
    return Repository.open(storage, job.repositoryPassword(), cache);
  }

  static SourceInfo sourceOf(RunAssignment job) {
    String host = hostname();
    String user = System.getProperty("user.name", "agent");
    List<String> sources = job.sources();
    String path = sources.size() == 1 ? sources.get(0) : String.join(";", sources);
    return new SourceInfo(host, user == null || user.isBlank() ? "agent" : user, path);
  }

  static String hostname() {
    String env = System.getenv("COMPUTERNAME");
    if (env != null && !env.isBlank()) {
      return env.toLowerCase(Locale.ROOT);
    }
    try {
      return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
    } catch (IOException e) {
      return "localhost";
    }
  }

  /** The sources as roots; under a virtual root each gets its last path segment as name. */
  static List<Uploader.Root> roots(List<String> sources) {
    List<Uploader.Root> roots = new ArrayList<>();
    java.util.Set<String> used = new java.util.HashSet<>();
    for (String s : sources) {
      Path p = Path.of(s);
      String base = p.getFileName() == null ? p.toString() : p.getFileName().toString();
      base = base.replaceAll("[\\\\/:]", "_");
      if (base.isBlank() || base.equals("_")) {
        base = "root";
      }
      String name = base;
      for (int i = 2; !used.add(name); i++) {
        name = base + "-" + i;
      }
      roots.add(new Uploader.Root(name, p));
    }
    return roots;
  }

  private static Map<String, String> tags(List<Uploader.Root> roots) {
    if (roots.size() < 2) {
      return Map.of();
    }
    Map<String, String> tags = new LinkedHashMap<>();
    for (Uploader.Root r : roots) {
      tags.put(SOURCE_TAG + r.name(), r.path().toString());
    }
    return tags;
  }

  /** The latest snapshot of the source, complete or a checkpoint: its entries are reusable. */
  private static DirEntry previousRoot(SnapshotManager snapshots, SourceInfo source)
      throws IOException {
    List<SnapshotManifest> all = snapshots.list(source);
    return all.isEmpty() ? null : all.get(all.size() - 1).rootEntry();
  }

  private static void event(
      ProgressReporter p,
      String code,
      EventLevel level,
      String message,
      Map<String, Object> params) {
    try {
      p.event(code, level, message, params);
    } catch (RuntimeException e) {
      LOG.debug("event=progress_event_failed code={} error={}", code, e.toString());
    }
  }

  // ---- restore --------------------------------------------------------------------------

  @Override
  public RunOutcome restore(RunAssignment job, RestoreRequest request, RunContext ctx) {
    // The run's lifecycle events (RESTORE_STARTING … RESTORE_COMPLETED/FAILED/CANCELLED) are the
    // runtime reporter's; the engine only adds KOPIA_RESTORE_* detail, so none arrives twice.
    ProgressReporter progress = ctx.progress();
    if (request.manifestId() == null || request.manifestId().isBlank()) {
      return restoreFailed(progress, "the restore names no snapshot (manifest_id)");
    }
    OverwriteMode mode;
    try {
      mode = OverwriteMode.parse(request.overwrite());
    } catch (IllegalArgumentException e) {
      return restoreFailed(progress, e.getMessage());
    }
    deriveKeyAhead(job, ctx);
    try (BlobStorage storage = open(job, ctx);
        Repository repo = openOrCreate(storage, job, ctx, false)) {
      event(
          progress,
          "KOPIA_RESTORE_REPO_CONNECTED",
          EventLevel.INFO,
          "repository connected",
          Map.of());
      ObjectManager objects = new ObjectManager(repo.contents(), repo.splitter());
      SnapshotManager snapshots =
          new SnapshotManager(new ManifestStore(repo.contents(), ctx.clock()));
      SnapshotManifest m = snapshots.load(request.manifestId()).orElse(null);
      if (m == null) {
        return restoreFailed(
            progress, "snapshot " + request.manifestId() + " not found in the repository");
      }
      DirEntry root = m.rootEntry();
      progress.scanFound(
          root.summary() == null ? 0 : root.summary().files(),
          root.summary() == null ? 0 : root.summary().size());
      progress.scanFinished();
      // Restore overlaps ranged GETs with decoding: at least Kopia's default of 8 readers.
      int parallelism =
          Integer.getInteger("e3.kopia.restoreParallelism", Math.max(8, job.parallelism()));
      RestoreResult total;
      try (Restorer restorer = new Restorer(objects, progress, ctx.cancellation(), parallelism)) {
        event(
            progress,
            EventCodes.KOPIA_RESTORE_STARTING,
            EventLevel.INFO,
            "restoring snapshot " + m.id(),
            Map.of());
        total = restoreInto(restorer, m, request, mode);
      }
      Map<String, Object> stats = new LinkedHashMap<>();
      stats.put("files", total.files());
      stats.put("bytes", total.bytes());
      stats.put("dirs", total.dirs());
      stats.put("skipped_existing", total.skippedExisting());
      stats.put("deleted_extra", total.deletedExtra());
      event(
          progress,
          EventCodes.KOPIA_RESTORE_COMPLETED,
          EventLevel.INFO,
          "restored " + total.files() + " files",
          Map.copyOf(stats));
      return new RunOutcome(RunStatus.SUCCESS, "restore completed", stats, m.id());
    } catch (RunCancelledException e) {
      return restoreCancelled(progress, e.getMessage());
    } catch (IOException | RuntimeException e) {
      if (ctx.cancellation().isCancelled()) {
        // A cancel can surface as an interrupted read or write rather than RunCancelledException:
        // it is still a cancelled run, not a failed one.
        return restoreCancelled(progress, ctx.cancellation().reason());
      }
      LOG.warn("event=kopia_restore_failed job={} error={}", job.jobId(), e.toString());
      return restoreFailed(progress, message(e));
    }
  }

  private static RunOutcome restoreCancelled(ProgressReporter progress, String reason) {
    event(
        progress,
        EventCodes.KOPIA_RESTORE_CANCELLED,
        EventLevel.WARN,
        "restore cancelled",
        Map.of("reason", String.valueOf(reason)));
    return RunOutcome.cancelled("restore cancelled: " + reason);
  }

  private RestoreResult restoreInto(
      Restorer restorer, SnapshotManifest m, RestoreRequest request, OverwriteMode mode)
      throws IOException, RunCancelledException {
    boolean toOriginal = request.targetPath() == null || request.targetPath().isBlank();
    Map<String, String> sourceTags = new LinkedHashMap<>();
    m.tags()
        .forEach(
            (k, v) -> {
              if (k.startsWith(SOURCE_TAG)) {
                sourceTags.put(k.substring(SOURCE_TAG.length()), v);
              }
            });
    if (!toOriginal || sourceTags.isEmpty()) {
      Path target = toOriginal ? Path.of(m.source().path()) : Path.of(request.targetPath());
      return restorer.restore(m.rootEntry(), target, request.paths(), mode, request.deleteExtra());
    }
    // Virtual root restored in place: each source back to its own folder.
    RestoreResult last = new RestoreResult(0, 0, 0, 0, 0, 0);
    long files = 0;
    long bytes = 0;
    long dirs = 0;
    long skipped = 0;
    long deleted = 0;
    long links = 0;
    for (Map.Entry<String, String> s : sourceTags.entrySet()) {
      List<String> sub = new ArrayList<>();
      boolean selected = request.paths().isEmpty();
      for (String p : request.paths()) {
        String clean = p.replace('\\', '/').replaceAll("^/+", "");
        if (clean.equals(s.getKey())) {
          selected = true;
        } else if (clean.startsWith(s.getKey() + "/")) {
          selected = true;
          sub.add(clean.substring(s.getKey().length() + 1));
        }
      }
      if (!selected) {
        continue;
      }
      DirEntry child = childOf(restorer, m, s.getKey());
      if (child == null) {
        continue;
      }
      last = restorer.restore(child, Path.of(s.getValue()), sub, mode, request.deleteExtra());
      files = last.files();
      bytes = last.bytes();
      dirs = last.dirs();
      skipped = last.skippedExisting();
      deleted = last.deletedExtra();
      links = last.symlinks();
    }
    return new RestoreResult(files, bytes, dirs, skipped, deleted, links);
  }

  private DirEntry childOf(Restorer restorer, SnapshotManifest m, String name) throws IOException {
    return restorer.child(m.rootEntry(), name);
  }

  private static RunOutcome restoreFailed(ProgressReporter progress, String message) {
    event(progress, EventCodes.KOPIA_RESTORE_FAILED, EventLevel.ERROR, message, Map.of());
    return RunOutcome.failed(message);
  }

  // ---- maintenance ----------------------------------------------------------------------

  @Override
  public RunOutcome maintain(RunAssignment job, MaintenanceMode mode, RunContext ctx) {
    ProgressReporter progress = ctx.progress();
    deriveKeyAhead(job, ctx);
    try (BlobStorage storage = open(job, ctx);
        Repository repo = openOrCreate(storage, job, ctx, false)) {
      RetentionPolicy policy = RetentionPolicy.fromJson(job.retention());
      Maintenance maintenance = new Maintenance(repo, ctx.clock(), ctx.cancellation());
      // A repository named without a job (the repo CLI) has no source to apply retention to.
      SourceInfo source = job.sources().isEmpty() ? null : sourceOf(job);
      MaintenanceReport report = maintenance.run(mode, policy, source);
      long extended = mode == MaintenanceMode.FULL ? ObjectLocks.extend(repo) : 0;
      if (extended > 0) {
        event(
            progress,
            "KOPIA_OBJECT_LOCKS_EXTENDED",
            EventLevel.INFO,
            "object lock extended on " + extended + " blobs",
            Map.of("blobs", extended));
      }
      event(
          progress,
          "KOPIA_MAINTENANCE_COMPLETED",
          EventLevel.INFO,
          report.summary(),
          report.stats());
      return new RunOutcome(RunStatus.SUCCESS, report.summary(), report.stats(), null);
    } catch (RunCancelledException e) {
      return RunOutcome.cancelled("maintenance cancelled: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      LOG.warn("event=kopia_maintenance_failed job={} error={}", job.jobId(), e.toString());
      return RunOutcome.failed(message(e));
    }
  }

  // ---- snapshots -----------------------------------------------------------------------

  /** Every snapshot in the job's repository (all sources), oldest first; nothing is written. */
  public List<SnapshotManifest> snapshots(RunAssignment job, RunContext ctx) throws IOException {
    deriveKeyAhead(job, ctx);
    try (BlobStorage storage = open(job, ctx);
        Repository repo = openOrCreate(storage, job, ctx, false)) {
      List<SnapshotManifest> all =
          new ArrayList<>(
              new SnapshotManager(new ManifestStore(repo.contents(), ctx.clock())).listAll());
      all.sort(
          java.util.Comparator.comparing(
              SnapshotManifest::startTime,
              java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())));
      return all;
    }
  }

  // ---- verify ---------------------------------------------------------------------------

  /** How often a long verify reports where it is. */
  private static final Duration VERIFY_PROGRESS_EVERY = Duration.ofSeconds(10);

  @Override
  public RunOutcome verify(RunAssignment job, int readDataPercent, RunContext ctx) {
    ProgressReporter progress = ctx.progress();
    if (readDataPercent < 0 || readDataPercent > 100) {
      return RunOutcome.failed(
          "read_data_percent must be between 0 and 100, got " + readDataPercent);
    }
    deriveKeyAhead(job, ctx);
    try (BlobStorage storage = open(job, ctx);
        Repository repo = openOrCreate(storage, job, ctx, false)) {
      event(
          progress,
          "KOPIA_VERIFY_STARTING",
          EventLevel.INFO,
          "verifying repository"
              + (readDataPercent > 0 ? ", reading " + readDataPercent + "% of packs" : ""),
          Map.of("read_data_percent", readDataPercent));
      long[] lastReport = {System.nanoTime()};
      Verifier.Progress onProgress =
          (phase, done, total, bytes) -> {
            long now = System.nanoTime();
            if (done == total || now - lastReport[0] >= VERIFY_PROGRESS_EVERY.toNanos()) {
              lastReport[0] = now;
              event(
                  progress,
                  "KOPIA_VERIFY_PROGRESS",
                  EventLevel.INFO,
                  phase + " " + done + "/" + total,
                  Map.of("phase", phase, "done", done, "total", total, "bytes_read", bytes));
            }
          };
      VerifyReport report =
          new Verifier(repo, ctx.clock(), ctx.cancellation(), onProgress)
              .run(readDataPercent, ctx.clock().millis() / Duration.ofDays(1).toMillis());
      Map<String, Object> stats = report.stats();
      if (report.ok()) {
        event(progress, "KOPIA_VERIFY_COMPLETED", EventLevel.INFO, report.summary(), stats);
        return new RunOutcome(RunStatus.SUCCESS, report.summary(), stats, null);
      }
      Map<String, Object> withProblems = new LinkedHashMap<>(stats);
      withProblems.put(
          "first_problems", report.problems().subList(0, Math.min(20, report.problems().size())));
      event(
          progress, "KOPIA_VERIFY_DAMAGE_FOUND", EventLevel.ERROR, report.summary(), withProblems);
      return new RunOutcome(RunStatus.FAILED, report.summary(), stats, null);
    } catch (RunCancelledException e) {
      return RunOutcome.cancelled("verify cancelled: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      LOG.warn("event=kopia_verify_failed job={} error={}", job.jobId(), e.toString());
      return RunOutcome.failed("verify could not run: " + message(e));
    }
  }
}
