package dev.identitylog.correlate;

/**
 * Parses the time formats found in identity events and in the access logs of proxies, without
 * allocating: RFC 3339 with any offset and fraction, the common log format of NGINX
 * {@code $time_local} and API Gateway {@code $context.requestTime}, and epoch numbers (seconds with
 * a fraction as NGINX {@code $msec} writes them, or milliseconds, microseconds, nanoseconds told
 * apart by magnitude). All results are epoch milliseconds.
 */
final class Times {
  /** No time: the value is absent or could not be read. */
  static final long NONE = Long.MIN_VALUE;

  private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";
  /** 9999-12-31T23:59:59.999Z: RFC 3339 has four-digit years, and nothing logs later. */
  private static final long LATEST = 253_402_300_799_999L;

  private Times() {}

  /** Epoch milliseconds, or {@link #NONE}. */
  static long parse(CharSequence s) {
    if (s == null) {
      return NONE;
    }
    int len = s.length();
    if (len == 0) {
      return NONE;
    }
    char c0 = s.charAt(0);
    if (len >= 19 && isDigit(c0) && s.charAt(4) == '-') {
      return rfc3339(s, len);
    }
    if (len >= 26 && isDigit(c0) && s.charAt(2) == '/') {
      return commonLog(s, len);
    }
    return epochText(s, len);
  }

  /** An epoch number from a JSON number, told apart by magnitude. */
  static long fromEpoch(double value) {
    if (!(value > 0) || value >= 1e21) {
      return NONE; // NaN, infinite, negative, or beyond any magnitude read below
    }
    if (value < 1e11) {
      return (long) (value * 1000.0); // seconds (until the year 5138)
    }
    if (value < 1e14) {
      return bounded((long) value); // milliseconds
    }
    if (value < 1e17) {
      return bounded((long) (value / 1000.0)); // microseconds
    }
    return bounded((long) (value / 1_000_000.0)); // nanoseconds
  }

  /** An integral epoch number, exactly. */
  static long fromEpoch(long value) {
    if (value <= 0) {
      return NONE;
    }
    if (value < 100_000_000_000L) {
      return value * 1000L;
    }
    if (value < 100_000_000_000_000L) {
      return bounded(value);
    }
    if (value < 100_000_000_000_000_000L) {
      return bounded(value / 1000L);
    }
    return bounded(value / 1_000_000L);
  }

  private static long bounded(long millis) {
    return millis > LATEST ? NONE : millis;
  }

  private static long rfc3339(CharSequence s, int len) {
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    char t = s.charAt(10);
    if (s.charAt(7) != '-' || (t != 'T' && t != 't' && t != ' ')) {
      return NONE;
    }
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (s.charAt(13) != ':' || s.charAt(16) != ':') {
      return NONE;
    }
    int i = 19;
    int millis = 0;
    if (i < len && (s.charAt(i) == '.' || s.charAt(i) == ',')) {
      i++;
      int scale = 100;
      int start = i;
      while (i < len && isDigit(s.charAt(i))) {
        millis += (s.charAt(i) - '0') * scale;
        scale /= 10;
        i++;
      }
      if (i == start) {
        return NONE;
      }
    }
    int offsetSeconds = 0;
    if (i < len) {
      char z = s.charAt(i);
      if (z == 'Z' || z == 'z') {
        i++;
      } else if (z == '+' || z == '-') {
        int oh = digits(s, i + 1, 2);
        int om;
        if (i + 3 < len && s.charAt(i + 3) == ':') {
          om = digits(s, i + 4, 2);
          i += 6;
        } else {
          om = digits(s, i + 3, 2);
          i += 5;
        }
        if (oh < 0 || om < 0 || oh > 18 || om > 59) {
          return NONE;
        }
        offsetSeconds = (z == '-' ? -1 : 1) * (oh * 3600 + om * 60);
      } else {
        return NONE;
      }
    }
    if (i != len) {
      return NONE;
    }
    return compose(year, month, day, hour, minute, second, millis, offsetSeconds);
  }

  /** {@code 28/Nov/2026:09:00:00 +0000}. */
  private static long commonLog(CharSequence s, int len) {
    int day = digits(s, 0, 2);
    int month = -1;
    for (int m = 0; m < 12; m++) {
      if (regionEquals(s, 3, MONTHS, m * 3, 3)) {
        month = m + 1;
        break;
      }
    }
    if (s.charAt(6) != '/' || s.charAt(11) != ':' || s.charAt(20) != ' ') {
      return NONE;
    }
    int year = digits(s, 7, 4);
    int hour = digits(s, 12, 2);
    int minute = digits(s, 15, 2);
    int second = digits(s, 18, 2);
    char sign = s.charAt(21);
    if (len != 26 || (sign != '+' && sign != '-')) {
      return NONE;
    }
    int oh = digits(s, 22, 2);
    int om = digits(s, 24, 2);
    if (oh < 0 || om < 0 || oh > 18 || om > 59) {
      return NONE;
    }
    int offset = (sign == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    return compose(year, month, day, hour, minute, second, 0, offset);
  }

  private static long epochText(CharSequence s, int len) {
    long whole = 0;
    int i = 0;
    while (i < len && isDigit(s.charAt(i))) {
      if (i >= 19) {
        return NONE;
      }
      whole = whole * 10 + (s.charAt(i) - '0');
      i++;
    }
    if (i == 0) {
      return NONE;
    }
    if (i == len) {
      return fromEpoch(whole);
    }
    if (s.charAt(i) != '.') {
      return NONE;
    }
    // A fraction means seconds with decimals (NGINX $msec, API Gateway epoch seconds).
    long frac = 0;
    int scale = 100;
    int j = i + 1;
    if (j == len) {
      return NONE;
    }
    while (j < len) {
      char c = s.charAt(j);
      if (!isDigit(c)) {
        return NONE;
      }
      frac += (c - '0') * scale;
      scale /= 10;
      j++;
    }
    if (whole <= 0 || whole >= 100_000_000_000L) {
      return NONE;
    }
    return whole * 1000L + frac;
  }

  private static long compose(
      int year, int month, int day, int hour, int minute, int second, int millis, int offset) {
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0
        || minute > 59 || second < 0 || second > 60) {
      return NONE;
    }
    if (day > daysInMonth(year, month)) {
      return NONE;
    }
    if (second == 60) {
      second = 59; // a leap second sorts within its minute
    }
    long days = epochDay(year, month, day);
    long t = ((days * 86_400L + hour * 3600L + minute * 60L + second) - offset) * 1000L + millis;
    return t < 0 ? NONE : bounded(t);
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
  private static long epochDay(int y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097L + doe - 719_468L;
  }

  private static int daysInMonth(int year, int month) {
    switch (month) {
      case 2:
        boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return leap ? 29 : 28;
      case 4:
      case 6:
      case 9:
      case 11:
        return 30;
      default:
        return 31;
    }
  }

  /** The number in {@code count} digits at {@code at}, or -1. */
  private static int digits(CharSequence s, int at, int count) {
    if (at < 0 || at + count > s.length()) {
      return -1;
    }
    int v = 0;
    for (int i = at; i < at + count; i++) {
      char c = s.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static boolean regionEquals(CharSequence s, int at, String other, int from, int n) {
    if (at + n > s.length()) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (s.charAt(at + i) != other.charAt(from + i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
