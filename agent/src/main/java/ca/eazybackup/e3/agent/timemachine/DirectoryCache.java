package ca.eazybackup.e3.agent.timemachine;

import ca.eazybackup.e3.agent.backup.object.ObjectId;
import ca.eazybackup.e3.agent.backup.object.ObjectManager;
import ca.eazybackup.e3.agent.backup.snapshot.DirEntry;
import ca.eazybackup.e3.agent.backup.snapshot.DirectoryReader;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parsed directory objects, least recently used dropped first, bounded by the number of entries
 * held. WebDAV resolves every ancestor of a path on every request (Explorer sends several per
 * click), so without this each request would decrypt and parse each folder on the way again. A
 * directory object never changes (its id is its content's hash), so nothing here goes stale.
 */
final class DirectoryCache {
  /** About 100 MB of parsed entries at worst; a 10,000-entry folder is 1/20 of it. */
  static final int DEFAULT_MAX_ENTRIES = 200_000;

  private final ObjectManager objects;
  private final int maxEntries;
  private final LinkedHashMap<ObjectId, Listing> lru = new LinkedHashMap<>(64, 0.75f, true);
  private int held;

  DirectoryCache(ObjectManager objects, int maxEntries) {
    this.objects = objects;
    this.maxEntries = maxEntries;
  }

  /** The folder whose directory object is {@code id}. */
  Listing get(ObjectId id) throws IOException {
    synchronized (this) {
      Listing l = lru.get(id);
      if (l != null) {
        return l;
      }
    }
    // read outside the lock: two requests for one new folder may both read it, harmlessly
    Listing read = new Listing(DirectoryReader.readAll(objects, id));
    synchronized (this) {
      if (lru.putIfAbsent(id, read) == null) {
        held += read.entries().size();
        trim(id);
      }
    }
    return read;
  }

  private void trim(ObjectId keep) {
    Iterator<Map.Entry<ObjectId, Listing>> it = lru.entrySet().iterator();
    while (held > maxEntries && it.hasNext()) {
      Map.Entry<ObjectId, Listing> e = it.next();
      if (!e.getKey().equals(keep)) {
        held -= e.getValue().entries().size();
        it.remove();
      }
    }
  }

  synchronized void clear() {
    lru.clear();
    held = 0;
  }

  /**
   * One folder's entries in stored order (Kopia's: folders first, then by name), with a lookup by
   * name. Windows asks for names in whatever case the user typed, so a name with no exact match
   * falls back to the one entry equal ignoring case.
   */
  record Listing(
      List<DirEntry> entries, Map<String, DirEntry> byName, Map<String, DirEntry> lower) {
    Listing(List<DirEntry> entries) {
      this(List.copyOf(entries), exact(entries), folded(entries));
    }

    private static Map<String, DirEntry> exact(List<DirEntry> entries) {
      Map<String, DirEntry> m = new HashMap<>(entries.size() * 2);
      for (DirEntry e : entries) {
        m.put(e.name(), e);
      }
      return m;
    }

    private static Map<String, DirEntry> folded(List<DirEntry> entries) {
      Map<String, DirEntry> m = new HashMap<>(entries.size() * 2);
      for (DirEntry e : entries) {
        String k = e.name().toLowerCase(Locale.ROOT);
        // two names equal ignoring case: neither is found by a case-changed name
        m.merge(k, e, (a, b) -> AMBIGUOUS);
      }
      m.values().removeIf(v -> v == AMBIGUOUS);
      return m;
    }

    DirEntry child(String name) {
      DirEntry e = byName.get(name);
      return e != null ? e : lower.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private static final DirEntry AMBIGUOUS =
      new DirEntry("", DirEntry.FILE, 0, 0, null, 0, 0, null, null);
}
