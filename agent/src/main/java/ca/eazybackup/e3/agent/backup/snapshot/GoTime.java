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
    return format(t.atOffset(ZoneOffset.UTC));
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
    return parse(s).toInstant();
  }
}
