package ca.eazybackup.e3.whmcs.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.eazybackup.e3.whmcs.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  private static final Instant WED_1300 = Instant.parse("2026-11-25T13:00:00Z"); // a Wednesday

  private static Schedule parse(String json) {
    JsonNode n = Json.parse(json);
    return Schedule.parse(n);
  }

  private static Instant next(String json, Instant from) {
    return parse(json).nextAfter(from).orElseThrow();
  }

  @Test
  void manualNeverFires() {
    assertThat(parse("{\"type\":\"manual\"}").nextAfter(WED_1300)).isEmpty();
    assertThat(Schedule.parse(null).isManual()).isTrue();
  }

  @Test
  void hourlyFiresAtTheGivenMinute() {
    assertThat(next("{\"type\":\"hourly\",\"minute\":15}", WED_1300))
        .isEqualTo("2026-11-25T13:15:00Z");
    assertThat(next("{\"type\":\"hourly\",\"minute\":0}", WED_1300))
        .isEqualTo("2026-11-25T14:00:00Z");
  }

  @Test
  void dailyFiresTodayOrTomorrow() {
    assertThat(next("{\"type\":\"daily\",\"time\":\"14:30\"}", WED_1300))
        .isEqualTo("2026-11-25T14:30:00Z");
    assertThat(next("{\"type\":\"daily\",\"time\":\"02:30\"}", WED_1300))
        .isEqualTo("2026-11-26T02:30:00Z");
    assertThat(next("{\"type\":\"daily\",\"time\":\"2:30\"}", WED_1300))
        .isEqualTo("2026-11-26T02:30:00Z");
  }

  @Test
  void weeklyFiresOnTheListedDays() {
    assertThat(
            next("{\"type\":\"weekly\",\"days\":[\"mon\",\"fri\"],\"time\":\"08:00\"}", WED_1300))
        .isEqualTo("2026-11-27T08:00:00Z");
    assertThat(next("{\"type\":\"weekly\",\"days\":[\"wednesday\"],\"time\":\"08:00\"}", WED_1300))
        .isEqualTo("2026-12-02T08:00:00Z");
    assertThat(next("{\"type\":\"weekly\",\"days\":[3],\"time\":\"18:00\"}", WED_1300))
        .isEqualTo("2026-11-25T18:00:00Z");
  }

  @Test
  void monthlyUsesTheLastDayOfShortMonths() {
    assertThat(next("{\"type\":\"monthly\",\"day\":31,\"time\":\"01:00\"}", WED_1300))
        .isEqualTo("2026-11-30T01:00:00Z");
    assertThat(next("{\"type\":\"monthly\",\"day\":1,\"time\":\"01:00\"}", WED_1300))
        .isEqualTo("2026-12-01T01:00:00Z");
  }

  @Test
  void intervalCountsFromThePreviousSlot() {
    assertThat(next("{\"type\":\"interval\",\"every_minutes\":90}", WED_1300))
        .isEqualTo("2026-11-25T14:30:00Z");
  }

  @Test
  void timezoneShiftsTheWallClock() {
    assertThat(
            next(
                "{\"type\":\"daily\",\"time\":\"02:30\",\"timezone\":\"America/Toronto\"}",
                WED_1300))
        .isEqualTo("2026-11-26T07:30:00Z");
  }

  @Test
  void randomDelayIsBoundedAndStablePerJobAndSlot() {
    Schedule s = parse("{\"type\":\"daily\",\"time\":\"02:30\",\"random_delay_minutes\":30}");
    Instant slot = Instant.parse("2026-11-26T02:30:00Z");
    Duration d = s.delayFor(7, slot);
    assertThat(d).isBetween(Duration.ZERO, Duration.ofMinutes(30));
    assertThat(s.delayFor(7, slot)).isEqualTo(d);
    long distinct =
        java.util.stream.LongStream.range(1, 200)
            .mapToObj(id -> s.delayFor(id, slot))
            .distinct()
            .count();
    assertThat(distinct).as("agents spread out").isGreaterThan(100);
  }

  @Test
  void rejectsWhatItCannotPlan() {
    assertThatThrownBy(() -> parse("{\"type\":\"yearly\"}"))
        .hasMessageContaining("schedule_json.type");
    assertThatThrownBy(() -> parse("{\"type\":\"daily\",\"time\":\"25:00\"}"))
        .hasMessageContaining("HH:MM");
    assertThatThrownBy(() -> parse("{\"type\":\"weekly\",\"days\":[],\"time\":\"01:00\"}"))
        .hasMessageContaining("days");
    assertThatThrownBy(
            () -> parse("{\"type\":\"weekly\",\"days\":[\"funday\"],\"time\":\"01:00\"}"))
        .hasMessageContaining("funday");
    assertThatThrownBy(() -> parse("{\"type\":\"interval\"}"))
        .hasMessageContaining("every_minutes");
    assertThatThrownBy(() -> parse("{\"type\":\"hourly\",\"minute\":60}"))
        .hasMessageContaining("minute");
    assertThatThrownBy(
            () -> parse("{\"type\":\"daily\",\"time\":\"01:00\",\"random_delay_minutes\":-1}"))
        .hasMessageContaining("random_delay_minutes");
    assertThatThrownBy(
            () -> parse("{\"type\":\"daily\",\"time\":\"01:00\",\"timezone\":\"Mars/Base\"}"))
        .hasMessageContaining("timezone");
  }

  @Test
  void canonicalJsonRoundTrips() {
    Schedule s =
        parse(
            "{\"type\":\"weekly\",\"days\":[\"Thursday\",\"mon\"],\"time\":\"7:05\",\"random_delay_minutes\":5}");
    assertThat(s.toJson().toString())
        .isEqualTo(
            "{\"type\":\"weekly\",\"days\":[\"mon\",\"thu\"],\"time\":\"07:05\",\"random_delay_minutes\":5}");
    assertThat(Schedule.parse(s.toJson())).isEqualTo(s);
  }
}
