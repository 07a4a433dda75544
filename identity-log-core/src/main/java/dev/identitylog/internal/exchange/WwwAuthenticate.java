package dev.identitylog.internal.exchange;

import java.util.Locale;

/**
 * Reads the {@code error} parameter of a {@code WWW-Authenticate} challenge (RFC 6750 section 3),
 * which is all the outcome inference needs: {@code invalid_token}, {@code insufficient_scope},
 * {@code invalid_request}.
 */
final class WwwAuthenticate {
  private WwwAuthenticate() {}

  /** The lowercase value of the first {@code error} parameter, or {@code null}. */
  static String error(String header) {
    if (header == null || header.length() > 8192) {
      return null;
    }
    String lower = header.toLowerCase(Locale.ROOT);
    int from = 0;
    while (true) {
      int i = lower.indexOf("error", from);
      if (i < 0) {
        return null;
      }
      from = i + 5;
      // a parameter name starts after a separator, and is exactly "error" (not error_description)
      boolean startOk = i == 0 || " ,\t".indexOf(lower.charAt(i - 1)) >= 0;
      int j = i + 5;
      while (j < lower.length() && (lower.charAt(j) == ' ' || lower.charAt(j) == '\t')) {
        j++;
      }
      if (!startOk || j >= lower.length() || lower.charAt(j) != '=') {
        continue;
      }
      j++;
      while (j < lower.length() && (lower.charAt(j) == ' ' || lower.charAt(j) == '\t')) {
        j++;
      }
      if (j >= lower.length()) {
        return null;
      }
      int end;
      if (lower.charAt(j) == '"') {
        j++;
        end = lower.indexOf('"', j);
        if (end < 0) {
          end = lower.length();
        }
      } else {
        end = j;
        while (end < lower.length() && " ,\t".indexOf(lower.charAt(end)) < 0) {
          end++;
        }
      }
      String value = lower.substring(j, end).trim();
      return value.isEmpty() ? null : value;
    }
  }
}
