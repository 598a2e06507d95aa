package ca.eazybackup.e3.agent.backup.retention;

import ca.eazybackup.e3.agent.backup.snapshot.SnapshotManifest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kopia's ComputeRetentionReasons (snapshot/policy/retention_policy.go, v0.10) for the snapshots of
 * one source: newest first, each complete snapshot claims the first free bucket of latest, annual,
 * monthly, weekly, daily, hourly; bucket keys use the offset stored in its start time.
 */
public final class Retention {
  private static final Duration KEEP_INCOMPLETE_YOUNGER_THAN = Duration.ofHours(4);
  private static final int KEEP_INCOMPLETE_MIN_COUNT = 3;

  private Retention() {}

  /** One retention category as it applies to one snapshot. */
  private record Bucket(OffsetDateTime cutoff, String id, String type, Integer max) {}

  private static String fmt(String pattern, Object... args) {
    return String.format(java.util.Locale.ROOT, pattern, args);
  }

  /** Reasons per snapshot id; an empty list means the snapshot may be deleted (unless pinned). */
  public static Map<String, List<String>> reasons(
      RetentionPolicy policy, List<SnapshotManifest> snapshots) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (snapshots.isEmpty()) {
      return out;
    }
    OffsetDateTime maxStart = null;
    OffsetDateTime maxComplete = null;
    for (SnapshotManifest m : snapshots) {
      if (maxStart == null || m.startTime().isAfter(maxStart)) {
        maxStart = m.startTime();
      }
      if (m.isComplete() && (maxComplete == null || m.startTime().isAfter(maxComplete))) {
        maxComplete = m.startTime();
      }
    }
    OffsetDateTime base = maxComplete == null ? OffsetDateTime.MIN.plusYears(2) : maxComplete;
    OffsetDateTime never = base.plusDays(365);
    OffsetDateTime annual =
        policy.keepAnnual() == null ? never : addDate(base, -policy.keepAnnual(), 0, 0);
    OffsetDateTime monthly =
        policy.keepMonthly() == null ? never : addDate(base, 0, -policy.keepMonthly(), 0);
    OffsetDateTime weekly =
        policy.keepWeekly() == null ? never : addDate(base, 0, 0, -7 * policy.keepWeekly());
    OffsetDateTime daily =
        policy.keepDaily() == null ? never : addDate(base, 0, 0, -policy.keepDaily());
    OffsetDateTime hourly =
        policy.keepHourly() == null ? never : base.minusHours(policy.keepHourly());

    List<SnapshotManifest> sorted = new ArrayList<>(snapshots);
    sorted.sort(Comparator.comparing((SnapshotManifest m) -> m.startTime().toInstant()).reversed());
    Set<String> ids = new HashSet<>();
    Map<String, Integer> counters = new HashMap<>();
    int keepLatest = policy.effectiveKeepLatest();
    for (int i = 0; i < sorted.size(); i++) {
      SnapshotManifest s = sorted.get(i);
      List<String> reasons = new ArrayList<>();
      if (s.isComplete()) {
        OffsetDateTime t = s.startTime();
        int isoYear = t.get(IsoFields.WEEK_BASED_YEAR);
        int isoWeek = t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
        Integer latestMax = keepLatest < 0 ? null : keepLatest;
        List<Bucket> cases =
            List.of(
                new Bucket(null, String.valueOf(i), "latest", latestMax),
                new Bucket(annual, fmt("%04d", t.getYear()), "annual", policy.keepAnnual()),
                new Bucket(
                    monthly,
                    fmt("%04d-%02d", t.getYear(), t.getMonthValue()),
                    "monthly",
                    policy.keepMonthly()),
                new Bucket(
                    weekly, fmt("%04d-%02d", isoYear, isoWeek), "weekly", policy.keepWeekly()),
                new Bucket(
                    daily,
                    fmt("%04d-%02d-%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth()),
                    "daily",
                    policy.keepDaily()),
                new Bucket(
                    hourly,
                    fmt(
                        "%04d-%02d-%02d %02d",
                        t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour()),
                    "hourly",
                    policy.keepHourly()));
        for (Bucket c : cases) {
          Integer max = c.max();
          if (max == null) {
            continue;
          }
          if (c.cutoff() != null && t.isBefore(c.cutoff())) {
            continue;
          }
          String id = c.id();
          String type = c.type();
          if (ids.contains(id)) {
            continue;
          }
          int n = counters.getOrDefault(type, 0);
          if (n < max) {
            ids.add(id);
            counters.put(type, n + 1);
            reasons.add(type + "-" + (n + 1));
          }
        }
      }
      out.put(s.id(), reasons);
    }
    for (int i = 0; i < sorted.size(); i++) {
      SnapshotManifest s = sorted.get(i);
      if (s.isComplete()) {
        break;
      }
      Duration age = Duration.between(s.startTime(), maxStart);
      if (age.compareTo(KEEP_INCOMPLETE_YOUNGER_THAN) < 0 || i < KEEP_INCOMPLETE_MIN_COUNT) {
        out.get(s.id()).add("incomplete");
      } else {
        break;
      }
    }
    return out;
  }

  /** The snapshots retention would delete: no reason to keep and no pins. */
  public static List<SnapshotManifest> toDelete(
      RetentionPolicy policy, List<SnapshotManifest> snapshots) {
    Map<String, List<String>> reasons = reasons(policy, snapshots);
    List<SnapshotManifest> out = new ArrayList<>();
    for (SnapshotManifest m : snapshots) {
      if (reasons.get(m.id()).isEmpty() && m.pins().isEmpty()) {
        out.add(m);
      }
    }
    return out;
  }

  /** Go's time.AddDate: shift fields, then normalise (31 March − 1 month = 3 March). */
  static OffsetDateTime addDate(OffsetDateTime t, int years, int months, int days) {
    LocalDate first =
        LocalDate.of(t.getYear() + years, 1, 1).plusMonths(t.getMonthValue() - 1L + months);
    LocalDate d = first.plusDays(t.getDayOfMonth() - 1L + days);
    return t.with(d);
  }
}
