package dev.identitylog.redact;

/**
 * Makes any string safe to place in a log line: control characters (C0, DEL, C1, and the Unicode
 * line and paragraph separators) become U+FFFD, lone surrogates too, and the value is cut to the
 * limit with a trailing ellipsis. Returns the input itself when nothing needs to change, so the
 * common case allocates nothing.
 */
public final class Sanitizer {
  /** Appended to a truncated value. */
  public static final char TRUNCATION_MARK = '\u2026';

  private static final char REPLACEMENT = '\uFFFD';

  private Sanitizer() {}

  /**
   * The value, cleaned and truncated to {@code maxLength} characters; {@code null} for null or
   * empty input (the standard never writes empty strings).
   */
  public static String clean(String value, int maxLength) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    int len = value.length();
    int i = 0;
    while (i < len && i < maxLength && safe(value, i)) {
      i++;
    }
    if (i == len) {
      return value; // all safe and within the limit
    }
    int cut = len > maxLength ? maxLength - 1 : len;
    StringBuilder sb = new StringBuilder(Math.min(len, maxLength));
    sb.append(value, 0, Math.min(i, cut));
    for (int j = Math.min(i, cut); j < cut; j++) {
      char c = value.charAt(j);
      if (len > maxLength && j + 1 == cut && Character.isHighSurrogate(c)
          && Character.isLowSurrogate(value.charAt(j + 1))) {
        break; // do not split a pair at the cut
      }
      sb.append(safe(value, j) ? c : REPLACEMENT);
    }
    if (len > maxLength) {
      sb.append(TRUNCATION_MARK);
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  private static boolean safe(String s, int i) {
    char c = s.charAt(i);
    if (c >= 0x20 && c < 0x7f) {
      return true;
    }
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
      return false;
    }
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
    return true;
  }
}
