package ca.eazybackup.e3.agent.backup.maintenance;

import ca.eazybackup.e3.agent.backup.blob.BlobMetadata;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.content.ContentStore;
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
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repository maintenance, a safe subset of Kopia's (research/kopia-format.md §14).
 *
 * <ul>
 *   <li>Quick: retention of the job's source (when the job sets a policy) and manifest compaction.
 *   <li>Full: the same, then snapshot GC — every snapshot (incomplete ones too) is walked and
 *       unreachable contents older than 24 h get a delete marker (manifest contents are never
 *       touched) — then unreferenced pack deletion with two guards instead of Kopia's index
 *       rewrite: a pack is deleted only when no live content lives in it, it is older than 2 h, its
 *       writer session is not live, and an earlier full run at least 4 h ago already found it
 *       unreferenced (kept in the job cache). If any reachable content is found deleted or missing,
 *       no pack is deleted at all and the run says so.
 * </ul>
 *
 * Not done: rewriting short packs, dropping deleted index entries, epoch/index compaction, the
 * {@code kopia.maintenance} schedule blob.
 */
public final class Maintenance {
  private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);
  static final Duration MIN_CONTENT_AGE = Duration.ofHours(24);
  static final Duration BLOB_DELETE_MIN_AGE = Duration.ofHours(2);
  static final Duration MARGIN_BETWEEN_GC = Duration.ofHours(4);
  static final Duration SESSION_EXPIRATION = Duration.ofHours(96);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ContentStore store;
  private final BlobStorage storage;
  private final ObjectManager objects;
  private final String repositoryId;
  private final Clock clock;
  private final Path stateDir;
  private final Cancellation cancel;

  public Maintenance(Repository repo, Clock clock, Path stateDir, Cancellation cancel) {
    this(
        repo.contents(),
        repo.storage(),
        repo.splitter(),
        repo.uniqueIdHex(),
        clock,
        stateDir,
        cancel);
  }

  Maintenance(
      ContentStore store,
      BlobStorage storage,
      String splitter,
      String repositoryId,
      Clock clock,
      Path stateDir,
      Cancellation cancel) {
    this.store = store;
    this.storage = storage;
    this.objects = new ObjectManager(store, splitter);
    this.repositoryId = repositoryId;
    this.clock = clock;
    this.stateDir = stateDir;
    this.cancel = cancel;
  }

  public MaintenanceReport run(MaintenanceMode mode, RetentionPolicy policy, SourceInfo source)
      throws IOException, RunCancelledException {
    Instant start = clock.instant();
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
      return new MaintenanceReport("quick", expired, 0, 0, 0, 0, false);
    }
    Set<String> reachable = reachableContents(snapshots);
    long marked = 0;
    Map<String, ContentInfo> live = new HashMap<>();
    store.list("", c -> live.put(c.id().value(), c));
    Instant contentCutoff = start.minus(MIN_CONTENT_AGE);
    for (ContentInfo c : live.values()) {
      cancel.throwIfCancelled();
      String id = c.id().value();
      if (id.startsWith("m") || reachable.contains(id)) {
        continue;
      }
      if (c.timestamp() != null && c.timestamp().isBefore(contentCutoff)) {
        store.delete(c.id());
        marked++;
      }
    }
    store.flush();
    long missing = reachable.stream().filter(id -> !live.containsKey(id)).count();
    boolean skipPacks = missing > 0;
    if (skipPacks) {
      LOG.error(
          "event=gc_reachable_content_missing count={} action=pack_deletion_skipped", missing);
    }
    long[] packs = skipPacks ? new long[] {0, 0} : deleteUnreferencedPacks(start);
    LOG.info(
        "event=maintenance_full expired={} marked_deleted={} reachable={} packs_deleted={}",
        expired,
        marked,
        reachable.size(),
        packs[0]);
    return new MaintenanceReport(
        "full", expired, marked, reachable.size(), packs[0], packs[1], skipPacks);
  }

  /** Every content referenced by any snapshot, walking each distinct directory once. */
  Set<String> reachableContents(SnapshotManager snapshots)
      throws IOException, RunCancelledException {
    Set<String> contents = new HashSet<>();
    Set<String> seenObjects = new HashSet<>();
    for (SnapshotManifest m : snapshots.listAll()) {
      if (m.rootEntry() != null && m.rootEntry().obj() != null) {
        walk(m.rootEntry(), contents, seenObjects);
      }
    }
    return contents;
  }

  private void walk(DirEntry e, Set<String> contents, Set<String> seen)
      throws IOException, RunCancelledException {
    cancel.throwIfCancelled();
    ObjectId oid = e.obj();
    if (oid == null || !seen.add(oid.value())) {
      return;
    }
    objects.contentsOf(oid, c -> contents.add(c.value()));
    if (!e.isDirectory()) {
      return;
    }
    List<DirEntry> children = new ArrayList<>();
    try (DirectoryReader r = DirectoryReader.open(objects, oid)) {
      for (DirEntry c = r.next(); c != null; c = r.next()) {
        if (c.isDirectory()) {
          children.add(c);
        } else if (c.obj() != null && seen.add(c.obj().value())) {
          objects.contentsOf(c.obj(), id -> contents.add(id.value()));
        }
      }
    }
    for (DirEntry c : children) {
      walk(c, contents, seen);
    }
  }

  private long[] deleteUnreferencedPacks(Instant start) throws IOException {
    Set<String> referenced = new HashSet<>();
    store.list("", c -> referenced.add(c.packBlobId()));
    Set<String> liveSessions = new HashSet<>();
    storage.list(
        "s",
        b -> {
          if (b.timestamp() == null || b.timestamp().isAfter(start.minus(SESSION_EXPIRATION))) {
            liveSessions.add(b.blobId());
          }
        });
    List<BlobMetadata> candidates = new ArrayList<>();
    for (String prefix : List.of("p", "q")) {
      storage.list(
          prefix,
          b -> {
            if (!referenced.contains(b.blobId())
                && b.timestamp() != null
                && b.timestamp().isBefore(start.minus(BLOB_DELETE_MIN_AGE))
                && !inLiveSession(b.blobId(), liveSessions)) {
              candidates.add(b);
            }
          });
    }
    Map<String, Instant> firstSeen = loadState();
    Map<String, Instant> next = new HashMap<>();
    long deleted = 0;
    for (BlobMetadata b : candidates) {
      Instant seen = firstSeen.get(b.blobId());
      if (seen != null && !seen.isAfter(start.minus(MARGIN_BETWEEN_GC))) {
        storage.delete(b.blobId());
        deleted++;
      } else {
        next.put(b.blobId(), seen == null ? start : seen);
      }
    }
    saveState(next);
    return new long[] {deleted, candidates.size()};
  }

  private static boolean inLiveSession(String packId, Set<String> liveSessions) {
    int dash = packId.indexOf("-s");
    if (dash < 0) {
      return false;
    }
    String session = packId.substring(dash + 1);
    for (String s : liveSessions) {
      if (s.startsWith(session)) {
        return true;
      }
    }
    return false;
  }

  private Path statePath() {
    return stateDir == null ? null : stateDir.resolve("kopia-gc-" + repositoryId + ".json");
  }

  private Map<String, Instant> loadState() {
    Map<String, Instant> out = new HashMap<>();
    Path p = statePath();
    if (p == null || !Files.exists(p)) {
      return out;
    }
    try {
      JSON.readTree(p.toFile())
          .path("unreferencedPacks")
          .fields()
          .forEachRemaining(f -> out.put(f.getKey(), Instant.parse(f.getValue().asText())));
    } catch (IOException | RuntimeException e) {
      LOG.warn("event=gc_state_unreadable path={} error={}", p, e.toString());
    }
    return out;
  }

  private void saveState(Map<String, Instant> state) throws IOException {
    Path p = statePath();
    if (p == null) {
      return;
    }
    Files.createDirectories(p.getParent());
    ObjectNode root = JSON.createObjectNode();
    ObjectNode packs = root.putObject("unreferencedPacks");
    state.forEach((k, v) -> packs.put(k, v.toString()));
    Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
    JSON.writeValue(tmp.toFile(), root);
    Files.move(tmp, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** For tests: content ids of live contents. */
  static Set<ContentId> liveIds(ContentStore store) throws IOException {
    Set<ContentId> s = new HashSet<>();
    store.list("", c -> s.add(c.id()));
    return s;
  }
}
