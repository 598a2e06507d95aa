package ca.eazybackup.e3.agent.backup.content;

import ca.eazybackup.e3.agent.backup.index.ContentId;
import ca.eazybackup.e3.agent.backup.index.ContentInfo;
import ca.eazybackup.e3.agent.backup.index.IndexMerge;
import ca.eazybackup.e3.agent.backup.index.PackIndex;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The merged view of every loaded index blob (kopia repo/content/committed_content_index.go).
 * Lookups search each index and keep the winning entry; deletions at or before the deletion
 * watermark count as absent. Thread-safe: indexes are only ever added.
 */
final class CommittedIndex {
  private final Map<String, PackIndex> byBlob = new LinkedHashMap<>();
  private final CopyOnWriteArrayList<PackIndex> indexes = new CopyOnWriteArrayList<>();
  private volatile Instant deletionWatermark = Instant.EPOCH;

  synchronized boolean has(String indexBlobId) {
    return byBlob.containsKey(indexBlobId);
  }

  synchronized void add(String indexBlobId, PackIndex index) {
    if (byBlob.putIfAbsent(indexBlobId, index) == null) {
      indexes.add(index);
    }
  }

  void deletionWatermark(Instant w) {
    deletionWatermark = w;
  }

  int indexCount() {
    return indexes.size();
  }

  /** The winning entry, deleted or not, or null. */
  ContentInfo get(ContentId id) {
    ContentInfo best = null;
    for (PackIndex idx : indexes) {
      ContentInfo c = idx.get(id);
      if (c != null) {
        best = IndexMerge.winner(best, c);
      }
    }
    if (best != null && best.deleted() && !best.timestamp().isAfter(deletionWatermark)) {
      return null;
    }
    return best;
  }

  /** Winning entries whose id starts with {@code prefix}, in no particular order. */
  void forEach(String prefix, Consumer<ContentInfo> each) {
    Map<ContentId, ContentInfo> merged = new HashMap<>();
    for (PackIndex idx : indexes) {
      idx.forEach(
          c -> {
            if (c.id().value().startsWith(prefix)) {
              merged.merge(c.id(), c, IndexMerge::winner);
            }
          });
    }
    merged.values().forEach(each);
  }
}
