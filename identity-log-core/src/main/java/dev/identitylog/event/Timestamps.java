package dev.identitylog.event;

import java.time.Instant;

/** RFC 3339 UTC timestamps with milliseconds, as every time in the standard is written. */
public final class Timestamps {
  private static final long SECONDS_PER_DAY = 86_400L;

  /** The length of every time this class writes: {@code 2026-11-28T09:00:00.000Z}. */
  public static final int LENGTH = 24;

  private static final String MIN = "0000-01-01T00:00:00.000Z";
  private static final String MAX = "9999-12-31T23:59:59.999Z";
  private static final byte[] MIN_BYTES = MIN.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] MAX_BYTES = MAX.getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private Timestamps() {}

  /** {@code 2026-11-28T09:00:00.000Z}. */
  public static String format(Instant instant) {
    StringBuilder sb = new StringBuilder(24);
    appendTo(sb, instant);
    return sb.toString();
  }

  /**
   * Appends the RFC 3339 form. Computes the civil date from the epoch day directly (the
   * days-to-civil algorithm of the proleptic Gregorian calendar), because this runs for every
   * time field of every event and java.time would allocate a date object each call.
   */
  public static void appendTo(StringBuilder sb, Instant instant) {
    long seconds = instant.getEpochSecond();
    long day = Math.floorDiv(seconds, SECONDS_PER_DAY);
    int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);

    long z = day + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long mp = (5 * dayOfYear + 2) / 153;
    int dayOfMonth = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);

    if (year < 0 || year > 9999) {
      // RFC 3339 has four-digit years only; clamp rather than write an invalid time.
      sb.append(year < 0 ? MIN : MAX);
      return;
    }
    pad4(sb, (int) year);
    sb.append('-');
    pad2(sb, month);
    sb.append('-');
    pad2(sb, dayOfMonth);
    sb.append('T');
    pad2(sb, secondOfDay / 3600);
    sb.append(':');
    pad2(sb, secondOfDay / 60 % 60);
    sb.append(':');
    pad2(sb, secondOfDay % 60);
    sb.append('.');
    int millis = instant.getNano() / 1_000_000;
    sb.append((char) ('0' + millis / 100));
    pad2(sb, millis % 100);
    sb.append('Z');
  }

  /**
   * Writes the RFC 3339 form as ASCII bytes at {@code off} of {@code buf}, which has room for
   * {@link #LENGTH} bytes from there; returns the offset after it. The byte twin of {@link
   * #appendTo}, for writers that encode a line straight into a byte buffer.
   */
  public static int writeTo(byte[] buf, int off, Instant instant) {
    long seconds = instant.getEpochSecond();
    long day = Math.floorDiv(seconds, SECONDS_PER_DAY);
    int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);

    long z = day + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long mp = (5 * dayOfYear + 2) / 153;
    int dayOfMonth = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);

    if (year < 0 || year > 9999) {
      byte[] clamped = year < 0 ? MIN_BYTES : MAX_BYTES;
      System.arraycopy(clamped, 0, buf, off, LENGTH);
      return off + LENGTH;
    }
    int i = off;
    i = pad2(buf, i, (int) year / 100);
    i = pad2(buf, i, (int) year % 100);
    buf[i++] = '-';
    i = pad2(buf, i, month);
    buf[i++] = '-';
    i = pad2(buf, i, dayOfMonth);
    buf[i++] = 'T';
    i = pad2(buf, i, secondOfDay / 3600);
    buf[i++] = ':';
    i = pad2(buf, i, secondOfDay / 60 % 60);
    buf[i++] = ':';
    i = pad2(buf, i, secondOfDay % 60);
    buf[i++] = '.';
    int millis = instant.getNano() / 1_000_000;
    buf[i++] = (byte) ('0' + millis / 100);
    i = pad2(buf, i, millis % 100);
    buf[i++] = 'Z';
    return i;
  }

  private static int pad2(byte[] buf, int i, int v) {
    buf[i] = (byte) ('0' + v / 10);
    buf[i + 1] = (byte) ('0' + v % 10);
    return i + 2;
  }

  private static void pad2(StringBuilder sb, int v) {
    sb.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
  }

  private static void pad4(StringBuilder sb, int v) {
    pad2(sb, v / 100);
    pad2(sb, v % 100);
  }
}
