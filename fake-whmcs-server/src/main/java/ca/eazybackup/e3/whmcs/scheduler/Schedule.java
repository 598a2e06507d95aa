package ca.eazybackup.e3.whmcs.scheduler;

import ca.eazybackup.e3.whmcs.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A job's {@code schedule_json}, parsed. Formats (docs/agent-api.md, "Schedules"):
 *
 * <pre>
 * {"type":"manual"}
 * {"type":"hourly","minute":15}
 * {"type":"daily","time":"02:30"}
 * {"type":"weekly","days":["mon","thu"],"time":"02:30"}
 * {"type":"monthly","day":1,"time":"02:30"}        (day 29..31 = last day in shorter months)
 * {"type":"interval","every_minutes":90}
 * </pre>
 *
 * Every type also takes {@code "random_delay_minutes"} (0..1440) and {@code "timezone"} (IANA id,
 * default UTC).
 */
public record Schedule(
    String type,
    int minute,
    LocalTime time,
    Set<DayOfWeek> days,
    int dayOfMonth,
    int everyMinutes,
    int randomDelayMinutes,
    ZoneId zone) {

  /** Parses and validates; the message of the IllegalArgumentException names what is wrong. */
  public static Schedule parse(JsonNode json) {
    if (json == null || json.isNull()) {
      return manual();
    }
    if (!json.isObject()) {
      throw new IllegalArgumentException("schedule_json must be an object");
    }
    String type = json.path("type").asText("manual").trim().toLowerCase(Locale.ROOT);
    int delay = intField(json, "random_delay_minutes", 0, 0, 1440);
    ZoneId zone;
    try {
      zone = ZoneId.of(json.path("timezone").asText("UTC"));
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("schedule_json.timezone is not a time zone id");
    }
    return switch (type) {
      case "manual", "" -> manual();
      case "hourly" ->
          new Schedule(
              "hourly", intField(json, "minute", 0, 0, 59), null, Set.of(), 0, 0, delay, zone);
      case "daily" -> new Schedule("daily", 0, time(json), Set.of(), 0, 0, delay, zone);
      case "weekly" -> new Schedule("weekly", 0, time(json), days(json), 0, 0, delay, zone);
      case "monthly" ->
          new Schedule(
              "monthly", 0, time(json), Set.of(), intField(json, "day", 1, 1, 31), 0, delay, zone);
      case "interval" ->
          new Schedule(
              "interval",
              0,
              null,
              Set.of(),
              0,
              intField(json, "every_minutes", -1, 1, 60 * 24 * 366),
              delay,
              zone);
      default ->
          throw new IllegalArgumentException(
              "schedule_json.type must be manual, hourly, daily, weekly, monthly or interval");
    };
  }

  public static Schedule manual() {
    return new Schedule("manual", 0, null, Set.of(), 0, 0, 0, ZoneId.of("UTC"));
  }

  public boolean isManual() {
    return "manual".equals(type);
  }

  /** The first slot strictly after {@code t}; empty for manual jobs. */
  public Optional<Instant> nextAfter(Instant t) {
    if (isManual()) {
      return Optional.empty();
    }
    ZonedDateTime z = t.atZone(zone);
    ZonedDateTime next =
        switch (type) {
          case "interval" -> z.plusMinutes(everyMinutes);
          case "hourly" -> {
            ZonedDateTime c = z.truncatedTo(ChronoUnit.HOURS).withMinute(minute);
            yield c.isAfter(z) ? c : c.plusHours(1);
          }
          case "daily" -> {
            ZonedDateTime c = z.toLocalDate().atTime(time).atZone(zone);
            yield c.isAfter(z) ? c : z.toLocalDate().plusDays(1).atTime(time).atZone(zone);
          }
          case "weekly" -> {
            ZonedDateTime found = null;
            for (int i = 0; i <= 7 && found == null; i++) {
              LocalDate d = z.toLocalDate().plusDays(i);
              ZonedDateTime c = d.atTime(time).atZone(zone);
              if (days.contains(d.getDayOfWeek()) && c.isAfter(z)) {
                found = c;
              }
            }
            yield found;
          }
          case "monthly" -> {
            ZonedDateTime found = null;
            for (int i = 0; i <= 2 && found == null; i++) {
              LocalDate first = z.toLocalDate().withDayOfMonth(1).plusMonths(i);
              LocalDate d = first.withDayOfMonth(Math.min(dayOfMonth, first.lengthOfMonth()));
              ZonedDateTime c = d.atTime(time).atZone(zone);
              if (c.isAfter(z)) {
                found = c;
              }
            }
            yield found;
          }
          default -> throw new IllegalStateException("unknown schedule type " + type);
        };
    return Optional.ofNullable(next).map(ZonedDateTime::toInstant);
  }

  /**
   * The random delay for one slot, fixed per job and slot so a restart plans the same time, and
   * spread so thousands of agents do not start at the same second.
   */
  public Duration delayFor(long jobId, Instant slot) {
    if (randomDelayMinutes == 0) {
      return Duration.ZERO;
    }
    long h = jobId * 0x9E3779B97F4A7C15L ^ slot.getEpochSecond() * 0xC2B2AE3D27D4EB4FL;
    h ^= h >>> 33;
    return Duration.ofSeconds(Math.floorMod(h, randomDelayMinutes * 60L + 1));
  }

  /** Canonical JSON, as stored and as the agent receives it. */
  public ObjectNode toJson() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("type", type);
    switch (type) {
      case "hourly" -> o.put("minute", minute);
      case "daily" -> o.put("time", time.toString());
      case "weekly" -> {
        var arr = o.putArray("days");
        days.forEach(d -> arr.add(d.name().substring(0, 3).toLowerCase(Locale.ROOT)));
        o.put("time", time.toString());
      }
      case "monthly" -> {
        o.put("day", dayOfMonth);
        o.put("time", time.toString());
      }
      case "interval" -> o.put("every_minutes", everyMinutes);
      default -> {}
    }
    if (randomDelayMinutes > 0) {
      o.put("random_delay_minutes", randomDelayMinutes);
    }
    if (!"UTC".equals(zone.getId()) && !isManual()) {
      o.put("timezone", zone.getId());
    }
    return o;
  }

  private static LocalTime time(JsonNode json) {
    String t = json.path("time").asText("");
    try {
      return LocalTime.parse(t.length() == 4 ? "0" + t : t);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("schedule_json.time must be HH:MM, was '" + t + "'");
    }
  }

  private static Set<DayOfWeek> days(JsonNode json) {
    JsonNode arr = json.path("days");
    if (!arr.isArray() || arr.isEmpty()) {
      throw new IllegalArgumentException("schedule_json.days must list at least one day");
    }
    Set<DayOfWeek> out = new TreeSet<>();
    for (JsonNode d : arr) {
      out.add(day(d));
    }
    return EnumSet.copyOf(out);
  }

  private static DayOfWeek day(JsonNode d) {
    if (d.isInt() && d.asInt() >= 1 && d.asInt() <= 7) {
      return DayOfWeek.of(d.asInt());
    }
    String s = d.asText("").trim().toLowerCase(Locale.ROOT);
    for (DayOfWeek w : DayOfWeek.values()) {
      String full = w.name().toLowerCase(Locale.ROOT);
      if (s.length() >= 3 && full.startsWith(s)) {
        return w;
      }
    }
    throw new IllegalArgumentException(
        "schedule_json.days: '" + d.asText() + "' is not a day (mon..sun or 1..7)");
  }

  private static int intField(JsonNode json, String name, int fallback, int min, int max) {
    JsonNode v = json.get(name);
    if (v == null || v.isNull()) {
      if (fallback < min) {
        throw new IllegalArgumentException("schedule_json." + name + " is required");
      }
      return fallback;
    }
    int i;
    if (v.canConvertToInt() && v.isIntegralNumber()) {
      i = v.asInt();
    } else if (v.isTextual() && v.asText().trim().matches("\\d+")) {
      i = Integer.parseInt(v.asText().trim());
    } else {
      throw new IllegalArgumentException("schedule_json." + name + " must be a whole number");
    }
    if (i < min || i > max) {
      throw new IllegalArgumentException(
          "schedule_json." + name + " must be between " + min + " and " + max);
    }
    return i;
  }
}
