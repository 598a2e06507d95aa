package ca.eazybackup.e3.agent.nas.mount;

import ca.eazybackup.e3.agent.api.Backoff;
import ca.eazybackup.e3.agent.logging.Redactor;
import ca.eazybackup.e3.agent.nas.NasEvents;
import ca.eazybackup.e3.agent.nas.NasException;
import ca.eazybackup.e3.agent.nas.NasServer;
import ca.eazybackup.e3.agent.nas.ServedVolume;
import ca.eazybackup.e3.agent.nas.vfs.S3FileSystem;
import ca.eazybackup.e3.agent.s3.S3ClientFactory;
import ca.eazybackup.e3.agent.s3.S3Target;
import ca.eazybackup.e3.shims.DriveUse;
import ca.eazybackup.e3.shims.WindowsHost;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's Cloud NAS drives: {@code nas_mount} and {@code nas_unmount} (the seed's {@code
 * mountNASDrive} / {@code unmountNASDrive}), the mounts made again at start, and the cache figures
 * the addon shows. One {@link NasServer} (one port) serves every drive of the process.
 *
 * <p>Mount: check the letter, serve the bucket (which checks bucket and keys), start WebClient,
 * clear a stale mapping of ours, map, label, notify Explorer, warn about WebClient's file-size
 * limit, open Explorer, report {@code mounted}. Unmount, in the seed's order after flushing first:
 * wait for pending uploads, remove the mapping, stop serving, report {@code unmounted}. Both are
 * idempotent: a repeated mount of a drive that is up reports it again, an unmount of a drive that
 * is not mounted clears what is left and reports {@code unmounted}.
 *
 * <p>All methods may be called from any thread; mounts and unmounts run one at a time.
 */
