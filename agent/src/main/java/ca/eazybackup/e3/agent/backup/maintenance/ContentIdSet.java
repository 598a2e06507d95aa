package ca.eazybackup.e3.agent.backup.maintenance;

import ca.eazybackup.e3.agent.backup.index.ContentId;

/**
 * The set of content ids snapshot GC marks reachable, kept as two {@code long}s per id in one open
 * addressing table instead of a {@code HashSet<String>}: about 32 bytes per id at the worst load
 * instead of ~150, so marking a repository of millions of contents fits a small heap.
 *
 * <p>An id is reduced to the first 128 bits of its hash with its prefix letter folded in. Two ids
 * that collide on those bits (chance about n²/2¹²⁹) make the set answer "reachable" for an
 * unreachable one: the content is kept, never lost — the only direction in which GC may err.
 */
final class ContentIdSet {
  private long[] table = new long[2 * 1024];
  private int size;
  private boolean hasZero;

  /** Adds {@code id}; returns false when it was already there. */
  boolean add(ContentId id) {
    long a = high(id);
    long b = low(id);
    if (a == 0 && b == 0) {
      boolean added = !hasZero;
      hasZero = true;
      size += added ? 1 : 0;
      return added;
    }
    if ((size + 1) * 2 > table.length / 2) {
      grow();
    }
    if (insert(table, a, b)) {
      size++;
      return true;
    }
    return false;
  }

  boolean contains(ContentId id) {
    long a = high(id);
    long b = low(id);
    if (a == 0 && b == 0) {
      return hasZero;
    }
    int mask = table.length / 2 - 1;
    for (int slot = mix(a, b) & mask; ; slot = (slot + 1) & mask) {
      long x = table[2 * slot];
      long y = table[2 * slot + 1];
      if (x == 0 && y == 0) {
        return false;
      }
      if (x == a && y == b) {
        return true;
      }
    }
  }

  int size() {
    return size;
  }

  /** Bytes the table holds (for the memory figure in maintenance logs and tests). */
  long tableBytes() {
    return (long) table.length * Long.BYTES;
  }

  private static boolean insert(long[] t, long a, long b) {
    int mask = t.length / 2 - 1;
    for (int slot = mix(a, b) & mask; ; slot = (slot + 1) & mask) {
      long x = t[2 * slot];
      long y = t[2 * slot + 1];
      if (x == 0 && y == 0) {
        t[2 * slot] = a;
        t[2 * slot + 1] = b;
        return true;
      }
      if (x == a && y == b) {
        return false;
      }
    }
  }

  private void grow() {
    long[] bigger = new long[table.length * 2];
    for (int i = 0; i < table.length; i += 2) {
      if (table[i] != 0 || table[i + 1] != 0) {
        insert(bigger, table[i], table[i + 1]);
      }
    }
    table = bigger;
  }

  private static int mix(long a, long b) {
    long h = a * 0x9E3779B97F4A7C15L ^ b;
    return (int) (h ^ (h >>> 32));
  }

  private static long high(ContentId id) {
    return hexLong(id.value(), id.prefix().length());
  }

  private static long low(ContentId id) {
    String v = id.value();
    int start = id.prefix().length() + 16;
    long prefix = id.prefix().isEmpty() ? 0 : v.charAt(0);
    return hexLong(v, start) ^ (prefix << 56);
  }

  /** Up to 16 hex digits of {@code v} from {@code start} (fewer when the id is shorter). */
  private static long hexLong(String v, int start) {
    long x = 0;
    int end = Math.min(v.length(), start + 16);
    for (int i = start; i < end; i++) {
      x = (x << 4) | Character.digit(v.charAt(i), 16);
    }
    return x;
  }
}
