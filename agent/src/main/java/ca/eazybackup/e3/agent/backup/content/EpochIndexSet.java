package ca.eazybackup.e3.agent.backup.content;

import ca.eazybackup.e3.agent.backup.blob.BlobMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which index blobs a reader loads under Kopia's epoch manager (kopia
 * internal/epoch/epoch_manager.go, internal/completeset/complete_set.go): the longest chain of
 * complete range checkpoints from epoch 0, then per later epoch its complete single-epoch
 * compaction if the epoch is settled, else all its uncompacted {@code xn} blobs.
 */
final class EpochIndexSet {
  private static final Pattern MARKER = Pattern.compile("xe(\\d+)");
  private static final Pattern UNCOMPACTED = Pattern.compile("xn(\\d+)_.*");
  private static final Pattern SINGLE = Pattern.compile("xs(\\d+)_.*");
  private static final Pattern RANGE = Pattern.compile("xr(\\d+)_(\\d+)_.*");
  private static final Pattern WATERMARK = Pattern.compile("xw(\\d+)");
  private static final Pattern SET = Pattern.compile(".*-(s[0-9a-f]+)-c(\\d+)$");

  /** The blobs to load, the write epoch and the deletion watermark. */
  record Result(List<BlobMetadata> indexBlobs, int writeEpoch, Instant deletionWatermark) {}

  private EpochIndexSet() {}

  static Result compute(List<BlobMetadata> xBlobs) {
    int writeEpoch = 0;
    long watermark = 0;
    Map<Integer, List<BlobMetadata>> uncompacted = new TreeMap<>();
    Map<Integer, List<BlobMetadata>> single = new HashMap<>();
    Map<Long, List<BlobMetadata>> ranges = new HashMap<>(); // key: a<<32|b
    for (BlobMetadata m : xBlobs) {
      String id = m.blobId();
      Matcher marker = MARKER.matcher(id);
      Matcher un = UNCOMPACTED.matcher(id);
      Matcher single1 = SINGLE.matcher(id);
      Matcher range = RANGE.matcher(id);
      Matcher wm = WATERMARK.matcher(id);
      if (marker.matches()) {
        writeEpoch = Math.max(writeEpoch, Integer.parseInt(marker.group(1)));
      } else if (un.matches()) {
        uncompacted.computeIfAbsent(Integer.parseInt(un.group(1)), k -> new ArrayList<>()).add(m);
      } else if (single1.matches()) {
        single.computeIfAbsent(Integer.parseInt(single1.group(1)), k -> new ArrayList<>()).add(m);
      } else if (range.matches()) {
        long key = (Long.parseLong(range.group(1)) << 32) | Long.parseLong(range.group(2));
        ranges.computeIfAbsent(key, k -> new ArrayList<>()).add(m);
      } else if (wm.matches()) {
        watermark = Math.max(watermark, Long.parseLong(wm.group(1)));
      }
    }
    List<BlobMetadata> result = new ArrayList<>();
    // longest chain of complete range checkpoints starting at epoch 0
    int next = 0;
    while (true) {
      List<BlobMetadata> best = null;
      int bestEnd = -1;
      for (Map.Entry<Long, List<BlobMetadata>> e : ranges.entrySet()) {
        int a = (int) (e.getKey() >>> 32);
        int b = (int) (e.getKey() & 0xffffffffL);
        if (a != next || b < bestEnd) {
          continue;
        }
        List<BlobMetadata> complete = completeSet(e.getValue());
        if (complete != null) {
          best = complete;
          bestEnd = b;
        }
      }
      if (best == null) {
        break;
      }
      result.addAll(best);
      next = bestEnd + 1;
    }
    for (int e = next; e <= writeEpoch + 1; e++) {
      List<BlobMetadata> compacted = e <= writeEpoch - 2 ? completeSet(single.get(e)) : null;
      if (compacted != null) {
        result.addAll(compacted);
      } else {
        result.addAll(uncompacted.getOrDefault(e, List.of()));
      }
    }
    return new Result(result, writeEpoch, Instant.ofEpochSecond(watermark));
  }

  /**
   * The {@code -s<set>-c<K>} groups with fewer than K members present (a set id is random per
   * compaction run, so two runs' parts never fall into one group).
   */
  static List<List<BlobMetadata>> incompleteSets(List<BlobMetadata> blobs) {
    Map<String, List<BlobMetadata>> bySet = new TreeMap<>();
    Map<String, Integer> counts = new HashMap<>();
    for (BlobMetadata m : blobs) {
      Matcher x = SET.matcher(m.blobId());
      if (!x.matches()) {
        continue;
      }
      String key = x.group(1) + "-" + x.group(2);
      bySet.computeIfAbsent(key, k -> new ArrayList<>()).add(m);
      counts.put(key, Integer.parseInt(x.group(2)));
    }
    List<List<BlobMetadata>> out = new ArrayList<>();
    bySet.forEach(
        (key, members) -> {
          if (members.size() < counts.get(key)) {
            out.add(members);
          }
        });
    return out;
  }

  /** The first complete {@code -s<set>-c<K>} group (K members present), or null. */
  static List<BlobMetadata> completeSet(List<BlobMetadata> blobs) {
    if (blobs == null) {
      return null;
    }
    Map<String, List<BlobMetadata>> bySet = new TreeMap<>();
    Map<String, Integer> counts = new HashMap<>();
    for (BlobMetadata m : blobs) {
      Matcher x = SET.matcher(m.blobId());
      if (!x.matches()) {
        continue;
      }
      bySet.computeIfAbsent(x.group(1), k -> new ArrayList<>()).add(m);
      counts.put(x.group(1), Integer.parseInt(x.group(2)));
    }
    return bySet.entrySet().stream()
        .filter(e -> e.getValue().size() == counts.get(e.getKey()))
        .map(Map.Entry::getValue)
        .min(Comparator.comparing(l -> l.get(0).blobId()))
        .orElse(null);
  }
}
