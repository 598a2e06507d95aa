package ca.eazybackup.e3.agent.backup.verify;

import ca.eazybackup.e3.agent.backup.blob.BlobNotFoundException;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.content.KopiaContentStore;
import ca.eazybackup.e3.agent.backup.index.ContentId;
import ca.eazybackup.e3.agent.backup.index.ContentInfo;
import ca.eazybackup.e3.agent.backup.object.ObjectId;
import ca.eazybackup.e3.agent.backup.object.ObjectManager;
import ca.eazybackup.e3.agent.backup.repo.Repository;
import ca.eazybackup.e3.agent.backup.snapshot.DirEntry;
import ca.eazybackup.e3.agent.backup.snapshot.DirectoryReader;
import ca.eazybackup.e3.agent.backup.snapshot.ManifestStore;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManager;
import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManifest;
import ca.eazybackup.e3.agent.engine.Cancellation;
import ca.eazybackup.e3.agent.engine.RunCancelledException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that a repository can restore what it claims to hold, as {@code kopia snapshot verify} and
 * {@code restic check} do:
 *
 * <ol>
 *   <li>every snapshot's tree is walked (each distinct directory once, so each is read, decrypted
 *       and hash-checked), and every content any file, directory or list object references must
 *       have a live index entry whose pack blob exists and is long enough to hold it;
 *   <li>index blobs this agent had cached that vanished from the repository are named;
 *   <li>with {@code readDataPercent > 0}, that share of the repository's packs (chosen by a hash of
 *       their names, so a daily 10% walks a different tenth each day when {@code seed} changes) is
 *       read whole: the pack's local index and every content in it must decrypt and match its hash,
 *       as {@code restic check --read-data-subset} does.
 * </ol>
 *
 * A problem never stops the walk: the report names every damaged blob, content and snapshot path it
 * found (the first {@link #MAX_LISTED_PROBLEMS}). Nothing is written to the repository.
 */
public final class Verifier {
  private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);
  static final int MAX_LISTED_PROBLEMS = 200;

  /** Progress of a verify: called after each snapshot and each pack read. */
  @FunctionalInterface
  public interface Progress {
    void update(String phase, long done, long total, long bytesRead);
  }

  private final Repository repo;
  private final KopiaContentStore store;
  private final BlobStorage storage;
  private final ObjectManager objects;
  private final Cancellation cancel;
  private final Progress progress;
  private final Clock clock;

  private final List<String> problems = new ArrayList<>();
  private long problemCount;
  private final Set<String> seenObjects = new HashSet<>();
  private final Set<ContentId> checkedContents = new HashSet<>();
  private final Set<String> packsReferenced = new HashSet<>();
  private Map<String, Long> packLengths;
  private long directories;
  private long files;

  public Verifier(Repository repo, Clock clock, Cancellation cancel, Progress progress) {
    this.repo = repo;
    this.store = repo.contents();
    this.storage = repo.storage();
    this.objects = new ObjectManager(store, repo.splitter());
    this.cancel = cancel;
    this.progress = progress;
    this.clock = clock;
  }

  /**
   * Runs the verify.
   *
   * @param readDataPercent 0 to check structure only, up to 100 to read every pack whole
   * @param seed picks which packs a partial read covers
   */
  public VerifyReport run(int readDataPercent, long seed)
      throws IOException, RunCancelledException {
    if (readDataPercent < 0 || readDataPercent > 100) {
      throw new IllegalArgumentException(
          "read-data percentage must be between 0 and 100, got " + readDataPercent);
    }
    packLengths = new HashMap<>();
    for (String prefix : List.of("p", "q")) {
      storage.list(prefix, b -> packLengths.put(b.blobId(), b.length()));
    }
    for (String lost : store.lostIndexBlobs()) {
      problem("index blob " + lost + " is missing from the repository");
    }
    SnapshotManager snapshots = new SnapshotManager(new ManifestStore(store, clock));
    List<SnapshotManifest> all = snapshots.listAll();
    int done = 0;
    for (SnapshotManifest m : all) {
      cancel.throwIfCancelled();
      String where = "snapshot " + m.id() + " (" + m.source().path() + ")";
      if (m.rootEntry() == null || m.rootEntry().obj() == null) {
        problem(where + " has no root directory");
      } else {
        walk(m.rootEntry(), where, "/");
      }
      progress.update("snapshots", ++done, all.size(), 0);
    }
    long[] read = readPacks(readDataPercent, seed);
    VerifyReport report =
        new VerifyReport(
            all.size(),
            directories,
            files,
            checkedContents.size(),
            packsReferenced.size(),
            read[0],
            read[1],
            readDataPercent,
            problemCount,
            List.copyOf(problems));
    LOG.info(
        "event=verify_done snapshots={} contents={} packs_read={} problems={}",
        all.size(),
        checkedContents.size(),
        read[0],
        problemCount);
    return report;
  }

  private void problem(String what) {
    problemCount++;
    if (problems.size() < MAX_LISTED_PROBLEMS) {
      problems.add(what);
    }
    LOG.warn("event=verify_problem problem=\"{}\"", what);
  }

  private void walk(DirEntry dir, String snapshot, String path) throws RunCancelledException {
    cancel.throwIfCancelled();
    ObjectId oid = dir.obj();
    if (!seenObjects.add(oid.value())) {
      return;
    }
    directories++;
    if (!checkObject(oid, snapshot, path)) {
      return; // its contents are missing: reading it would only repeat the problem
    }
    List<DirEntry> children = new ArrayList<>();
    try (DirectoryReader r = DirectoryReader.open(objects, oid)) {
      for (DirEntry c = r.next(); c != null; c = r.next()) {
        String childPath = path + c.name() + (c.isDirectory() ? "/" : "");
        if (c.isDirectory()) {
          children.add(c);
        } else if (c.obj() != null && seenObjects.add(c.obj().value())) {
          files++;
          checkObject(c.obj(), snapshot, childPath);
        }
      }
    } catch (IOException | RuntimeException e) {
      problem(snapshot + " directory " + path + " (" + oid + ") cannot be read: " + e.getMessage());
      return;
    }
    for (DirEntry c : children) {
      walk(c, snapshot, path + c.name() + "/");
    }
  }

  /** Checks every content of an object; false when one is missing. */
  private boolean checkObject(ObjectId oid, String snapshot, String path) {
    boolean[] whole = {true};
    try {
      objects.contentsOf(
          oid,
          id -> {
            if (!checkContent(id, snapshot, path)) {
              whole[0] = false;
            }
          });
    } catch (IOException | RuntimeException e) {
      problem(snapshot + " " + path + " (" + oid + ") cannot be read: " + e.getMessage());
      return false;
    }
    return whole[0];
  }

  private boolean checkContent(ContentId id, String snapshot, String path) throws IOException {
    if (!checkedContents.add(id)) {
      return true;
    }
    ContentInfo info = store.info(id);
    if (info == null) {
      problem(
          "content " + id + " of " + snapshot + " " + path + " is not in any index (or deleted)");
      return false;
    }
    packsReferenced.add(info.packBlobId());
    Long length = packLengths.get(info.packBlobId());
    if (length == null) {
      problem(
          "pack "
              + info.packBlobId()
              + " is missing: it holds content "
              + id
              + " of "
              + snapshot
              + " "
              + path);
      return false;
    }
    if (info.packOffset() + info.packedLength() > length) {
      problem(
          "pack "
              + info.packBlobId()
              + " is truncated ("
              + length
              + " bytes): content "
              + id
              + " of "
              + snapshot
              + " "
              + path
              + " ends at "
              + (info.packOffset() + info.packedLength()));
      return false;
    }
    return true;
  }

  /** Reads the chosen share of packs whole; returns {packs read, bytes read}. */
  private long[] readPacks(int percent, long seed) throws IOException, RunCancelledException {
    if (percent == 0) {
      return new long[] {0, 0};
    }
    Map<String, List<ContentInfo>> byPack = new TreeMap<>();
    store.list("", c -> byPack.computeIfAbsent(c.packBlobId(), k -> new ArrayList<>()).add(c));
    List<String> chosen = new ArrayList<>();
    for (String pack : byPack.keySet()) {
      if (packLengths.containsKey(pack) && chosen(pack, percent, seed)) {
        chosen.add(pack);
      }
    }
    long bytes = 0;
    long done = 0;
    for (String pack : chosen) {
      cancel.throwIfCancelled();
      try {
        KopiaContentStore.PackCheck check = store.checkPack(pack, byPack.get(pack));
        bytes += check.bytes();
        check.problems().forEach(this::problem);
      } catch (BlobNotFoundException e) {
        problem("pack " + pack + " is missing (it vanished during the verify)");
      }
      progress.update("packs", ++done, chosen.size(), bytes);
    }
    return new long[] {done, bytes};
  }

  /** Whether {@code pack} is in the {@code percent} share for {@code seed}. */
  static boolean chosen(String pack, int percent, long seed) {
    if (percent >= 100) {
      return true;
    }
    CRC32 crc = new CRC32();
    crc.update((seed + ":" + pack).getBytes(StandardCharsets.UTF_8));
    return crc.getValue() % 100 < percent;
  }

  /** For callers that report the repository verified. */
  public String repositoryId() {
    return repo.uniqueIdHex();
  }
}
