package ca.eazybackup.e3.agent.nas.vfs;

import ca.eazybackup.e3.agent.nas.NasEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Folder listings as S3 last gave them, trusted for {@link CachePolicy#dirCacheTime()} (rclone's
 * {@code --dir-cache-time}). Changes made through the volume update a cached listing in place, so
 * they show at once; changes made elsewhere show when the listing expires. Listings are immutable
 * snapshots replaced whole, so readers need no lock.
 */
final class DirCache {
  /** A folder's children by name, or {@code null} children when the folder does not exist. */
  record Listing(NavigableMap<String, NasEntry> children, Instant fetched) {
    boolean exists() {
      return children != null;
    }
  }

  private final Map<String, Listing> listings = new ConcurrentHashMap<>();

  /**
   * Changes made through the volume, per folder. A listing fetched from S3 while a change of its
   * folder landed may miss it (the LIST began before the PUT ended, and the change found no cached
   * listing to update): such a listing is returned to its caller but not cached, or a file just
   * written would answer 404 for the whole dir cache time (rclone's copy checks each file it PUTs
   * with a PROPFIND at once).
   */
  private final Map<String, Long> changes = new ConcurrentHashMap<>();

  private final Duration ttl;
  private final Clock clock;

  DirCache(Duration ttl, Clock clock) {
    this.ttl = ttl;
    this.clock = clock;
  }

  /** The cached listing of {@code folder} if still fresh, else {@code null}. */
  Listing fresh(String folder) {
    Listing l = listings.get(folder);
    if (l == null || l.fetched().plus(ttl).isBefore(clock.instant())) {
      return null;
    }
    return l;
  }

  /** Taken before asking S3 for a listing of {@code folder}; hand it to {@link #store}. */
  long ticket(String folder) {
    // both counters only grow, so their sum changes whenever either does
    return changes.getOrDefault(folder, 0L) + treeChanges.get();
  }

  /** Bumped by {@link #forgetTree}, which changes folders below as well. */
  private final java.util.concurrent.atomic.AtomicLong treeChanges =
      new java.util.concurrent.atomic.AtomicLong();

  /** Caches the listing unless {@code folder} changed since {@code ticket} was taken. */
  Listing store(String folder, NavigableMap<String, NasEntry> children, long ticket) {
    Listing l =
        new Listing(
            children == null ? null : Collections.unmodifiableNavigableMap(children),
            clock.instant());
    listings.put(folder, l);
    if (ticket(folder) != ticket) {
      listings.remove(folder, l);
    }
    return l;
  }

  private void changed(String folder) {
    changes.merge(folder, 1L, Long::sum);
  }

  /** Adds or replaces one child in a cached listing of {@code folder}. */
  void upsert(String folder, NasEntry child) {
    changed(folder);
    listings.computeIfPresent(
        folder,
        (k, l) -> {
          TreeMap<String, NasEntry> copy =
              l.children() == null ? new TreeMap<>() : new TreeMap<>(l.children());
          copy.put(child.name(), child);
          return new Listing(Collections.unmodifiableNavigableMap(copy), l.fetched());
        });
  }

  /** Removes one child from a cached listing of {@code folder}. */
  void remove(String folder, String name) {
    changed(folder);
    listings.computeIfPresent(
        folder,
        (k, l) -> {
          if (l.children() == null || !l.children().containsKey(name)) {
            return l;
          }
          TreeMap<String, NasEntry> copy = new TreeMap<>(l.children());
          copy.remove(name);
          return new Listing(Collections.unmodifiableNavigableMap(copy), l.fetched());
        });
  }

  /** Forgets {@code folder} and every folder below it. */
  void forgetTree(String folder) {
    treeChanges.incrementAndGet();
    String below = folder.isEmpty() ? "" : folder + "/";
    listings.keySet().removeIf(k -> k.equals(folder) || folder.isEmpty() || k.startsWith(below));
  }
}
