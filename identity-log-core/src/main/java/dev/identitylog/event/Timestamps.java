package dev.identitylog.event;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** RFC 3339 UTC timestamps with milliseconds, as every time in the standard is written. */
public final class Timestamps {
  private Timestamps() {}

  /** {@code 2026-11-28T09:00:00.000Z}. */
  public static String format(Instant instant) {
    StringBuilder sb = new StringBuilder(24);
    appendTo(sb, instant);
    return sb.toString();
  }

  /** Appends the RFC 3339 form without intermediate strings. */
  public static void appendTo(StringBuilder sb, Instant instant) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
    int year = t.getYear();
    if (year < 0 || year > 9999) {
      // RFC 3339 has four-digit years only; clamp rather than write an invalid time.
      year = year < 0 ? 0 : 9999;
    }
    pad(sb, year, 4);
    sb.append('-');
    pad(sb, t.getMonthValue(), 2);
    sb.append('-');
    pad(sb, t.getDayOfMonth(), 2);
    sb.append('T');
    pad(sb, t.getHour(), 2);
    sb.append(':');
    pad(sb, t.getMinute(), 2);
    sb.append(':');
    pad(sb, t.getSecond(), 2);
    sb.append('.');
    pad(sb, instant.getNano() / 1_000_000, 3);
    sb.append('Z');
  }

  private static void pad(StringBuilder sb, int value, int width) {
    int digits = value == 0 ? 1 : (int) Math.log10(value) + 1;
    for (int i = digits; i < width; i++) {
      sb.append('0');
    }
    sb.append(value);
  }
}
