package ca.eazybackup.e3.agent.backup.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GoTimeTest {
  @Test
  void fastUtcFormAndParseAgreeWithTheJdkFormatter() {
    Random rnd = new Random(11);
    for (int i = 0; i < 20_000; i++) {
      long secs = (long) (rnd.nextDouble() * 253402300799L);
      int nanos =
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> rnd.nextInt(1000) * 1_000_000;
            case 2 -> rnd.nextInt(1_000_000) * 1000;
            default -> rnd.nextInt(1_000_000_000);
          };
      Instant t = Instant.ofEpochSecond(secs, nanos);
      String s = GoTime.format(t);
      assertThat(s).isEqualTo(GoTime.format(t.atOffset(ZoneOffset.UTC)));
      assertThat(GoTime.parseInstant(s)).isEqualTo(t);
      assertThat(GoTime.parseFast(s)).isEqualTo(OffsetDateTime.parse(s).toInstant());
    }
  }

  @Test
  void offsetsAndOddFormsParseLikeTheJdk() {
    for (String s :
        new String[] {
          "2024-03-04T05:06:07.000000001-05:00",
          "2024-02-29T23:59:59+14:00",
          "1970-01-01T00:00:00Z",
          "2021-07-01T10:00:00.5+05:30",
          "1969-12-31T23:59:59.999999999Z"
        }) {
      assertThat(GoTime.parseInstant(s)).isEqualTo(OffsetDateTime.parse(s).toInstant());
    }
    assertThat(GoTime.format(Instant.parse("1960-05-06T07:08:09.120Z")))
        .isEqualTo("1960-05-06T07:08:09.12Z");
    assertThat(GoTime.parseFast("2023-02-30T00:00:00Z")).isNull();
    assertThatThrownBy(() -> GoTime.parseInstant("2023-02-30T00:00:00Z"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GoTime.parseInstant("2023-01-01T00:00:00.1234567891Z"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
