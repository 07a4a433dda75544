package dev.identitylog.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class TimestampsTest {
  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void writesRfc3339WithMilliseconds() {
    assertThat(Timestamps.format(Instant.parse("2026-11-28T09:00:00Z")))
        .isEqualTo("2026-11-28T09:00:00.000Z");
    assertThat(Timestamps.format(Instant.parse("2024-02-29T23:59:59.987654Z")))
        .isEqualTo("2024-02-29T23:59:59.987Z");
    assertThat(Timestamps.format(Instant.EPOCH)).isEqualTo("1970-01-01T00:00:00.000Z");
    assertThat(Timestamps.format(Instant.parse("1969-12-31T23:59:59.001Z")))
        .isEqualTo("1969-12-31T23:59:59.001Z");
  }

  @Test
  void clampsYearsRfc3339CannotWrite() {
    assertThat(Timestamps.format(Instant.MAX)).isEqualTo("9999-12-31T23:59:59.999Z");
    assertThat(Timestamps.format(Instant.parse("-0001-06-01T00:00:00Z")))
        .isEqualTo("0000-01-01T00:00:00.000Z");
  }

  @Property(tries = 2000)
  void agreesWithJavaTimeOverFourMillennia(
      @ForAll @LongRange(min = -62_135_596_800L, max = 253_402_300_799L) long second,
      @ForAll @LongRange(min = 0, max = 999_999_999) long nanos) {
    Instant t = Instant.ofEpochSecond(second, nanos);
    assertThat(Timestamps.format(t)).isEqualTo(REFERENCE.format(t));
  }
}
