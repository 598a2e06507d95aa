package ca.eazybackup.e3.agent.backup.content;

import ca.eazybackup.e3.agent.backup.index.ContentId;
import ca.eazybackup.e3.agent.backup.index.ContentInfo;
import ca.eazybackup.e3.agent.backup.index.IndexMerge;
import ca.eazybackup.e3.agent.backup.index.PackIndex;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
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

  Instant deletionWatermark() {
    return deletionWatermark;
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
    merged.values().stream().filter(c -> !belowWatermark(c)).forEach(each);
  }

  private boolean belowWatermark(ContentInfo c) {
    return c.deleted() && !c.timestamp().isAfter(deletionWatermark);
  }

  /**
   * Every winning entry, deleted ones included (but not those the deletion watermark dropped), in
   * id order. A k-way merge over the loaded indexes, which are sorted in place: memory stays at one
   * cursor per index however many contents the repository holds, which is what lets full
   * maintenance walk a repository of millions of contents under a small heap.
   */
  void forEachMerged(Consumer<ContentInfo> each) {
    forEachMerged(List.copyOf(indexes), each, true);
  }

  /** The same merge over {@code sources}; {@code applyWatermark} false keeps every deletion. */
  void forEachMerged(List<PackIndex> sources, Consumer<ContentInfo> each, boolean applyWatermark) {
    PriorityQueue<Cursor> queue = new PriorityQueue<>();
    for (PackIndex idx : sources) {
      if (idx.size() > 0) {
        queue.add(new Cursor(idx));
      }
    }
    while (!queue.isEmpty()) {
      Cursor first = queue.poll();
      ContentInfo best = first.current;
      advance(queue, first);
      while (!queue.isEmpty() && queue.peek().current.id().equals(best.id())) {
        Cursor same = queue.poll();
        best = IndexMerge.winner(best, same.current);
        advance(queue, same);
      }
      if (!applyWatermark || !belowWatermark(best)) {
        each.accept(best);
      }
    }
  }

  private static void advance(PriorityQueue<Cursor> queue, Cursor c) {
    if (++c.position < c.index.size()) {
      c.current = c.index.entry(c.position);
      queue.add(c);
    }
  }

  private static final class Cursor implements Comparable<Cursor> {
    final PackIndex index;
    int position;
    ContentInfo current;

    Cursor(PackIndex index) {
      this.index = index;
      this.current = index.entry(0);
    }

    @Override
    public int compareTo(Cursor o) {
      return current.id().compareTo(o.current.id());
    }
  }
}
