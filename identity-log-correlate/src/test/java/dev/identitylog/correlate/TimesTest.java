package dev.identitylog.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class TimesTest {
  @Test
  void rfc3339InTheFormsLogsWriteIt() {
    for (String s : new String[] {
        "2026-11-28T09:00:00.000Z", "2026-11-28T09:00:00Z", "2026-11-28T10:30:00.5+01:30",
        "2026-11-28T04:00:00.123456789-05:00", "2024-02-29T23:59:59.999Z",
        "1999-12-31T23:59:59+0000"}) {
      String iso = s.endsWith("+0000") ? s.replace("+0000", "+00:00") : s;
      long expected = OffsetDateTime.parse(iso).toInstant().toEpochMilli();
      assertThat(Times.parse(s)).as(s).isEqualTo(expected);
    }
    assertThat(Times.parse("2026-11-28 09:00:00"))
        .isEqualTo(Instant.parse("2026-11-28T09:00:00Z").toEpochMilli());
  }

  @Test
  void commonLogFormat() {
    DateTimeFormatter clf = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
    for (String s : new String[] {"28/Nov/2026:09:00:00 +0000", "01/Feb/2025:23:10:05 -0700"}) {
      assertThat(Times.parse(s)).isEqualTo(ZonedDateTime.parse(s, clf).toInstant().toEpochMilli());
    }
  }

  @Test
  void epochNumbersByMagnitude() {
    long ms = Instant.parse("2026-11-28T09:00:00.123Z").toEpochMilli();
    assertThat(Times.parse("1795856400.123")).isEqualTo(ms);
    assertThat(Times.parse(Long.toString(ms))).isEqualTo(ms);
    assertThat(Times.fromEpoch(ms * 1000)).isEqualTo(ms);
    assertThat(Times.fromEpoch(ms * 1_000_000)).isEqualTo(ms);
    assertThat(Times.fromEpoch(1795856400.123)).isBetween(ms - 1, ms);
    assertThat(Times.fromEpoch(Double.POSITIVE_INFINITY)).isEqualTo(Times.NONE);
    assertThat(Times.fromEpoch(Double.NaN)).isEqualTo(Times.NONE);
    assertThat(Times.fromEpoch(9e20)).isEqualTo(Times.NONE);
    assertThat(Times.fromEpoch(Long.MAX_VALUE))
        .isEqualTo(Instant.ofEpochSecond(0, Long.MAX_VALUE).toEpochMilli());
  }

  @Test
  void nonsenseIsNoTime() {
    for (String s : new String[] {
        "", "now", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-28T25:00:00Z",
        "2026-11-28T09:00:00.Z", "2026-11-28T09:00:00Zjunk", "28/Foo/2026:09:00:00 +0000",
        "12.", "-5", "99999999999999999999999", "1969-12-31T23:59:59Z"}) {
      assertThat(Times.parse(s)).as(s).isEqualTo(Times.NONE);
    }
  }

  @Property
  void everyMillisecondRoundTrips(
      @ForAll @LongRange(min = 0, max = 253_402_300_799_000L) long epochMillis) {
    String text = dev.identitylog.event.Timestamps.format(Instant.ofEpochMilli(epochMillis));
    assertThat(Times.parse(text)).isEqualTo(epochMillis);
  }
}
