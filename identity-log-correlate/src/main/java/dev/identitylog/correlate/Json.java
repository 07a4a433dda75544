package dev.identitylog.correlate;

/**
 * Writes JSON text by hand: the output is small and fixed, so no object mapper is needed. Output
 * is 7-bit ASCII (everything else as {@code \\uXXXX}), so it survives any console encoding.
 */
final class Json {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Json() {}

  /** Appends {@code ,"key":"value"} (without the comma for the first member); skips null. */
  static void member(StringBuilder sb, String key, String value) {
    if (value == null) {
      return;
    }
    key(sb, key);
    string(sb, value);
  }

  static void member(StringBuilder sb, String key, long value) {
    key(sb, key);
    sb.append(value);
  }

  static void member(StringBuilder sb, String key, boolean value) {
    key(sb, key);
    sb.append(value);
  }

  /** Appends the key and colon, preceded by a comma unless the object was just opened. */
  static void key(StringBuilder sb, String key) {
    char last = sb.length() == 0 ? '{' : sb.charAt(sb.length() - 1);
    if (last != '{' && last != '[') {
      sb.append(',');
    }
    string(sb, key);
    sb.append(':');
  }

  /** A JSON string literal; control characters and everything beyond ASCII are escaped. */
  static void string(StringBuilder sb, String s) {
    sb.append('"');
    int len = s.length();
    int run = 0; // start of the pending run of characters that need no escape
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        continue;
      }
      sb.append(s, run, i);
      run = i + 1;
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          sb.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
              .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
      }
    }
    sb.append(s, run, len).append('"');
  }
}
