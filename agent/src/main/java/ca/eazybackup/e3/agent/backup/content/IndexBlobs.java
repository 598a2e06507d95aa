package ca.eazybackup.e3.agent.backup.content;

import ca.eazybackup.e3.agent.backup.blob.BlobMetadata;
import ca.eazybackup.e3.agent.backup.blob.BlobNotFoundException;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.index.ContentInfo;
import ca.eazybackup.e3.agent.backup.index.IndexBuilder;
import ca.eazybackup.e3.agent.backup.index.PackIndex;
import ca.eazybackup.e3.agent.backup.index.PackIndexes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The repository's index blobs (kopia repo/content/index_blob_manager_*.go): which ones are live
 * (the epoch manager's read set, or the legacy {@code n} set minus compacted inputs), loading them
 * into the {@link CommittedIndex} (in parallel, through a local cache of the encrypted blobs, which
 * are content-addressed and so never stale), and writing a new one in the current write epoch.
 */
final class IndexBlobs {
  private static final Logger LOG = LoggerFactory.getLogger(IndexBlobs.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BlobStorage storage;
  private final NamedBlobs namedBlobs;
  private final boolean epochIndexes;
  private final int indexVersion;
  private final int formatVersion;
  private final Path cacheDir;
  private final CommittedIndex committed = new CommittedIndex();
  private volatile int writeEpoch;

  IndexBlobs(
      BlobStorage storage,
      NamedBlobs namedBlobs,
      boolean epochIndexes,
      int indexVersion,
      int formatVersion,
      Path cacheDir) {
    this.storage = storage;
    this.namedBlobs = namedBlobs;
    this.epochIndexes = epochIndexes;
    this.indexVersion = indexVersion;
    this.formatVersion = formatVersion;
    this.cacheDir = cacheDir;
  }

  CommittedIndex committed() {
    return committed;
  }

  /** The live index blobs as the repository lists them now. */
  List<BlobMetadata> activeSet() throws IOException {
    if (!epochIndexes) {
      return legacyIndexSet();
    }
    List<BlobMetadata> x = new ArrayList<>();
    storage.list("x", x::add);
    EpochIndexSet.Result r = EpochIndexSet.compute(x);
    writeEpoch = r.writeEpoch();
    committed.deletionWatermark(r.deletionWatermark());
    return r.indexBlobs();
  }

  /** Loads index blobs written since the last refresh (by this or any other writer). */
  void refresh() throws IOException {
    // Maintenance deletes index blobs it compacted (well after their replacement was written), so
    // a blob listed a moment ago can be gone when we fetch it: list again, as Kopia's readers do.
    for (int attempt = 1; ; attempt++) {
      try {
        refreshOnce();
        return;
      } catch (BlobNotFoundException e) {
        if (attempt >= 3) {
          throw e;
        }
        LOG.info("event=index_blob_vanished_relisting blob={}", e.getMessage());
      }
    }
  }

  private void refreshOnce() throws IOException {
    List<BlobMetadata> missing =
        activeSet().stream().filter(m -> !committed.has(m.blobId())).toList();
    if (missing.size() <= 1) {
      for (BlobMetadata m : missing) {
        committed.add(m.blobId(), load(m.blobId()));
      }
    } else {
      // index blobs are small and many: fetch them in parallel, add them in listing order
      ExecutorService pool = Executors.newFixedThreadPool(Math.min(8, missing.size()));
      try {
        List<Future<PackIndex>> loads = new ArrayList<>();
        for (BlobMetadata m : missing) {
          loads.add(pool.submit(() -> load(m.blobId())));
        }
        for (int i = 0; i < missing.size(); i++) {
          committed.add(missing.get(i).blobId(), loads.get(i).get());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted loading indexes");
      } catch (ExecutionException e) {
        throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
      } finally {
        pool.shutdownNow();
      }
    }
    LOG.debug("event=indexes_loaded count={} writeEpoch={}", committed.indexCount(), writeEpoch);
  }

  /** Reads and decodes one index blob (cached copy first). */
  PackIndex load(String blobId) throws IOException {
    return PackIndexes.open(namedBlobs.decrypt(blobId, readEncrypted(blobId)));
  }

  /** Format v1 (kopia repo/content/index_blob_manager_v0.go): all n blobs minus superseded ones. */
  private List<BlobMetadata> legacyIndexSet() throws IOException {
    Map<String, BlobMetadata> n = new HashMap<>();
    storage.list("n", m -> n.put(m.blobId(), m));
    List<BlobMetadata> logs = new ArrayList<>();
    storage.list("m", logs::add);
    for (BlobMetadata log : logs) {
      byte[] plain = namedBlobs.decrypt(log.blobId(), storage.get(log.blobId(), 0, -1));
      JsonNode j = JSON.readTree(plain);
      boolean outputsExist = true;
      for (JsonNode o : j.path("outputMetadata")) {
        outputsExist &= n.containsKey(o.path("id").asText());
      }
      if (outputsExist) {
        for (JsonNode i : j.path("inputMetadata")) {
          n.remove(i.path("id").asText());
        }
      }
    }
    return new ArrayList<>(n.values());
  }

  private byte[] readEncrypted(String blobId) throws IOException {
    Path cached = cacheFile(blobId);
    if (cached != null && Files.isRegularFile(cached)) {
      return Files.readAllBytes(cached);
    }
    byte[] body = storage.get(blobId, 0, -1);
    if (cached != null) {
      writeCache(cached, body);
    }
    return body;
  }

  private Path cacheFile(String blobId) {
    return cacheDir == null ? null : KopiaContentStore.indexCacheFile(cacheDir, blobId);
  }

  private static void writeCache(Path target, byte[] body) {
    try {
      CacheFiles.writeAtomically(target, body);
    } catch (IOException e) {
      LOG.warn("event=index_cache_write_failed path={} error=\"{}\"", target, e.getMessage());
    }
  }

  /**
   * Writes {@code entries} as one index blob {@code xn<epoch>_<hash>-<suffix>} in the current write
   * epoch (re-listed first, to follow epoch advances made by other clients since we opened), and
   * adds it to the committed view. Every pack the entries name must already be stored.
   */
  String write(List<ContentInfo> entries, String suffix) throws IOException {
    byte[] plain = new IndexBuilder().addAll(entries).build(indexVersion, formatVersion);
    List<BlobMetadata> markers = new ArrayList<>();
    storage.list("xe", markers::add);
    int epoch = writeEpoch;
    for (BlobMetadata m : markers) {
      try {
        epoch = Math.max(epoch, Integer.parseInt(m.blobId().substring(2)));
      } catch (NumberFormatException ignored) {
        // not an epoch marker
      }
    }
    writeEpoch = epoch;
    NamedBlobs.Encrypted e = namedBlobs.encrypt("", plain, suffix);
    String blobId = "xn" + epoch + "_" + e.blobId();
    storage.put(blobId, e.body());
    committed.add(blobId, PackIndexes.open(plain));
    Path cached = cacheFile(blobId);
    if (cached != null) {
      writeCache(cached, e.body());
    }
    LOG.info("event=index_written blob={} entries={}", blobId, entries.size());
    return blobId;
  }

  int writeEpoch() {
    return writeEpoch;
  }

  NamedBlobs namedBlobs() {
    return namedBlobs;
  }

  int indexVersion() {
    return indexVersion;
  }

  int formatVersion() {
    return formatVersion;
  }

  BlobStorage storage() {
    return storage;
  }

  boolean epochIndexes() {
    return epochIndexes;
  }

  /**
   * Index blobs this agent loaded before (its local cache keeps them by name) that are gone from
   * the repository while some of their live entries are in no other index: lost, not compacted
   * away. What verify can name when an index blob was deleted behind the repository's back.
   */
  List<String> lostBlobs() throws IOException {
    Path dir = cacheDir == null ? null : cacheDir.resolve("indexes");
    if (dir == null || !Files.isDirectory(dir)) {
      return List.of();
    }
    java.util.Set<String> present = new java.util.HashSet<>();
    storage.list(epochIndexes ? "x" : "n", m -> present.add(m.blobId()));
    List<String> lost = new ArrayList<>();
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        String name = f.getFileName().toString();
        if (present.contains(name) || name.contains(".tmp")) {
          continue;
        }
        PackIndex idx;
        try {
          idx = PackIndexes.open(namedBlobs.decrypt(name, Files.readAllBytes(f)));
        } catch (IOException | RuntimeException e) {
          continue; // not an index blob of this repository
        }
        boolean[] missing = {false};
        idx.forEach(
            c -> {
              if (!c.deleted() && committed.get(c.id()) == null) {
                missing[0] = true;
              }
            });
        if (missing[0]) {
          lost.add(name);
        }
      }
    }
    return lost;
  }
}
