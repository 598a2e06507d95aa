package ca.eazybackup.e3.agent.nas.vfs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which byte ranges of a sparse cache file hold data (rclone's vfscache ranges): {@code [start,
 * end)} pairs, merged when they touch. Not thread-safe; the cache item's lock guards it.
 */
final class RangeSet {
  private final TreeMap<Long, Long> ranges = new TreeMap<>();

  static RangeSet of(List<long[]> pairs) {
    RangeSet s = new RangeSet();
    if (pairs != null) {
      for (long[] p : pairs) {
        s.add(p[0], p[1]);
      }
    }
    return s;
  }

  List<long[]> toList() {
    List<long[]> out = new ArrayList<>();
    ranges.forEach((s, e) -> out.add(new long[] {s, e}));
    return out;
  }

  void add(long start, long end) {
    if (end <= start) {
      return;
    }
    Map.Entry<Long, Long> before = ranges.floorEntry(start);
    if (before != null && before.getValue() >= start) {
      start = before.getKey();
      end = Math.max(end, before.getValue());
    }
    Map.Entry<Long, Long> next = ranges.ceilingEntry(start);
    while (next != null && next.getKey() <= end) {
      end = Math.max(end, next.getValue());
      ranges.remove(next.getKey());
      next = ranges.ceilingEntry(start);
    }
    ranges.put(start, end);
  }

  /** Whether {@code [start, end)} is entirely present. */
  boolean covers(long start, long end) {
    if (end <= start) {
      return true;
    }
    Map.Entry<Long, Long> e = ranges.floorEntry(start);
    return e != null && e.getValue() >= end;
  }

  /** The end of the present run that contains {@code pos}, or {@code pos} when it is missing. */
  long presentUntil(long pos) {
    Map.Entry<Long, Long> e = ranges.floorEntry(pos);
    return e != null && e.getValue() > pos ? e.getValue() : pos;
  }

  /** The start of the next present run after {@code pos}, or {@code limit}. */
  long missingUntil(long pos, long limit) {
    Long next = ranges.ceilingKey(pos + 1);
    return next == null ? limit : Math.min(next, limit);
  }

  long bytes() {
    long n = 0;
    for (Map.Entry<Long, Long> e : ranges.entrySet()) {
      n += e.getValue() - e.getKey();
    }
    return n;
  }
}
