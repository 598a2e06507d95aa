package ca.eazybackup.e3.agent.backup.snapshot;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Go's time.Time JSON form: RFC 3339 with up to nine fraction digits, trailing zeros trimmed. */
public final class GoTime {
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  private GoTime() {}

  public static String format(Instant t) {
    long secs = t.getEpochSecond();
    if (secs >= 0 && secs < MAX_FAST_SECONDS) {
      return formatUtcFast(secs, t.getNano());
    }
    return format(t.atOffset(ZoneOffset.UTC));
  }

  /** 10000-01-01T00:00:00Z: below it every year has four digits. */
  private static final long MAX_FAST_SECONDS = 253402300800L;

  /**
   * The UTC form without formatter machinery: a directory listing formats one time per entry, and
   * DateTimeFormatter plus String.format cost more than the rest of the entry together.
   */
  private static String formatUtcFast(long epochSeconds, int nanos) {
    long days = Math.floorDiv(epochSeconds, 86400L);
    int secOfDay = (int) Math.floorMod(epochSeconds, 86400L);
    java.time.LocalDate d = java.time.LocalDate.ofEpochDay(days);
    char[] c = new char[30];
    int i = 0;
    i = digits(c, i, d.getYear(), 4);
    c[i++] = '-';
    i = digits(c, i, d.getMonthValue(), 2);
    c[i++] = '-';
    i = digits(c, i, d.getDayOfMonth(), 2);
    c[i++] = 'T';
    i = digits(c, i, secOfDay / 3600, 2);
    c[i++] = ':';
    i = digits(c, i, (secOfDay / 60) % 60, 2);
    c[i++] = ':';
    i = digits(c, i, secOfDay % 60, 2);
    if (nanos != 0) {
      c[i++] = '.';
      int start = i;
      i = digits(c, i, nanos, 9);
      while (c[i - 1] == '0' && i > start) {
        i--;
      }
    }
    c[i++] = 'Z';
    return new String(c, 0, i);
  }

  private static int digits(char[] c, int at, int value, int width) {
    for (int k = width - 1; k >= 0; k--) {
      c[at + k] = (char) ('0' + value % 10);
      value /= 10;
    }
    return at + width;
  }

  public static String format(OffsetDateTime t) {
    StringBuilder sb = new StringBuilder(SECONDS.format(t));
    int nanos = t.getNano();
    if (nanos != 0) {
      String frac = String.format("%09d", nanos);
      int end = frac.length();
      while (frac.charAt(end - 1) == '0') {
        end--;
      }
      sb.append('.').append(frac, 0, end);
    }
    ZoneOffset off = t.getOffset();
    sb.append(off.getTotalSeconds() == 0 ? "Z" : off.getId());
    return sb.toString();
  }

  /** Parses with the offset kept, as retention buckets use the writer's offset. */
  public static OffsetDateTime parse(String s) {
    try {
      return OffsetDateTime.parse(s);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("invalid time '" + s + "'", e);
    }
  }

  public static Instant parseInstant(String s) {
    Instant fast = parseFast(s);
    return fast != null ? fast : parse(s).toInstant();
  }

  /**
   * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|±HH:MM)} without the formatter (one per directory entry
   * read); null for anything else, which then takes the full parser and its error.
   */
  static Instant parseFast(String s) {
    int n = s.length();
    if (n < 20
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return null;
    }
    int year = num(s, 0, 4);
    int month = num(s, 5, 2);
    int day = num(s, 8, 2);
    int hour = num(s, 11, 2);
    int minute = num(s, 14, 2);
    int second = num(s, 17, 2);
    if (year < 0
        || month < 1
        || month > 12
        || day < 1
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59) {
      return null;
    }
    int i = 19;
    int nanos = 0;
    if (s.charAt(i) == '.') {
      int start = ++i;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
      }
      int digits = i - start;
      if (digits < 1 || digits > 9) {
        return null;
      }
      nanos = num(s, start, digits);
      for (int k = digits; k < 9; k++) {
        nanos *= 10;
      }
    }
    int offsetSeconds;
    if (i == n - 1 && s.charAt(i) == 'Z') {
      offsetSeconds = 0;
    } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
      int oh = num(s, i + 1, 2);
      int om = num(s, i + 4, 2);
      if (oh < 0 || oh > 18 || om < 0 || om > 59) {
        return null;
      }
      offsetSeconds = (oh * 3600 + om * 60) * (s.charAt(i) == '-' ? -1 : 1);
    } else {
      return null;
    }
    java.time.LocalDate date;
    try {
      date = java.time.LocalDate.of(year, month, day);
    } catch (java.time.DateTimeException e) {
      return null;
    }
    long epoch = date.toEpochDay() * 86400L + hour * 3600L + minute * 60L + second - offsetSeconds;
    return Instant.ofEpochSecond(epoch, nanos);
  }

  /** Decimal digits at [from, from+len), or -1 if any is not a digit. */
  private static int num(String s, int from, int len) {
    int v = 0;
    for (int k = from; k < from + len; k++) {
      char ch = s.charAt(k);
      if (ch < '0' || ch > '9') {
        return -1;
      }
      v = v * 10 + (ch - '0');
    }
    return v;
  }
}
