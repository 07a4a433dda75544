package dev.identitylog.propagation;

/** Lowercase-hex checks and writing shared by the trace parsers. */
final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Hex() {}

  static boolean isLowerHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }

  /** Whether {@code s[from, from + length)} is lowercase hex and not all zeros. */
  static boolean isNonZeroLowerHex(CharSequence s, int from, int length) {
    if (from < 0 || from + length > s.length()) {
      return false;
    }
    boolean nonZero = false;
    for (int i = from; i < from + length; i++) {
      char c = s.charAt(i);
      if (!isLowerHex(c)) {
        return false;
      }
      nonZero |= c != '0';
    }
    return nonZero;
  }

  /** Writes {@code value} as 16 lowercase hex digits into {@code out} at {@code offset}. */
  static void writeLong(long value, char[] out, int offset) {
    for (int i = 15; i >= 0; i--) {
      out[offset + i] = DIGITS[(int) (value & 0xf)];
      value >>>= 4;
    }
  }

  /** Writes the low {@code digits} hex digits of {@code value}. */
  static void write(long value, int digits, char[] out, int offset) {
    for (int i = digits - 1; i >= 0; i--) {
      out[offset + i] = DIGITS[(int) (value & 0xf)];
      value >>>= 4;
    }
  }

  /** Whether c is optional whitespace (SP or HTAB, RFC 9110 section 5.6.3). */
  static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }

  /** The index of the first non-OWS character at or after {@code from}. */
  static int skipOws(String s, int from, int to) {
    while (from < to && isOws(s.charAt(from))) {
      from++;
    }
    return from;
  }

  /** The index after the last non-OWS character before {@code to}. */
  static int trimOwsEnd(String s, int from, int to) {
    while (to > from && isOws(s.charAt(to - 1))) {
      to--;
    }
    return to;
  }
}