public final class NasMounts implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NasMounts.class);

  /** How long an unmount waits for uploads before it gives up and leaves the drive mounted. */
  static final Duration UNMOUNT_FLUSH = Duration.ofMinutes(2);

  /** How long a stopping agent waits for each drive's uploads (the rest resume at next start). */
  static final Duration SHUTDOWN_FLUSH = Duration.ofSeconds(20);

  /**
   * How long a drive's leftover uploads are waited for before the addon is told they are stuck (the
   * uploads go on; the wait starts again).
   */
  static final Duration LEFTOVER_ROUND = Duration.ofMinutes(1);

  /** What a command answers: completed or failed, and the message the addon stores. */
  public record Result(boolean ok, String message) {}

  /**
   * A drive being served. {@code viaTray}: mapped by the tray helper in the signed-in user's
   * session, because a mapping this (elevated) process made would be invisible to Explorer. {@code
   * snapshot}: a Time Machine drive's check that its snapshot is still there; null for a Cloud NAS
   * drive.
   */
  private record Active(
      MountRequest request,
      ServedVolume volume,
      String url,
      String warning,
      boolean viaTray,
      String label,
      SnapshotCheck snapshot) {
    Active(
        MountRequest request,
        ServedVolume volume,
        String url,
        String warning,
        boolean viaTray,
        String label) {
      this(request, volume, url, warning, viaTray, label, null);
    }
  }

  /** What a Time Machine drive whose agent restarted is reported with (decisions.md). */
  public static final String SNAPSHOT_NOT_REMOUNTED =
      "the agent restarted: Time Machine drives are not mounted again after a restart; mount the"
          + " snapshot again";

  /**
   * A drive the tray helper maps in the user's session (the service cannot: session isolation);
   * {@code served} false: unmounted, the helper removes its mapping to {@code url}.
   */
  public record UserDrive(char letter, String url, String label, boolean served) {}

  /** Tray drives unmounted lately, so a helper started later still removes their mappings. */
  private final java.util.Deque<UserDrive> releasedTrayDrives = new java.util.ArrayDeque<>();

  private final WindowsHost host;
  private final S3ClientFactory s3;
  private final Path nasDir;
  private final MountReports reports;
  private final WindowsDrive drive;
  private final MountStore store;
  private final Map<Long, Active> active = new LinkedHashMap<>();
  private final Map<Long, Long> reportedCache = new LinkedHashMap<>();

  /**
   * Why an unmount did not happen, per drive still served: its reports stay "error" with this
   * reason (the cache refresh would otherwise flip the card back to "mounted") until an unmount
   * succeeds.
   */
  private final Map<Long, String> failedUnmounts = new LinkedHashMap<>();

  private final Map<Long, String> eventWarnings = new java.util.concurrent.ConcurrentHashMap<>();
  private final ScheduledExecutorService ticker;
  private final Map<Long, Leftover> leftovers = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile Duration unmountFlush = UNMOUNT_FLUSH;
  private volatile Duration leftoverRound = LEFTOVER_ROUND;
  private NasServer server;
  private volatile boolean closed;

  /**
   * @param nasDir the agent's Cloud NAS folder: {@code mounts.json} and one cache folder per mount
   * @param cacheReportInterval how often a changed cache size is reported while mounted
   */
  public NasMounts(
      WindowsHost host,
      S3ClientFactory s3,
      Path nasDir,
      MountReports reports,
      Duration cacheReportInterval) {
    this.host = host;
    this.s3 = s3;
    this.nasDir = nasDir;
    this.reports = reports;
    this.drive = new WindowsDrive(host);
    this.store = new MountStore(nasDir.resolve("mounts.json"), host);
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "e3-nas-report");
              t.setDaemon(true);
              return t;
            });
    long ms = Math.max(100, cacheReportInterval.toMillis());
    ticker.scheduleWithFixedDelay(this::reportCaches, ms, ms, TimeUnit.MILLISECONDS);
    ticker.scheduleWithFixedDelay(this::checkSnapshots, ms, ms, TimeUnit.MILLISECONDS);
  }

  // ------------------------------------------------------------------ mount

  /** {@code nas_mount}: mounts the payload's drive and reports the outcome to the addon. */
  public Result mount(JsonNode payload) {
    return mount(payload, true);
  }

  private Result mount(JsonNode payload, boolean openExplorerDefault) {
    Redactor.global().register(payload.path("secret_key").asText(null));
    MountRequest r;
    try {
      r = MountRequest.parse(payload, openExplorerDefault);
    } catch (MountException e) {
      return failed(payload, e.getMessage());
    }
    synchronized (this) {
      if (closed) {
        return failed(payload, "the agent is stopping; mount again when it is back");
      }
      try {
        return mountLocked(r);
      } catch (MountException e) {
        log.warn(
            "nas.mount_failed mount_id={} letter={} error={}",
            r.mountId(),
            r.driveLetter(),
            e.getMessage());
        reports.status(r.mountId(), "error", e.getMessage(), cacheBytes(r.mountId()), null);
        return new Result(false, e.getMessage());
      }
    }
  }

  private Result mountLocked(MountRequest r) throws MountException {
    char letter = r.driveLetter();
    // The drive's cache may be held by the uploader of what a killed process left: the mounted
    // volume takes those uploads over.
    stopLeftover(r.mountId());
    Active current = active.get(r.mountId());
    if (current != null) {
      if (current.request().sameMount(r) && stillMapped(current)) {
        report(r.mountId(), current);
        return new Result(true, "drive " + letter + ": is already mounted (" + describe(r) + ")");
      }
      // Changed settings or a mapping someone removed: mount it afresh.
      unmountLocked(current);
    }
    for (Active other : active.values()) {
      if (other.request().driveLetter() == letter) {
        throw new MountException(
            "drive "
                + letter
                + ": is in use by the Cloud NAS drive of bucket '"
                + other.request().bucket()
                + "': pick another letter or unmount that drive first");
      }
    }
    DriveUse use = drive.checkLetter(letter);
    ServedVolume volume;
    try {
      volume =
          server()
              .serveBucket(
                  s3,
                  r.target(),
                  r.bucket(),
                  r.prefix(),
                  r.options(cacheDir(r.mountId())),
                  events(r.mountId()));
    } catch (NasException e) {
      throw new MountException(e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new MountException("the mount's settings are invalid: " + e.getMessage(), e);
    }
    String url = volume.url().toString();
    // Elevated (the service, an Administrator console) without EnableLinkedConnections: a mapping
    // made here would be invisible to Explorer, so the tray helper maps it in the user's session.
    boolean viaTray = !drive.mappingsVisibleToExplorer();
    try {
      // Started here in either case: the user's unelevated session may not start a service.
      drive.ensureWebClient();
      if (!viaTray) {
        drive.map(letter, url, r.label(), use);
      }
    } catch (MountException e) {
      volume.close();
      throw e;
    }
    String warning = sizeWarning(r);
    if (r.openExplorer() && !viaTray) {
      drive.open(letter);
    }
    store.put(r, url);
    Active a = new Active(r, volume, url, warning, viaTray, r.label());
    active.put(r.mountId(), a);
    eventWarnings.remove(r.mountId());
    log.info(
        "nas.mounted mount_id={} letter={} bucket={} prefix={} cache_mode={} read_only={} upload_kbps={} download_kbps={} warning={}",
        r.mountId(),
        letter,
        r.bucket(),
        r.prefix(),
        r.cacheMode().wireName(),
        r.readOnly(),
        r.uploadKbps(),
        r.downloadKbps(),
        warning != null);
    report(r.mountId(), a);
    return new Result(
        true,
        "drive "
            + letter
            + ": mounted ("
            + describe(r)
            + ")"
            + (viaTray ? "; mapped in the signed-in user's session by the tray helper" : "")
            + (warning == null ? "" : "; " + warning));
  }

  /** The drives the tray helper is to map in the user's session (tray channel {@code drives}). */
  public synchronized List<UserDrive> userSessionDrives() {
    List<UserDrive> out = new ArrayList<>(releasedTrayDrives);
    active.values().stream()
        .filter(Active::viaTray)
        .map(a -> new UserDrive(a.request().driveLetter(), a.url(), a.label(), true))
        .forEach(out::add);
    return out;
  }

  // ------------------------------------------------------------ snapshot (Time Machine)

  /**
   * Opens a backup snapshot as a read-only volume on {@code server}, with the label its drive gets.
   * Time Machine's side of {@code nas_mount_snapshot}; passed in so that Cloud NAS does not depend
   * on the backup engine.
   */
  @FunctionalInterface
  public interface SnapshotOpener {
    SnapshotVolume open(NasServer server, JsonNode payload) throws Exception;
  }

  /**
   * Whether a mounted snapshot is still in its repository; asked at every status-report interval.
   * Returns null while it is, else why it is gone (the drive is then unmounted and the reason
   * reported as its error). An exception means "cannot tell now" (S3 unreachable): the drive stays.
   */
  @FunctionalInterface
  public interface SnapshotCheck {
    String gone() throws Exception;
  }

  /**
   * A served snapshot, its drive label ("Time Machine (job, date)") and the check that it still
   * exists.
   */
  public record SnapshotVolume(ServedVolume volume, String label, SnapshotCheck check) {
    /** A snapshot that cannot go away under its drive (tests). */
    public SnapshotVolume(ServedVolume volume, String label) {
      this(volume, label, () -> null);
    }
  }

  /**
   * {@code nas_mount_snapshot}: maps the snapshot {@code opener} serves to the payload's letter,
   * read-only, and reports it like a Cloud NAS drive; {@code nas_unmount} removes it. A snapshot
   * deleted under the drive (retention, maintenance) unmounts it with the reason as its error
   * ({@link #checkSnapshots}). It is not mounted again at the next start, which reports it {@code
   * unmounted} with {@link #SNAPSHOT_NOT_REMOUNTED} instead (decisions.md).
   */
  public Result mountSnapshot(JsonNode payload, SnapshotOpener opener) {
    Redactor.global().register(payload.path("secret_key").asText(null));
    Redactor.global().register(payload.path("repository_password").asText(null));
    MountRequest r;
    try {
      com.fasterxml.jackson.databind.node.ObjectNode p =
          payload.isObject()
              ? ((com.fasterxml.jackson.databind.node.ObjectNode) payload).deepCopy()
              : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
      p.put("read_only", true);
      if (p.path("cache_mode").asText("").isBlank()) {
        p.put("cache_mode", "off");
      }
      r = MountRequest.parse(p, true);
    } catch (MountException e) {
      return failed(payload, e.getMessage());
    }
    synchronized (this) {
      if (closed) {
        return failed(payload, "the agent is stopping; mount again when it is back");
      }
      try {
        return mountSnapshotLocked(r, payload, opener);
      } catch (MountException e) {
        log.warn(
            "nas.snapshot_mount_failed mount_id={} letter={} error={}",
            r.mountId(),
            r.driveLetter(),
            e.getMessage());
        reports.status(r.mountId(), "error", e.getMessage(), null, null);
        return new Result(false, e.getMessage());
      }
    }
  }

  private Result mountSnapshotLocked(MountRequest r, JsonNode payload, SnapshotOpener opener)
      throws MountException {
    char letter = r.driveLetter();
    Active current = active.get(r.mountId());
    if (current != null) {
      unmountLocked(current);
    }
    for (Active other : active.values()) {
      if (other.request().driveLetter() == letter) {
        throw new MountException(
            "drive "
                + letter
                + ": is in use by another Cloud NAS drive: pick another letter or unmount that"
                + " drive first");
      }
    }
    DriveUse use = drive.checkLetter(letter);
    SnapshotVolume sv;
    try {
      sv = opener.open(server(), payload);
    } catch (MountException e) {
      throw e;
    } catch (Exception e) {
      throw new MountException(
          "the snapshot cannot be opened: " + (e.getMessage() == null ? e : e.getMessage()), e);
    }
    String url = sv.volume().url().toString();
    boolean viaTray = !drive.mappingsVisibleToExplorer(); // as for a Cloud NAS drive
    try {
      drive.ensureWebClient();
      if (!viaTray) {
        drive.map(letter, url, sv.label(), use);
      }
    } catch (MountException e) {
      sv.volume().close();
      throw e;
    }
    if (r.openExplorer() && !viaTray) {
      drive.open(letter);
    }
    SnapshotCheck check = sv.check() != null ? sv.check() : () -> null;
    Active a = new Active(r, sv.volume(), url, null, viaTray, sv.label(), check);
    active.put(r.mountId(), a);
    // remembered so that the next process clears the mapping and tells the addon it is gone
    store.putSnapshot(r, url, payload.path("manifest_id").asText(""));
    log.info("nas.snapshot_mounted mount_id={} letter={}", r.mountId(), letter);
    report(r.mountId(), a);
    return new Result(true, "drive " + letter + ": mounted (" + sv.label() + ", read-only)");
  }

  private boolean stillMapped(Active a) {
    if (a.viaTray()) {
      return true; // mapped in the user's session, which this process cannot see
    }
    try {
      DriveUse use = host.drives().probe(a.request().driveLetter());
      return use.kind() == DriveUse.Kind.NETWORK
          && use.remote() != null
          && WindowsDrive.sameTarget(use.remote(), a.url());
    } catch (ca.eazybackup.e3.shims.ShimException e) {
      return false;
    }
  }

  /**
   * The warning the client sees when WebClient would refuse a file of this drive: Windows' default
   * limit is 50,000,000 bytes (KB 900900), well below a video or a disk image.
   */
  private String sizeWarning(MountRequest r) {
    long limit = drive.fileSizeLimit();
    Optional<LargestObject> largest =
        LargestObject.find(s3.client(r.target()), r.bucket(), r.prefix());
    if (largest.isEmpty() || largest.get().size() <= limit) {
      return null;
    }
    LargestObject l = largest.get();
    return String.format(
        java.util.Locale.ROOT,
        "Windows' WebClient limits files to %,d bytes (FileSizeLimitInBytes) and '%s' is %,d"
            + " bytes%s: Explorer cannot open or copy files that large on this drive. Raise"
            + " FileSizeLimitInBytes (up to 4,294,967,295) under"
            + " HKLM\\SYSTEM\\CurrentControlSet\\Services\\WebClient\\Parameters and restart the"
            + " WebClient service",
        limit,
        l.key(),
        l.size(),
        l.wholeListing() ? "" : " (among the first " + LargestObject.MAX_KEYS + " files)");
  }

  // ---------------------------------------------------------------- unmount

  /** {@code nas_unmount}: flushes, unmaps, stops serving, reports {@code unmounted}. */
  public Result unmount(JsonNode payload) {
    long mountId;
    try {
      mountId = MountRequest.mountId(payload);
    } catch (MountException e) {
      return new Result(false, e.getMessage());
    }
    Character letter = null;
    if (payload.hasNonNull("drive_letter")) {
      try {
        letter = MountRequest.letter(payload);
      } catch (MountException e) {
        return new Result(false, e.getMessage());
      }
    }
    synchronized (this) {
      Active a = active.get(mountId);
      try {
        if (a == null) {
          return unmountAbsent(mountId, letter);
        }
        unmountLocked(a);
        failedUnmounts.remove(mountId);
        reports.status(mountId, "unmounted", null, 0L, null);
        return new Result(
            true, "drive " + a.request().driveLetter() + ": unmounted; every write is in S3");
      } catch (MountException e) {
        log.warn("nas.unmount_failed mount_id={} error={}", mountId, e.getMessage());
        Long bytes = a == null ? null : a.volume().cacheBytesUsed();
        if (a != null) {
          failedUnmounts.put(mountId, e.getMessage());
        }
        // error, with the reason, although the drive stays served: the client asked for an
        // unmount that did not happen, and the card must say why (the files stay in the cache)
        reports.status(mountId, "error", e.getMessage(), bytes, null);
        return new Result(false, e.getMessage());
      }
    }
  }

  /**
   * Unmount in the seed's order, flushing first: a drive whose uploads cannot finish stays mapped
   * and served (nothing acknowledged is lost; the user can try again).
   */
  private void unmountLocked(Active a) throws MountException {
    MountRequest r = a.request();
    int pending = a.volume().pendingUploads();
    try {
      a.volume().flush(unmountFlush);
    } catch (NasException e) {
      throw new MountException(
          "drive "
              + r.driveLetter()
              + ": stays mounted: "
              + pending
              + " file(s) are not in S3 yet ("
              + e.getMessage()
              + "); unmount again once the upload can finish",
          e);
    }
    if (!a.viaTray()) {
      drive.unmap(r.driveLetter(), a.url());
    } else {
      releaseTrayDrive(a);
    }
    a.volume().close();
    active.remove(r.mountId());
    failedUnmounts.remove(r.mountId());
    reportedCache.remove(r.mountId());
    eventWarnings.remove(r.mountId());
    store.remove(r.mountId());
    if (a.volume().pendingUploads() == 0) {
      // Clean data only: unmount frees the disk (the addon's "Cache Used" goes back to 0).
      deleteTree(cacheDir(r.mountId()));
    }
    log.info(
        "nas.unmounted mount_id={} letter={} flushed={}", r.mountId(), r.driveLetter(), pending);
  }

  /** An unmount of a drive this process does not serve: clear what a killed one left. */
  private Result unmountAbsent(long mountId, Character letter) throws MountException {
    Optional<MountStore.Entry> left =
        store.entries().stream().filter(e -> e.mountId() == mountId).findFirst();
    Character l = letter;
    if (l == null && left.isPresent()) {
      l = left.get().driveLetter().charAt(0);
    }
    char letterNow = l == null ? 0 : l;
    boolean servedByAnother =
        active.values().stream().anyMatch(a -> a.request().driveLetter() == letterNow);
    if (l != null && !servedByAnother) {
      drive.unmap(l, left.map(MountStore.Entry::url).orElse(null));
    }
    if (left.isPresent() && startLeftover(left.get(), null, true)) {
      return new Result(
          true,
          (l == null ? "the drive" : "drive " + l + ":")
              + " is not mounted; files it saved before the agent stopped are being uploaded, and"
              + " the drive is reported unmounted once they are in S3");
    }
    reports.status(mountId, "unmounted", null, 0L, null);
    return new Result(
        true,
        (l == null ? "the drive" : "drive " + l + ":")
            + " was not mounted by this agent; nothing left to unmount");
  }

  // --------------------------------------------------------------- start-up

  /**
   * At agent start: learns this agent's drives from the addon (retrying while it is unreachable),
   * uploads what a killed process left in the caches of drives not mounted again, and mounts again
   * every drive the addon marks {@code auto_mount} (persistent and not unmounted by the client).
   * Blocks; run it on its own thread.
   */
  public void startUp(MountSource source, Duration retryBase, Duration retryCap) {
    List<JsonNode> listed = null;
    Backoff backoff = new Backoff(retryBase, retryCap);
    while (!closed && listed == null) {
      try {
        listed = source.mounts();
      } catch (Exception e) {
        Duration wait = backoff.next();
        log.warn(
            "nas.list_mounts_failed attempt={} wait_ms={} error={}",
            backoff.attempts(),
            wait.toMillis(),
            e.getMessage());
        sleep(wait);
      }
    }
    if (listed == null) {
      return;
    }
    Map<Long, JsonNode> byId = new LinkedHashMap<>();
    for (JsonNode m : listed) {
      if (m.path("mount_id").canConvertToLong()) {
        byId.put(m.path("mount_id").asLong(), m);
      }
    }
    Set<Long> remount =
        byId.entrySet().stream()
            .filter(e -> e.getValue().path("auto_mount").asBoolean(false))
            .map(Map.Entry::getKey)
            .collect(Collectors.toSet());
    for (MountStore.Entry left : store.entries()) {
      if (!remount.contains(left.mountId()) && !closed) {
        clearLeftover(left, byId.get(left.mountId()));
      }
    }
    int mounted = 0;
    for (long id : remount) {
      if (closed) {
        break;
      }
      if (mount(byId.get(id), false).ok()) {
        mounted++;
      }
    }
    log.info(
        "nas.auto_mount_done listed={} remounted={} of={}", byId.size(), mounted, remount.size());
  }

  /**
   * A drive of the previous process that is not mounted again: unmap what a killed one left, upload
   * what it left in the cache. A Time Machine drive is reported {@code unmounted} with the reason,
   * so the addon does not keep showing a drive that is gone.
   */
  private void clearLeftover(MountStore.Entry left, JsonNode fromAddon) {
    synchronized (this) {
      if (active.containsKey(left.mountId())) {
        return;
      }
      try {
        drive.unmap(left.driveLetter().charAt(0), left.url());
      } catch (MountException e) {
        log.warn("nas.leftover_unmap_failed mount_id={} error={}", left.mountId(), e.getMessage());
      }
      if (left.snapshot() != null) {
        store.remove(left.mountId());
        log.info(
            "nas.snapshot_not_remounted mount_id={} letter={}", left.mountId(), left.driveLetter());
        reports.status(left.mountId(), "unmounted", SNAPSHOT_NOT_REMOUNTED, 0L, null);
        return;
      }
    }
    startLeftover(left, fromAddon, false);
  }

  /** The background upload of one drive's leftovers. */
  private static final class Leftover {
    volatile boolean stop;
    Thread thread;
  }

  /**
   * Starts uploading, in the background, what a killed process left pending in the cache of a drive
   * that is not mounted again (docs/decisions.md, "Cloud NAS: leftover uploads"). Returns false
   * when there is nothing to upload (the entry is dropped at once).
   *
   * @param reportDone report {@code unmounted} once every file is in S3 (an unmount command)
   */
  private boolean startLeftover(MountStore.Entry left, JsonNode fromAddon, boolean reportDone) {
    long id = left.mountId();
    if (!Files.isDirectory(cacheDir(id))) {
      store.remove(id);
      return false;
    }
    Leftover h = new Leftover();
    synchronized (leftovers) {
      if (leftovers.containsKey(id) || closed) {
        return true; // already being uploaded
      }
      leftovers.put(id, h);
      h.thread = new Thread(() -> uploadLeftovers(left, fromAddon, reportDone, h), "nas-leftover");
      h.thread.setDaemon(true);
    }
    h.thread.start();
    return true;
  }

  /**
   * Uploads a drive's leftovers with the addon's keys when it still lists the drive, else the ones
   * sealed in the store, until every file is in S3: the cache's uploaders retry with backoff for as
   * long as it takes. Each round that ends with files still waiting is logged, and the first one is
   * reported to the addon as the drive's {@code error} with the reason (when the addon lists the
   * drive); once all is uploaded the cache and the store entry go, and a drive reported in error or
   * unmounted by the client is reported {@code unmounted}. Nothing is ever deleted before it is in
   * S3.
   */
  private void uploadLeftovers(
      MountStore.Entry left, JsonNode fromAddon, boolean reportDone, Leftover h) {
    long id = left.mountId();
    String drive = "drive " + left.driveLetter() + ":";
    Path cache = cacheDir(id);
    boolean listed = fromAddon != null || reportDone;
    try {
      Optional<S3Target> target = targetFor(left, fromAddon);
      if (target.isEmpty()) {
        String why =
            "files "
                + drive
                + " saved before the agent stopped wait in its cache and no S3 keys are at hand"
                + " to upload them: mount the drive again";
        log.warn("event=nas_leftover_pending mount_id={} reason=no_keys cache={}", id, cache);
        if (listed) {
          reports.status(id, "error", why, null, null);
        }
        return;
      }
      S3FileSystem fs;
      try {
        fs =
            NasServer.openPending(
                s3,
                target.get(),
                left.bucket(),
                left.prefix() == null ? "" : left.prefix(),
                cache,
                events(id));
      } catch (NasException e) {
        log.warn("event=nas_leftover_pending mount_id={} error={}", id, e.getMessage());
        if (listed) {
          reports.status(id, "error", e.getMessage(), null, null);
        }
        return;
      }
      boolean reported = false;
      try {
        while (!h.stop && !closed) {
          int pending = fs.pendingWrites();
          try {
            fs.flushOrFail(leftoverRound);
          } catch (NasException e) {
            if (h.stop || closed) {
              return;
            }
            String why =
                pending
                    + " file(s) "
                    + drive
                    + " saved before the agent stopped are not in S3 yet: "
                    + e.getMessage()
                    + "; the agent keeps trying";
            log.warn("event=nas_leftover_pending mount_id={} files={} detail={}", id, pending, why);
            if (!reported && listed) {
              reports.status(id, "error", why, fs.cacheBytes(), null);
              reported = true;
            }
            continue;
          }
          fs.close(Duration.ZERO);
          log.info("event=nas_leftover_uploaded mount_id={} files={}", id, pending);
          // every file is in S3: the folder can go even if a mount of the drive waits for this
          // thread to end (it opens the cache only after)
          store.remove(id);
          deleteTree(cache);
          if (reported || reportDone) {
            reports.status(id, "unmounted", null, 0L, null);
          }
          return;
        }
      } finally {
        fs.close(Duration.ZERO);
      }
    } finally {
      leftovers.remove(id, h);
    }
  }

  /** Stops the leftover upload of a drive (its files stay in the cache), waiting for it to end. */
  private void stopLeftover(long mountId) {
    Leftover h = leftovers.get(mountId);
    if (h == null) {
      return;
    }
    h.stop = true;
    h.thread.interrupt();
    try {
      h.thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Tests: how long an unmount waits for uploads. */
  void unmountFlush(Duration d) {
    this.unmountFlush = d;
  }

  /** Tests: how long leftovers are waited for before the addon hears they are stuck. */
  void leftoverRound(Duration d) {
    this.leftoverRound = d;
  }

  private Optional<S3Target> targetFor(MountStore.Entry left, JsonNode fromAddon) {
    if (fromAddon != null && fromAddon.hasNonNull("secret_key")) {
      Redactor.global().register(fromAddon.path("secret_key").asText());
      return Optional.of(
          new S3Target(
              fromAddon.path("endpoint").asText(left.endpoint()),
              fromAddon.path("region").asText(left.region()),
              fromAddon.path("access_key").asText(),
              fromAddon.path("secret_key").asText()));
    }
    return store
        .secret(left)
        .map(
            secret -> {
              Redactor.global().register(secret);
              return new S3Target(left.endpoint(), left.region(), left.accessKey(), secret);
            });
  }

  // ------------------------------------------------------------------ stop

  /**
   * Agent stop: every drive flushed (bounded), unmapped and no longer served. Nothing is reported:
   * the addon keeps the client's intent, and the drives come back at the next start. What could not
   * be uploaded stays in the cache and is uploaded then.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      ticker.shutdownNow();
      for (long id : List.copyOf(leftovers.keySet())) {
        stopLeftover(id);
      }
      for (Active a : new ArrayList<>(active.values())) {
        MountRequest r = a.request();
        try {
          a.volume().flush(SHUTDOWN_FLUSH);
        } catch (NasException e) {
          log.warn(
              "nas.stop_uploads_left mount_id={} pending={}",
              r.mountId(),
              a.volume().pendingUploads());
        }
        try {
          drive.unmap(r.driveLetter(), a.url());
        } catch (MountException e) {
          log.warn("nas.stop_unmap_failed mount_id={} error={}", r.mountId(), e.getMessage());
        }
        a.volume().close();
        if (a.volume().pendingUploads() == 0 && a.snapshot() == null) {
          // a Time Machine drive's entry stays: the next start reports it is not mounted again
          store.remove(r.mountId());
        }
      }
      active.clear();
      if (server != null) {
        server.close();
        server = null;
      }
    }
  }

  // ------------------------------------------------------- snapshot gone

  /**
   * Asks every Time Machine drive whether its snapshot is still in the repository; a drive whose
   * snapshot was deleted (retention, maintenance) is unmapped, no longer served and reported {@code
   * error} with the reason, instead of answering every read with a failure. Runs at each
   * status-report interval; the checks' S3 reads happen outside the lock, so mounts are not held
   * up.
   */
  public void checkSnapshots() {
    List<Active> snapshots;
    synchronized (this) {
      if (closed) {
        return;
      }
      snapshots = active.values().stream().filter(a -> a.snapshot() != null).toList();
    }
    for (Active a : snapshots) {
      long id = a.request().mountId();
      String gone;
      try {
        gone = a.snapshot().gone();
      } catch (Exception e) {
        log.warn("nas.snapshot_check_failed mount_id={} error={}", id, e.toString());
        continue;
      }
      if (gone != null) {
        snapshotGone(a, gone);
      }
    }
  }

  /** The tray helper unmaps a drive it mapped in the user's session when it next asks. */
  private void releaseTrayDrive(Active a) {
    releasedTrayDrives.addLast(new UserDrive(a.request().driveLetter(), a.url(), a.label(), false));
    while (releasedTrayDrives.size() > 32) {
      releasedTrayDrives.removeFirst();
    }
  }

  private synchronized void snapshotGone(Active a, String why) {
    MountRequest r = a.request();
    if (closed || active.get(r.mountId()) != a) {
      return; // unmounted or mounted afresh while it was checked
    }
    if (a.viaTray()) {
      releaseTrayDrive(a);
    } else {
      try {
        drive.unmap(r.driveLetter(), a.url());
      } catch (MountException e) {
        log.warn(
            "nas.snapshot_gone_unmap_failed mount_id={} error={}", r.mountId(), e.getMessage());
      }
    }
    a.volume().close();
    active.remove(r.mountId());
    failedUnmounts.remove(r.mountId());
    reportedCache.remove(r.mountId());
    eventWarnings.remove(r.mountId());
    store.remove(r.mountId());
    String message = why + "; drive " + r.driveLetter() + ": was unmounted";
    log.warn(
        "nas.snapshot_gone mount_id={} letter={} reason={}", r.mountId(), r.driveLetter(), why);
    reports.status(r.mountId(), "error", message, 0L, null);
  }

  // ----------------------------------------------------------------- status

  /** Mount ids served now (tests, doctor). */
  public synchronized Set<Long> mounted() {
    return Set.copyOf(active.keySet());
  }

  /** The WebDAV URL of a served mount (tests). */
  public synchronized Optional<String> url(long mountId) {
    return Optional.ofNullable(active.get(mountId)).map(Active::url);
  }

  private synchronized void reportCaches() {
    for (Map.Entry<Long, Active> e : active.entrySet()) {
      long bytes = e.getValue().volume().cacheBytesUsed();
      Long before = reportedCache.get(e.getKey());
      String eventWarning = eventWarnings.get(e.getKey());
      if (before == null || before != bytes || eventWarning != null) {
        report(e.getKey(), e.getValue());
      }
    }
  }

  private void report(long mountId, Active a) {
    long bytes = a.volume().cacheBytesUsed();
    reportedCache.put(mountId, bytes);
    String eventWarning = eventWarnings.remove(mountId);
    String warning =
        a.warning() == null
            ? eventWarning
            : eventWarning == null ? a.warning() : a.warning() + "; " + eventWarning;
    String unmountError = failedUnmounts.get(mountId);
    if (unmountError != null) {
      reports.status(mountId, "error", unmountError, bytes, warning);
      return;
    }
    reports.status(mountId, "mounted", null, bytes, warning);
  }

  /** Upload trouble goes to the drive's card in the addon with the next report. */
  private NasEvents events(long mountId) {
    return (code, message, params) -> {
      if (code.equals("NAS_UPLOAD_FAILED")
          || code.equals("NAS_UPLOAD_CONFLICT")
          || code.equals("NAS_CACHE_FULL")
          || code.equals("NAS_LISTING_TOO_LARGE")) {
        eventWarnings.put(mountId, message);
      }
    };
  }

  private Result failed(JsonNode payload, String message) {
    try {
      long id = MountRequest.mountId(payload);
      reports.status(id, "error", message, null, null);
    } catch (MountException e) {
      // No mount id: nothing in the addon to mark; the command's result says why.
    }
    log.warn("nas.mount_refused error={}", message);
    return new Result(false, message);
  }

  private Long cacheBytes(long mountId) {
    Active a = active.get(mountId);
    return a == null ? null : a.volume().cacheBytesUsed();
  }

  private synchronized NasServer server() throws MountException {
    if (server == null) {
      try {
        server = NasServer.start(0);
      } catch (NasException e) {
        throw new MountException(e.getMessage(), e);
      }
    }
    return server;
  }

  Path cacheDir(long mountId) {
    return nasDir.resolve("cache").resolve("mount_" + mountId);
  }

  private static String describe(MountRequest r) {
    return r.bucket()
        + (r.prefix().isEmpty() ? "" : "/" + r.prefix())
        + ", cache mode "
        + r.cacheMode().wireName()
        + (r.readOnly() ? ", read-only" : "");
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      log.warn("nas.cache_delete_failed dir={} error={}", dir, e.toString());
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
