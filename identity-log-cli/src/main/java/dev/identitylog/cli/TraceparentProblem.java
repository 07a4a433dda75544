package dev.identitylog.cli;

/**
 * Says which part of an invalid W3C {@code traceparent} is wrong (version, layout, length, hex
 * case, all-zero ids, flags), for {@code inspect-header}. The value itself is never repeated.
 */
final class TraceparentProblem {
  private TraceparentProblem() {}

  /** Why the value is not a valid traceparent; a generic sentence when nothing specific is found. */
  static String of(String value) {
    String v = value == null ? "" : value.strip();
    if (v.isEmpty()) {
      return "empty value";
    }
    String[] parts = v.split("-", -1);
    if (parts.length < 4) {
      return "expected version-traceid-parentid-flags, four parts separated by '-', found "
          + parts.length;
    }
    String version = parts[0];
    String problem = hex("version", version, 2);
    if (problem != null) {
      return problem;
    }
    if (version.equals("ff")) {
      return "version ff is forbidden";
    }
    if (version.equals("00") && parts.length != 4) {
      return "version 00 has exactly four parts, found " + parts.length;
    }
    problem = hex("trace-id", parts[1], 32);
    if (problem == null) {
      problem = hex("parent-id", parts[2], 16);
    }
    if (problem == null) {
      problem = hex("flags", parts[3], 2);
    }
    if (problem != null) {
      return problem;
    }
    if (parts[1].chars().allMatch(c -> c == '0')) {
      return "trace-id is all zeros";
    }
    if (parts[2].chars().allMatch(c -> c == '0')) {
      return "parent-id is all zeros";
    }
    return "not accepted (a hop would generate a new trace)";
  }

  private static String hex(String part, String s, int length) {
    if (s.length() != length) {
      return part + " must be " + length + " hex digits, found " + s.length() + " characters";
    }
    boolean upper = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'F') {
        upper = true;
      } else if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return part + " must be hex digits, found a character that is not";
      }
    }
    return upper ? part + " must be lowercase hex (uppercase A-F found)" : null;
  }
}
