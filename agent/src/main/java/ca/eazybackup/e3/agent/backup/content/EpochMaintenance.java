package ca.eazybackup.e3.agent.backup.content;

import ca.eazybackup.e3.agent.backup.blob.BlobMetadata;
import ca.eazybackup.e3.agent.backup.blob.BlobStorage;
import ca.eazybackup.e3.agent.backup.index.ContentInfo;
import ca.eazybackup.e3.agent.backup.index.IndexBuilder;
import ca.eazybackup.e3.agent.backup.index.PackIndex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The epoch manager's maintenance side (kopia internal/epoch/epoch_manager.go, with its default
 * parameters): compact one settled epoch's many small {@code xn} blobs into one {@code xs} set,
 * advance the write epoch, write the deletion watermark, and delete what compaction superseded.
 *
 * <p>Why readers stay safe: an epoch is compacted only once it is settled (at most write epoch −
 * 2), and the write epoch only advances when the current one's index blobs span 24 h, so no writer
 * — which re-reads the epoch markers before every index write — still writes into it. Compaction
 * keeps every entry, deletions included (the watermark, applied to the winning entry, is what drops
 * them; dropping a deletion from one blob would resurrect an older live entry in another). A
 * superseded {@code xn} blob is deleted only when its {@code xs} set was written more than 4 h
 * before the newest index blob, so readers that listed the old set long ago have re-listed.
 */
