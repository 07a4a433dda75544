package dev.identitylog.propagation;

import dev.identitylog.redact.Limits;

/**
 * Validation of a W3C {@code tracestate} value (Trace Context section 3.3): at most 32
 * list-members, each {@code key=value}, unique keys, OWS and empty members allowed around commas.
 *
 * <p>Keys: a simple key ({@code lcalpha / DIGIT} then up to 255 of {@code lcalpha DIGIT _ - * /})
 * or a multi-tenant key {@code tenant@system} (tenant: up to 241 such characters starting with
 * {@code lcalpha / DIGIT}; system: up to 14 starting with {@code lcalpha}). Level 2 relaxes the
 * {@code @} rule; the level 1 form is what the W3C test suite checks and what every level 2
 * implementation accepts, so it is the one enforced here. Values: 1 to 256 printable ASCII
 * characters without {@code ,} or {@code =}, not ending in a space.
 *
 * <p>The whole value is dropped (never partially kept) when anything is wrong, or when its
 * members take more than 512 characters: the spec asks every vendor to propagate at least 512,
 * and bounding it keeps a forwarded header from growing without limit.
 */
final class TraceState {
  static final int MAX_MEMBERS = 32;
  static final int MAX_LENGTH = 512;

  private TraceState() {}

  /**
   * The value to pass on (the input itself when already in canonical form, else its members
   * joined by single commas), or null when absent, empty or invalid.
   */
  static String validate(String value) {
    if (value == null || value.isEmpty() || value.length() > Limits.DEFAULT_MAX_HEADER_BYTES) {
      return null;
    }
    int len = value.length();
    int[] keyStart = null;
    int[] keyEnd = null;
    int[] memberStart = null;
    int[] memberEnd = null;
    int members = 0;
    int canonicalLength = 0;
    boolean canonical = true;
    int i = 0;
    while (true) {
      int end = value.indexOf(',', i);
      if (end < 0) {
        end = len;
      }
      int ms = Hex.skipOws(value, i, end);
      int me = Hex.trimOwsEnd(value, ms, end);
      if (ms == me) {
        canonical = false; // an empty member, allowed and dropped
      } else {
        if (ms != i || me != end) {
          canonical = false;
        }
        if (members == MAX_MEMBERS) {
          return null;
        }
        int eq = value.indexOf('=', ms);
        if (eq < 0 || eq >= me || !validKey(value, ms, eq) || !validValue(value, eq + 1, me)) {
          return null;
        }
        if (keyStart == null) {
          keyStart = new int[MAX_MEMBERS];
          keyEnd = new int[MAX_MEMBERS];
          memberStart = new int[MAX_MEMBERS];
          memberEnd = new int[MAX_MEMBERS];
        }
        int keyLength = eq - ms;
        for (int k = 0; k < members; k++) {
          if (keyEnd[k] - keyStart[k] == keyLength
              && value.regionMatches(keyStart[k], value, ms, keyLength)) {
            return null; // duplicate keys make the whole header invalid
          }
        }
        keyStart[members] = ms;
        keyEnd[members] = eq;
        memberStart[members] = ms;
        memberEnd[members] = me;
        canonicalLength += (me - ms) + (members > 0 ? 1 : 0);
        members++;
        if (canonicalLength > MAX_LENGTH) {
          return null;
        }
      }
      if (end == len) {
        break;
      }
      i = end + 1;
    }
    if (members == 0) {
      return null;
    }
    if (canonical) {
      return value;
    }
    StringBuilder sb = new StringBuilder(canonicalLength);
    for (int m = 0; m < members; m++) {
      if (m > 0) {
        sb.append(',');
      }
      sb.append(value, memberStart[m], memberEnd[m]);
    }
    return sb.toString();
  }

  private static boolean validKey(String s, int from, int to) {
    int at = -1;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '@') {
        if (at >= 0) {
          return false;
        }
        at = i;
      } else if (!isKeyChar(c)) {
        return false;
      }
    }
    if (at < 0) {
      return to - from >= 1 && to - from <= 256 && isLcAlphaOrDigit(s.charAt(from));
    }
    int tenant = at - from;
    int system = to - at - 1;
    return tenant >= 1 && tenant <= 241 && isLcAlphaOrDigit(s.charAt(from))
        && system >= 1 && system <= 14 && isLcAlpha(s.charAt(at + 1));
  }

  private static boolean validValue(String s, int from, int to) {
    int length = to - from;
    if (length < 1 || length > 256) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == ',' || c == '=') {
        return false;
      }
    }
    return s.charAt(to - 1) != ' ';
  }

  private static boolean isKeyChar(char c) {
    return isLcAlphaOrDigit(c) || c == '_' || c == '-' || c == '*' || c == '/';
  }

  private static boolean isLcAlphaOrDigit(char c) {
    return isLcAlpha(c) || (c >= '0' && c <= '9');
  }

  private static boolean isLcAlpha(char c) {
    return c >= 'a' && c <= 'z';
  }
}
