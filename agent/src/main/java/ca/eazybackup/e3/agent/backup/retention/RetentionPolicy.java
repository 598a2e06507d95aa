package ca.eazybackup.e3.agent.backup.retention;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Kopia's retention policy: how many latest, hourly, daily, weekly, monthly and annual snapshots to
 * keep; null = not set. Read from the job's {@code retention_json} ({@code keep_daily} or Kopia's
 * {@code keepDaily}).
 */
public record RetentionPolicy(
    Integer keepLatest,
    Integer keepHourly,
    Integer keepDaily,
    Integer keepWeekly,
    Integer keepMonthly,
    Integer keepAnnual) {

  /** Kopia's built-in defaults (latest 10, hourly 48, daily 7, weekly 4, monthly 24, annual 3). */
  public static RetentionPolicy kopiaDefaults() {
    return new RetentionPolicy(10, 48, 7, 4, 24, 3);
  }

  /** The policy in {@code json}; null when the job sets none (then nothing is ever deleted). */
  public static RetentionPolicy fromJson(JsonNode json) {
    if (json == null || json.isNull() || !json.isObject()) {
      return null;
    }
    RetentionPolicy p =
        new RetentionPolicy(
            read(json, "keep_latest", "keepLatest"),
            read(json, "keep_hourly", "keepHourly"),
            read(json, "keep_daily", "keepDaily"),
            read(json, "keep_weekly", "keepWeekly"),
            read(json, "keep_monthly", "keepMonthly"),
            firstNonNull(
                read(json, "keep_annual", "keepAnnual"), read(json, "keep_yearly", "keepYearly")));
    return p.isEmpty() ? null : p;
  }

  private static Integer firstNonNull(Integer a, Integer b) {
    return a != null ? a : b;
  }

  private static Integer read(JsonNode json, String snake, String camel) {
    JsonNode n = json.has(snake) ? json.get(snake) : json.get(camel);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.canConvertToInt() && !n.isTextual()) {
      throw new IllegalArgumentException("retention '" + snake + "' must be a number");
    }
    int v = n.isTextual() ? Integer.parseInt(n.asText().trim()) : n.asInt();
    if (v < 0) {
      throw new IllegalArgumentException("retention '" + snake + "' must not be negative");
    }
    return v;
  }

  boolean isEmpty() {
    return keepLatest == null
        && keepHourly == null
        && keepDaily == null
        && keepWeekly == null
        && keepMonthly == null
        && keepAnnual == null;
  }

  /** Kopia 0.10: when all six are 0 or unset, keep everything. */
  int effectiveKeepLatest() {
    int sum =
        n(keepLatest)
            + n(keepHourly)
            + n(keepDaily)
            + n(keepWeekly)
            + n(keepMonthly)
            + n(keepAnnual);
    return sum == 0 ? Integer.MAX_VALUE : keepLatest == null ? -1 : keepLatest;
  }

  private static int n(Integer v) {
    return v == null ? 0 : v;
  }
}