public final class EpochMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(EpochMaintenance.class);
  static final Duration MIN_EPOCH_DURATION = Duration.ofHours(24);
  static final int ADVANCE_ON_COUNT = 20;
  static final long ADVANCE_ON_BYTES = 10L << 20;
  static final Duration CLEANUP_SAFETY_MARGIN = Duration.ofHours(4);
  private static final Pattern NUMBERED = Pattern.compile("x[ens](\\d+)(_.*)?");
  private static final Pattern WATERMARK = Pattern.compile("xw(\\d+)");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Entries per compacted index blob; bounds the memory one compaction holds at a time. */
  private final int shardEntries = Integer.getInteger("e3.kopia.compactionShardEntries", 200_000);

  private final IndexBlobs indexBlobs;

  EpochMaintenance(IndexBlobs indexBlobs) {
    this.indexBlobs = indexBlobs;
  }

  /** The repository's epoch blobs, grouped. */
  private record State(
      int writeEpoch,
      Map<Integer, List<BlobMetadata>> markers,
      Map<Integer, List<BlobMetadata>> uncompacted,
      Map<Integer, List<BlobMetadata>> single,
      List<BlobMetadata> watermarks,
      List<BlobMetadata> compactionOutputs,
      int firstUncoveredByRange) {}

  private State state() throws IOException {
    List<BlobMetadata> all = new ArrayList<>();
    storage().list("x", all::add);
    Map<Integer, List<BlobMetadata>> markers = new TreeMap<>();
    Map<Integer, List<BlobMetadata>> uncompacted = new TreeMap<>();
    Map<Integer, List<BlobMetadata>> single = new TreeMap<>();
    List<BlobMetadata> watermarks = new ArrayList<>();
    List<BlobMetadata> compactionOutputs = new ArrayList<>();
    int writeEpoch = 0;
    for (BlobMetadata m : all) {
      String id = m.blobId();
      if (id.startsWith("xs") || id.startsWith("xr")) {
        compactionOutputs.add(m);
      }
      Matcher n = NUMBERED.matcher(id);
      if (n.matches()) {
        int e = Integer.parseInt(n.group(1));
        Map<Integer, List<BlobMetadata>> into =
            switch (id.charAt(1)) {
              case 'e' -> markers;
              case 'n' -> uncompacted;
              default -> single;
            };
        into.computeIfAbsent(e, k -> new ArrayList<>()).add(m);
        if (id.charAt(1) == 'e') {
          writeEpoch = Math.max(writeEpoch, e);
        }
      } else if (WATERMARK.matcher(id).matches()) {
        watermarks.add(m);
      }
    }
    // epochs a complete range checkpoint covers are not compacted singly (Kopia's rule)
    int covered = 0;
    for (BlobMetadata m : EpochIndexSet.compute(all).indexBlobs()) {
      Matcher r = Pattern.compile("xr(\\d+)_(\\d+)_.*").matcher(m.blobId());
      if (r.matches()) {
        covered = Math.max(covered, Integer.parseInt(r.group(2)) + 1);
      }
    }
    return new State(
        writeEpoch, markers, uncompacted, single, watermarks, compactionOutputs, covered);
  }

  private BlobStorage storage() {
    return indexBlobs.storage();
  }

  /**
   * Compacts the oldest settled epoch that has index blobs but no complete {@code xs} set into one.
   * Returns the epoch compacted, or -1 when none is due.
   */
  public int compactOneSettledEpoch() throws IOException {
    State s = state();
    for (Map.Entry<Integer, List<BlobMetadata>> e : s.uncompacted().entrySet()) {
      int epoch = e.getKey();
      if (epoch > s.writeEpoch() - 2) {
        break; // not settled: a writer may still write into it
      }
      if (epoch < s.firstUncoveredByRange()
          || EpochIndexSet.completeSet(s.single().get(epoch)) != null) {
        continue;
      }
      compact(epoch, e.getValue());
      return epoch;
    }
    return -1;
  }

  private void compact(int epoch, List<BlobMetadata> inputs) throws IOException {
    List<PackIndex> sources = new ArrayList<>();
    for (BlobMetadata m : inputs) {
      sources.add(indexBlobs.load(m.blobId()));
    }
    CommittedIndex merger = new CommittedIndex();
    long[] count = {0};
    merger.forEachMerged(sources, c -> count[0]++, false);
    int shards = (int) Math.max(1, (count[0] + shardEntries - 1) / shardEntries);
    byte[] rnd = new byte[8];
    RANDOM.nextBytes(rnd);
    String suffix = "s" + HexFormat.of().formatHex(rnd) + "-c" + shards;
    List<ContentInfo> shard = new ArrayList<>();
    List<String> written = new ArrayList<>();
    IOException[] failure = {null};
    merger.forEachMerged(
        sources,
        c -> {
          shard.add(c);
          if (shard.size() >= shardEntries && failure[0] == null) {
            failure[0] = writeShard(epoch, shard, suffix, written);
          }
        },
        false);
    if (failure[0] == null && (!shard.isEmpty() || written.isEmpty())) {
      failure[0] = writeShard(epoch, shard, suffix, written);
    }
    if (failure[0] != null) {
      throw failure[0];
    }
    LOG.info(
        "event=epoch_compacted epoch={} inputs={} entries={} outputs={}",
        epoch,
        inputs.size(),
        count[0],
        written);
  }

  private IOException writeShard(
      int epoch, List<ContentInfo> entries, String suffix, List<String> written) {
    try {
      byte[] plain =
          new IndexBuilder()
              .addAll(entries)
              .build(indexBlobs.indexVersion(), indexBlobs.formatVersion());
      NamedBlobs.Encrypted enc = indexBlobs.namedBlobs().encrypt("", plain, suffix);
      String blobId = "xs" + epoch + "_" + enc.blobId();
      storage().put(blobId, enc.body());
      written.add(blobId);
      entries.clear();
      return null;
    } catch (IOException e) {
      return e;
    }
  }

  /**
   * Writes {@code xe<W+1>} when the write epoch's index blobs span at least 24 h and number 20 or
   * weigh 10 MiB (kopia epoch_advance.go shouldAdvance). Returns whether it advanced.
   */
  public boolean maybeAdvanceWriteEpoch() throws IOException {
    State s = state();
    List<BlobMetadata> current = s.uncompacted().getOrDefault(s.writeEpoch(), List.of());
    if (current.isEmpty()) {
      return false;
    }
    Instant min = Instant.MAX;
    Instant max = Instant.MIN;
    long bytes = 0;
    for (BlobMetadata m : current) {
      Instant t = m.timestamp();
      min = t.isBefore(min) ? t : min;
      max = t.isAfter(max) ? t : max;
      bytes += m.length();
    }
    if (Duration.between(min, max).compareTo(MIN_EPOCH_DURATION) < 0) {
      return false;
    }
    if (current.size() < ADVANCE_ON_COUNT && bytes < ADVANCE_ON_BYTES) {
      return false;
    }
    int next = s.writeEpoch() + 1;
    storage().put("xe" + next, "epoch-marker".getBytes(StandardCharsets.US_ASCII));
    LOG.info("event=epoch_advanced epoch={} indexBlobs={} bytes={}", next, current.size(), bytes);
    return true;
  }

  /**
   * Moves the deletion watermark to {@code before} ({@code xw<unix seconds>}): deletions at or
   * before it count as absent for every reader. Returns false when the watermark is already there.
   */
  public boolean advanceDeletionWatermark(Instant before) throws IOException {
    long current = 0;
    for (BlobMetadata m : state().watermarks()) {
      current = Math.max(current, Long.parseLong(m.blobId().substring(2)));
    }
    if (before.getEpochSecond() <= current) {
      return false;
    }
    storage()
        .put(
            "xw" + before.getEpochSecond(),
            "deletion-watermark".getBytes(StandardCharsets.US_ASCII));
    indexBlobs.committed().deletionWatermark(before);
    LOG.info("event=deletion_watermark_advanced watermark={}", before);
    return true;
  }

  /**
   * Deletes epoch markers older than W−1, watermarks below the newest (once their replacement is
   * older than the safety margin), {@code xn} blobs of epochs whose complete {@code xs} set was
   * written more than 4 h before the newest index blob, and the parts of compaction sets that never
   * became complete when they too are older than that. Returns how many blobs it deleted.
   */
  public int cleanup() throws IOException {
    State s = state();
    List<String> delete = new ArrayList<>();
    s.markers()
        .forEach(
            (epoch, blobs) -> {
              if (epoch < s.writeEpoch() - 1) {
                blobs.forEach(b -> delete.add(b.blobId()));
              }
            });
    Instant newest = Instant.EPOCH;
    for (List<BlobMetadata> l : s.uncompacted().values()) {
      for (BlobMetadata m : l) {
        newest = m.timestamp().isAfter(newest) ? m.timestamp() : newest;
      }
    }
    Instant maxReplacement = newest.minus(CLEANUP_SAFETY_MARGIN);
    if (!newest.equals(Instant.EPOCH)) {
      BlobMetadata latestWatermark = null;
      for (BlobMetadata m : s.watermarks()) {
        if (latestWatermark == null
            || Long.parseLong(m.blobId().substring(2))
                > Long.parseLong(latestWatermark.blobId().substring(2))) {
          latestWatermark = m;
        }
      }
      for (BlobMetadata m : s.watermarks()) {
        if (m != latestWatermark && latestWatermark.timestamp().isBefore(maxReplacement)) {
          delete.add(m.blobId());
        }
      }
      Map<Integer, Instant> compactedAt = new HashMap<>();
      s.single()
          .forEach(
              (epoch, blobs) -> {
                List<BlobMetadata> set = EpochIndexSet.completeSet(blobs);
                if (set != null) {
                  Instant t =
                      set.stream().map(BlobMetadata::timestamp).max(Instant::compareTo).get();
                  compactedAt.put(epoch, t);
                }
              });
      s.uncompacted()
          .forEach(
              (epoch, blobs) -> {
                Instant t = compactedAt.get(epoch);
                if (t != null && t.isBefore(maxReplacement)) {
                  blobs.forEach(b -> delete.add(b.blobId()));
                }
              });
      // A compaction killed between its shards leaves an incomplete -s<set>-c<K> group: readers
      // skip it (kopia completeset), so it only costs storage, and Kopia's epoch manager never
      // deletes it. Its writer is gone once its newest part is older than the margin Kopia gives
      // superseded blobs (a running compaction writes its parts after the newest index blob).
      for (List<BlobMetadata> set : EpochIndexSet.incompleteSets(s.compactionOutputs())) {
        Instant t = set.stream().map(BlobMetadata::timestamp).max(Instant::compareTo).get();
        if (t.isBefore(maxReplacement)) {
          set.forEach(b -> delete.add(b.blobId()));
          LOG.info("event=incomplete_compaction_set_deleted blobs={}", set.size());
        }
      }
    }
    for (String id : delete) {
      storage().delete(id);
    }
    if (!delete.isEmpty()) {
      LOG.info("event=epoch_cleanup deleted={}", delete.size());
    }
    return delete.size();
  }

  /** The current write epoch as the repository lists it now. */
  public int writeEpoch() throws IOException {
    return state().writeEpoch();
  }
}
