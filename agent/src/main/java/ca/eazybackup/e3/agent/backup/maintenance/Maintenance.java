package ca.eazybackup.e3.agent.backup.maintenance;

import ca.eazybackup.e3.agent.backup.blob.BlobMetadata;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.content.EpochMaintenance;
import ca.eazybackup.e3.agent.backup.content.KopiaContentStore;
import ca.eazybackup.e3.agent.backup.index.ContentId;
import ca.eazybackup.e3.agent.backup.index.ContentInfo;
import ca.eazybackup.e3.agent.backup.object.ObjectId;
import ca.eazybackup.e3.agent.backup.object.ObjectManager;
import ca.eazybackup.e3.agent.backup.repo.Repository;
import ca.eazybackup.e3.agent.backup.retention.Retention;
import ca.eazybackup.e3.agent.backup.retention.RetentionPolicy;
import ca.eazybackup.e3.agent.backup.snapshot.DirEntry;
import ca.eazybackup.e3.agent.backup.snapshot.DirectoryReader;
import ca.eazybackup.e3.agent.backup.snapshot.ManifestStore;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManager;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManifest;
import ca.eazybackup.e3.agent.backup.snapshot.SourceInfo;
import ca.eazybackup.e3.agent.engine.Cancellation;
import ca.eazybackup.e3.agent.engine.MaintenanceMode;
import ca.eazybackup.e3.agent.engine.RunCancelledException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repository maintenance with Kopia's semantics and its {@code SafetyFull} margins
 * (research/kopia-format.md §14; kopia repo/maintenance, snapshot/snapshotgc).
 *
 * <ul>
 *   <li>Quick: retention of the job's source (when the job sets a policy) and manifest compaction.
 *   <li>Full, in Kopia's order, each task recorded in the {@code kopia.maintenance} blob's run
 *       history (which later runs read: the drop and sweep margins are measured from it, on every
 *       agent alike): {@link Phase#SNAPSHOT_GC snapshot GC}, {@link Phase#REWRITE_CONTENTS rewrite
 *       of short packs}, {@link Phase#DROP_DELETED dropping deleted entries} (the deletion
 *       watermark), {@link Phase#DELETE_BLOBS deleting unreferenced packs} and {@link
 *       Phase#EPOCH_MAINTENANCE index compaction and epoch advance}.
 * </ul>
 *
 * <p>Why a backup running meanwhile from another process loses nothing: GC only marks contents
 * older than 24 h, so what a running backup wrote stays; a content a backup re-used after GC marked
 * it is undeleted by the next GC, and its deleted entry keeps its pack until two GC cycles at least
 * 4 h apart have passed it (only then does the watermark drop it); a pack no index names yet (a
 * backup's upload before its index) is deleted only when 24 h old and not in a live writer session;
 * a rewritten content's old pack goes at least 1 h after the rewrite, and a reader whose index
 * still points there re-reads the indexes. Every phase writes before it deletes, so a run killed
 * anywhere leaves a repository that verifies, and the next run picks up where it stopped.
 */
public final class Maintenance {
  private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);
  static final Duration MIN_CONTENT_AGE = Duration.ofHours(24);
  static final Duration PACK_DELETE_MIN_AGE = Duration.ofHours(24);
  static final Duration MARGIN_BETWEEN_GC = Duration.ofHours(4);
  static final Duration DROP_EXTRA_MARGIN = Duration.ofHours(1);
  static final Duration REWRITE_MIN_AGE = Duration.ofHours(2);
  static final Duration SESSION_EXPIRATION = Duration.ofHours(96);
  static final Duration MIN_REWRITE_TO_ORPHAN_DELETION = Duration.ofHours(1);
  static final int SHORT_PACK_PERCENT = 60;

  /** Index entries one run moves out of short packs at most; the rest wait for the next run. */
  static final int MAX_REWRITE_ENTRIES = 200_000;

  /** Changed index entries held before they are written out as an index blob. */
  private static final int FLUSH_EVERY = 50_000;

  static final String TASK_GC = "snapshot-gc";
  static final String TASK_REWRITE = "full-rewrite-contents";
  static final String TASK_DROP = "full-drop-deleted-content";
  static final String TASK_DELETE_BLOBS = "full-delete-blobs";
  static final String TASK_COMPACT_EPOCH = "compact-single-epoch";
  static final String TASK_ADVANCE_EPOCH = "advance-epoch";
  static final String TASK_CLEANUP_INDEXES = "delete-superseded-epoch-indexes";

  /** The steps of full maintenance, in the order they run. */
  public enum Phase {
    SNAPSHOT_GC,
    REWRITE_CONTENTS,
    DROP_DELETED,
    DELETE_BLOBS,
    EPOCH_MAINTENANCE
  }

  /** Called before each phase of full maintenance; tests interleave other writers or crash here. */
  @FunctionalInterface
  public interface PhaseHook {
    void before(Phase phase) throws IOException;
  }

  private final Repository repo;
  private final KopiaContentStore store;
  private final BlobStorage storage;
  private final ObjectManager objects;
  private final Clock clock;
  private final Cancellation cancel;
  private PhaseHook hook = phase -> {};

  public Maintenance(Repository repo, Clock clock, Cancellation cancel) {
    this.repo = repo;
    this.store = repo.contents();
    this.storage = repo.storage();
    this.objects = new ObjectManager(store, repo.splitter());
    this.clock = clock;
    this.cancel = cancel;
  }

  /** Sets the hook called before each full-maintenance phase. */
  public Maintenance onPhase(PhaseHook hook) {
    this.hook = hook;
    return this;
  }

  public MaintenanceReport run(MaintenanceMode mode, RetentionPolicy policy, SourceInfo source)
      throws IOException, RunCancelledException {
    SnapshotManager snapshots = new SnapshotManager(new ManifestStore(store, clock));
    int expired = 0;
    if (policy != null && source != null) {
      for (SnapshotManifest m : Retention.toDelete(policy, snapshots.list(source))) {
        snapshots.delete(m.id());
        expired++;
      }
    }
    store.flush();
    snapshots.manifests().compactIfNeeded();
    store.flush();
    if (mode == MaintenanceMode.QUICK) {
      return MaintenanceReport.quick(expired);
    }
    return new Full(expired).run(snapshots);
  }

  /** One full run: its start time, the schedule it records into, and what it did. */
  private final class Full {
    final Instant start = clock.instant();
    final int expired;
    long marked;
    long undeleted;
    long reachable;
    long missing;
    long packsRewritten;
    long contentsRewritten;
    String watermark;
    long packsDeleted;
    long packCandidates;
    boolean sweepSkipped;
    int epochCompacted = -1;
    boolean epochAdvanced;
    int indexBlobsCleaned;

    Full(int expired) {
      this.expired = expired;
    }

    MaintenanceReport run(SnapshotManager snapshots) throws IOException, RunCancelledException {
      hook.before(Phase.SNAPSHOT_GC);
      task(TASK_GC, () -> snapshotGc(snapshots));
      cancel.throwIfCancelled();

      hook.before(Phase.REWRITE_CONTENTS);
      if (shouldRewrite(ScheduleBlob.read(repo))) {
        task(TASK_REWRITE, this::rewriteShortPacks);
      } else {
        LOG.info("event=rewrite_skipped reason=\"orphaned packs of the last rewrite not swept\"");
      }
      cancel.throwIfCancelled();

      hook.before(Phase.DROP_DELETED);
      Instant safeDrop = safeDropTime(runs(ScheduleBlob.read(repo), TASK_GC));
      if (safeDrop != null) {
        task(TASK_DROP, () -> dropDeleted(safeDrop));
      } else {
        LOG.info("event=drop_deleted_skipped reason=\"no two snapshot GCs 4 h apart yet\"");
      }
      cancel.throwIfCancelled();

      hook.before(Phase.DELETE_BLOBS);
      Instant lastRewrite = latestEnd(runs(ScheduleBlob.read(repo), TASK_REWRITE));
      if (missing > 0) {
        sweepSkipped = true;
        LOG.error("event=gc_reachable_content_missing count={} action=sweep_skipped", missing);
      } else if (lastRewrite != null
          && clock.instant().isBefore(lastRewrite.plus(MIN_REWRITE_TO_ORPHAN_DELETION))) {
        LOG.info("event=sweep_deferred reason=\"contents were rewritten less than 1 h ago\"");
      } else {
        task(TASK_DELETE_BLOBS, this::deleteUnreferencedBlobs);
      }
      cancel.throwIfCancelled();

      hook.before(Phase.EPOCH_MAINTENANCE);
      EpochMaintenance epochs = store.epochs();
      task(TASK_COMPACT_EPOCH, () -> epochCompacted = epochs.compactOneSettledEpoch());
      task(TASK_ADVANCE_EPOCH, () -> epochAdvanced = epochs.maybeAdvanceWriteEpoch());
      task(TASK_CLEANUP_INDEXES, () -> indexBlobsCleaned = epochs.cleanup());

      MaintenanceReport r =
          new MaintenanceReport(
              "full",
              expired,
              marked,
              undeleted,
              reachable,
              packsRewritten,
              contentsRewritten,
              watermark,
              packsDeleted,
              packCandidates,
              sweepSkipped,
              epochCompacted,
              epochAdvanced,
              indexBlobsCleaned);
      LOG.info("event=maintenance_full {}", r.stats());
      return r;
    }

    /**
     * Snapshot GC (kopia snapshotgc): marks every content any snapshot (incomplete ones too)
     * reaches, undeletes reachable contents found deleted, and gives unreachable contents older
     * than 24 h a delete marker. Manifest contents are never touched.
     */
    void snapshotGc(SnapshotManager snapshots) throws IOException, RunCancelledException {
      store.refresh(); // indexes others wrote since this repository was opened
      snapshots.manifests().reload();
      ContentIdSet live = reachableContents(snapshots);
      reachable = live.size();
      Instant cutoff = start.minus(MIN_CONTENT_AGE);
      long[] found = {0};
      List<ContentInfo> toDelete = new ArrayList<>();
      List<ContentId> toUndelete = new ArrayList<>();
      forEachEntry(
          c -> {
            ContentId id = c.id();
            if (id.prefix().equals("m")) {
              return;
            }
            if (live.contains(id)) {
              found[0]++;
              if (c.deleted()) {
                toUndelete.add(id);
              }
            } else if (!c.deleted() && c.timestamp().isBefore(cutoff)) {
              toDelete.add(c);
            }
            if (toDelete.size() + toUndelete.size() >= FLUSH_EVERY) {
              applyGc(toDelete, toUndelete);
            }
          });
      applyGc(toDelete, toUndelete);
      store.flush();
      missing = reachable - found[0];
    }

    private void applyGc(List<ContentInfo> toDelete, List<ContentId> toUndelete) {
      try {
        cancel.throwIfCancelled();
        for (ContentInfo c : toDelete) {
          store.delete(c.id());
        }
        for (ContentId id : toUndelete) {
          store.undelete(id);
        }
        marked += toDelete.size();
        undeleted += toUndelete.size();
        toDelete.clear();
        toUndelete.clear();
        store.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (RunCancelledException e) {
        throw new CancelledInside(e);
      }
    }

    /**
     * Moves the live contents of short packs — whose entries (deleted ones included, as Kopia
     * counts them) add up to less than 60 % of the maximum pack size, when a prefix has at least
     * two — into new full packs. Sparse packs become short once the watermark drops their deleted
     * entries. Contents younger than 2 h stay where they are.
     */
    void rewriteShortPacks() throws IOException {
      long threshold = (long) store.maxPackSize() * SHORT_PACK_PERCENT / 100;
      Map<String, long[]> totals = new HashMap<>();
      forEachEntry(
          c -> totals.computeIfAbsent(c.packBlobId(), k -> new long[1])[0] += c.packedLength());
      Map<Character, Integer> shortPerPrefix = new HashMap<>();
      Set<String> shortPacks = new HashSet<>();
      totals.forEach(
          (pack, total) -> {
            if (total[0] < threshold) {
              shortPacks.add(pack);
              shortPerPrefix.merge(pack.charAt(0), 1, Integer::sum);
            }
          });
      shortPacks.removeIf(p -> shortPerPrefix.get(p.charAt(0)) < 2);
      if (shortPacks.isEmpty()) {
        return;
      }
      Instant youngest = clock.instant().minus(REWRITE_MIN_AGE);
      Map<String, List<ContentInfo>> byPack = new LinkedHashMap<>();
      int[] collected = {0};
      forEachEntry(
          c -> {
            if (!c.deleted()
                && shortPacks.contains(c.packBlobId())
                && c.timestamp().isBefore(youngest)
                && collected[0] < MAX_REWRITE_ENTRIES) {
              byPack.computeIfAbsent(c.packBlobId(), k -> new ArrayList<>()).add(c);
              collected[0]++;
            }
          });
      for (Map.Entry<String, List<ContentInfo>> e : byPack.entrySet()) {
        try {
          cancel.throwIfCancelled();
        } catch (RunCancelledException ex) {
          throw new CancelledInside(ex);
        }
        store.rewritePack(e.getKey(), e.getValue());
        packsRewritten++;
        contentsRewritten += e.getValue().size();
      }
      store.flush();
      LOG.info(
          "event=short_packs_rewritten packs={} contents={} shortPacks={}",
          packsRewritten,
          contentsRewritten,
          shortPacks.size());
    }

    void dropDeleted(Instant before) throws IOException {
      if (store.epochs().advanceDeletionWatermark(before)) {
        watermark = before.toString();
      }
    }

    /**
     * Deletes {@code p}, {@code q} and {@code s} blobs no index entry names (deleted entries keep
     * their pack), created at least 24 h before this run started and not of a writer session
     * checkpointed in the last 96 h (kopia DeleteUnreferencedPacks).
     */
    void deleteUnreferencedBlobs() throws IOException {
      store.flush();
      store.refresh();
      Set<String> used = new HashSet<>();
      forEachEntry(c -> used.add(c.packBlobId()));
      Instant cutoff = start.plusSeconds(1);
      Set<String> liveSessions = new HashSet<>();
      storage.list(
          "s",
          b -> {
            if (b.timestamp() == null
                || Duration.between(b.timestamp(), cutoff).compareTo(SESSION_EXPIRATION) < 0) {
              liveSessions.add(sessionOf(b.blobId()));
            }
          });
      List<BlobMetadata> unused = new ArrayList<>();
      for (String prefix : List.of("p", "q", "s")) {
        storage.list(
            prefix,
            b -> {
              if (used.contains(b.blobId()) || b.timestamp() == null) {
                return;
              }
              packCandidates++;
              boolean oldEnough =
                  !b.timestamp().isAfter(cutoff)
                      && Duration.between(b.timestamp(), cutoff).compareTo(PACK_DELETE_MIN_AGE)
                          >= 0;
              if (oldEnough && !liveSessions.contains(sessionOf(b.blobId()))) {
                unused.add(b);
              }
            });
      }
      for (BlobMetadata b : unused) {
        storage.delete(b.blobId());
        packsDeleted++;
      }
      LOG.info(
          "event=unreferenced_blobs_deleted count={} candidates={}", packsDeleted, packCandidates);
    }

    /** Runs one task and records it in the schedule blob's history, success or failure. */
    private void task(String name, Task body) throws IOException, RunCancelledException {
      Instant taskStart = clock.instant();
      try {
        body.run();
      } catch (UncheckedIOException e) {
        record(name, taskStart, false, e.getCause().getMessage());
        throw e.getCause();
      } catch (CancelledInside e) {
        record(name, taskStart, false, "cancelled");
        throw e.cancelled;
      } catch (IOException | RuntimeException | RunCancelledException e) {
        record(name, taskStart, false, String.valueOf(e.getMessage()));
        throw e;
      }
      record(name, taskStart, true, null);
    }

    private void record(String name, Instant taskStart, boolean ok, String error)
        throws IOException {
      ScheduleBlob s = ScheduleBlob.read(repo);
      s.addRun(name, taskStart, clock.instant(), ok, error);
      s.write(storage);
    }
  }

  @FunctionalInterface
  private interface Task {
    void run() throws IOException, RunCancelledException;
  }

  /** Carries a cancellation out of an index walk's callback. */
  private static final class CancelledInside extends RuntimeException {
    final RunCancelledException cancelled;

    CancelledInside(RunCancelledException cancelled) {
      super(cancelled.getMessage(), cancelled, false, false);
      this.cancelled = cancelled;
    }
  }

  private void forEachEntry(java.util.function.Consumer<ContentInfo> each) {
    store.forEachIndexEntry(each);
  }

  /** The session a pack or session-marker blob belongs to: what follows its first dash. */
  static String sessionOf(String blobId) {
    int dash = blobId.indexOf('-');
    return dash < 0 ? "" : blobId.substring(dash + 1);
  }

  /** Kopia's shouldFullRewriteContents: not again until the last rewrite's orphans were swept. */
  static boolean shouldRewrite(ScheduleBlob s) {
    Instant rewrite = latestEnd(runs(s, TASK_REWRITE));
    Instant swept = latestEnd(runs(s, TASK_DELETE_BLOBS));
    return rewrite == null || (swept != null && !swept.isBefore(rewrite));
  }

  /** A task's recorded runs, newest first: start, end, success. */
  record Run(Instant start, Instant end, boolean success) {}

  static List<Run> runs(ScheduleBlob s, String task) {
    List<Run> out = new ArrayList<>();
    for (JsonNode r : s.json.path("runs").path(task)) {
      out.add(
          new Run(
              ca.eazybackup.e3.agent.backup.snapshot.GoTime.parseInstant(r.path("start").asText()),
              ca.eazybackup.e3.agent.backup.snapshot.GoTime.parseInstant(r.path("end").asText()),
              r.path("success").asBoolean(false)));
    }
    return out;
  }

  private static Instant latestEnd(List<Run> runs) {
    Instant latest = null;
    for (Run r : runs) {
      if (r.success() && (latest == null || r.end().isAfter(latest))) {
        latest = r.end();
      }
    }
    return latest;
  }

  /**
   * Kopia's findSafeDropTime: deletions before the start of an older successful GC that ended more
   * than 4 h before the latest successful GC started, less 1 h, are safe to drop — two GCs far
   * enough apart have both seen them unreachable. Null when there is no such pair yet.
   */
  static Instant safeDropTime(List<Run> gcRuns) {
    List<Run> ok = new ArrayList<>(gcRuns.stream().filter(Run::success).toList());
    if (ok.size() <= 1) {
      return null;
    }
    ok.sort((a, b) -> b.start().compareTo(a.start()));
    Instant latestStart = ok.get(0).start();
    for (Run r : ok.subList(1, ok.size())) {
      if (Duration.between(r.end(), latestStart).compareTo(MARGIN_BETWEEN_GC) > 0) {
        return r.start().minus(DROP_EXTRA_MARGIN);
      }
    }
    return null;
  }

  /**
   * Every content any snapshot reaches, each distinct directory walked once. Held in a {@link
   * ContentIdSet} (two longs per id), not as strings.
   */
  ContentIdSet reachableContents(SnapshotManager snapshots)
      throws IOException, RunCancelledException {
    ContentIdSet contents = new ContentIdSet();
    ContentIdSet seenDirect = new ContentIdSet();
    ContentIdSet seenIndirect = new ContentIdSet();
    for (SnapshotManifest m : snapshots.listAll()) {
      if (m.rootEntry() != null && m.rootEntry().obj() != null) {
        walk(m.rootEntry(), contents, seenDirect, seenIndirect);
      }
    }
    LOG.info(
        "event=gc_marked reachable={} tableBytes={}",
        contents.size(),
        contents.tableBytes() + seenDirect.tableBytes() + seenIndirect.tableBytes());
    return contents;
  }

  /**
   * An indirect id (a large file or directory: "I" + its list object) is keyed by its innermost
   * list content; indirect and direct ids are kept apart, as one content can be both.
   */
  private boolean firstVisit(ObjectId oid, ContentIdSet direct, ContentIdSet indirect) {
    if (!oid.isIndirect()) {
      return direct.add(oid.contentId());
    }
    ObjectId list = oid;
    while (list.isIndirect()) {
      list = list.listObject();
    }
    return indirect.add(list.contentId());
  }

  private void walk(DirEntry e, ContentIdSet contents, ContentIdSet direct, ContentIdSet indirect)
      throws IOException, RunCancelledException {
    cancel.throwIfCancelled();
    ObjectId oid = e.obj();
    if (oid == null || !firstVisit(oid, direct, indirect)) {
      return;
    }
    objects.contentsOf(oid, contents::add);
    if (!e.isDirectory()) {
      return;
    }
    List<DirEntry> children = new ArrayList<>();
    try (DirectoryReader r = DirectoryReader.open(objects, oid)) {
      for (DirEntry c = r.next(); c != null; c = r.next()) {
        if (c.isDirectory()) {
          children.add(c);
        } else if (c.obj() != null && firstVisit(c.obj(), direct, indirect)) {
          objects.contentsOf(c.obj(), contents::add);
        }
      }
    }
    for (DirEntry c : children) {
      walk(c, contents, direct, indirect);
    }
  }
}
