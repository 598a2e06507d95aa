package ca.eazybackup.e3.agent.backup.content;

import ca.eazybackup.e3.agent.backup.index.ContentId;
import ca.eazybackup.e3.agent.backup.index.ContentInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Index entries written or deleted in this session and not yet in a committed index blob. Entries
 * whose packs are already stored are also queued as durable: above a threshold they go to an index
 * blob of their own during the run, so a million new contents never sit here as objects.
 */
final class PendingEntries {
  private final ConcurrentHashMap<ContentId, ContentInfo> entries = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<ContentInfo> durable = new ConcurrentLinkedQueue<>();
  private final AtomicInteger durableCount = new AtomicInteger();

  ContentInfo get(ContentId id) {
    return entries.get(id);
  }

  void put(ContentInfo info) {
    entries.put(info.id(), info);
  }

  /** Removes {@code info} if it is still the entry of its id. */
  void remove(ContentInfo info) {
    entries.remove(info.id(), info);
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  void forEach(BiConsumer<ContentId, ContentInfo> each) {
    entries.forEach(each);
  }

  List<ContentInfo> snapshot() {
    return new ArrayList<>(entries.values());
  }

  /** Their packs are stored: an index naming them may be written. */
  void stored(Collection<ContentInfo> items) {
    durable.addAll(items);
    durableCount.addAndGet(items.size());
  }

  int durableCount() {
    return durableCount.get();
  }

  /** Takes the durable entries that are still current. */
  List<ContentInfo> drainDurable() {
    List<ContentInfo> out = new ArrayList<>();
    for (ContentInfo i; (i = durable.poll()) != null; ) {
      durableCount.decrementAndGet();
      if (entries.get(i.id()) == i) {
        out.add(i);
      }
    }
    return out;
  }

  /** All pending entries are about to be committed at once: the durable queue is moot. */
  void clearDurable() {
    durable.clear();
    durableCount.set(0);
  }
}
