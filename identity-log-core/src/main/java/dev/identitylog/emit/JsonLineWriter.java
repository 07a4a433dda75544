package dev.identitylog.emit;

import java.util.Map;
import java.util.Collection;
import java.math.BigInteger;
import java.math.BigDecimal;
import dev.identitylog.event.Field;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.Timestamps;
import dev.identitylog.outcome.Coded;
import java.time.Instant;
import java.util.List;

/**
 * Writes an identity event as the canonical JSON line of the standard: one flat object, keys in
 * canonical order, absent fields omitted, no trailing newline.
 *
 * <p>Strings are escaped per RFC 8259; in addition every control character (C0, DEL, C1), the
 * line and paragraph separators U+2028 and U+2029, and any unpaired surrogate are written as
 * {@code \}{@code uXXXX}, so a value can never break the line, whatever reads it (a JavaScript
 * parser, a terminal, a line-oriented shipper). Events are sanitized when built, so for them these
 * escapes are a second line of defence; {@link #appendString} also serves values that were not.
 *
 * <p>This runs once per request on every hop, so it is hand-written: keys are pre-quoted once per
 * field, values are appended straight into the builder, and runs of characters that need no escape
 * are copied in one call.
 */
public final class JsonLineWriter {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /** ASCII characters that are escaped: C0 controls, DEL, the quote and the backslash. */
  private static final boolean[] ASCII_ESCAPE = new boolean[0x80];

  static {
    for (int c = 0; c < 0x20; c++) {
      ASCII_ESCAPE[c] = true;
    }
    ASCII_ESCAPE[0x7f] = true;
    ASCII_ESCAPE['"'] = true;
    ASCII_ESCAPE['\\'] = true;
  }

  /** {@code "key":} for every field, indexed by {@link Field#index()}, computed once. */
  private static final String[] KEY_PREFIX = new String[Fields.count()];

  static {
    for (Field<?> f : Fields.ALL) {
      StringBuilder sb = new StringBuilder(f.key().length() + 3);
      appendString(sb, f.key());
      KEY_PREFIX[f.index()] = sb.append(':').toString();
    }
  }

  /** Builders above this capacity are not kept per thread, so one huge event cannot pin memory. */
  static final int MAX_CACHED_CAPACITY = 16 * 1024;

  private static final int INITIAL_CAPACITY = 1024;

  private static final ThreadLocal<StringBuilder> BUFFER =
      ThreadLocal.withInitial(() -> new StringBuilder(INITIAL_CAPACITY));

  private JsonLineWriter() {}

  /** The canonical JSON line of an event, without a trailing newline. */
  public static String toJson(IdentityEvent event) {
    StringBuilder sb = BUFFER.get();
    sb.setLength(0);
    appendTo(sb, event);
    String line = sb.toString();
    if (sb.capacity() > MAX_CACHED_CAPACITY) {
      BUFFER.set(new StringBuilder(INITIAL_CAPACITY));
    }
    return line;
  }

  /**
   * The canonical JSON line of an event followed by {@code '\n'}, as UTF-8 bytes: exactly {@code
   * (toJson(event) + "\n").getBytes(UTF_8)}, written straight into a per-thread byte buffer with no
   * String in between. A new array per call, sized to the line.
   */
  public static byte[] toUtf8Line(IdentityEvent event) {
    return Utf8Line.line(event);
  }

  /** Appends the canonical JSON line of an event to {@code sb}, without a trailing newline. */
  public static void appendTo(StringBuilder sb, IdentityEvent event) {
    sb.append('{');
    Visitor v = new Visitor(sb);
    event.forEach(v);
    sb.append('}');
  }

  /**
   * Appends {@code s} as a quoted JSON string, escaped as described in the class comment. Shared
   * with the Logback encoder and the command line, so every writer of the project escapes alike.
   */
  public static void appendString(StringBuilder sb, CharSequence s) {
    sb.append('"');
    int len = s.length();
    int run = 0; // start of the current run of characters copied unchanged
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x80 ? !ASCII_ESCAPE[c] : !needsUnicodeEscape(s, i, c)) {
        continue;
      }
      if (run < i) {
        sb.append(s, run, i);
      }
      if (c == '"') {
        sb.append('\\').append('"');
      } else if (c == '\\') {
        sb.append('\\').append('\\');
      } else {
        sb.append('\\').append('u')
            .append(HEX[(c >> 12) & 0xf])
            .append(HEX[(c >> 8) & 0xf])
            .append(HEX[(c >> 4) & 0xf])
            .append(HEX[c & 0xf]);
      }
      run = i + 1;
    }
    if (run == 0) {
      sb.append(s); // nothing escaped, the common case: one bulk copy
    } else if (run < len) {
      sb.append(s, run, len);
    }
    sb.append('"');
  }

  /** Appends a list of strings as a JSON array; null items are skipped. */
  static void appendStrings(StringBuilder sb, List<?> values) {
    sb.append('[');
    boolean first = true;
    for (int i = 0, n = values.size(); i < n; i++) {
      Object o = values.get(i);
      if (o == null) {
        continue;
      }
      if (!first) {
        sb.append(',');
      }
      first = false;
      appendString(sb, o.toString());
    }
    sb.append(']');
  }

  private static boolean needsUnicodeEscape(CharSequence s, int i, char c) {
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
      return true;
    }
    if (c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE) {
      return false;
    }
    // A well-formed pair is copied as is; a lone half would not survive UTF-8 encoding.
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
  }

  /** Writes one value of a known field kind; the caller has written the key. */
  static void appendValue(StringBuilder sb, Field<?> field, Object value) {
    switch (field.kind()) {
      case STRING:
        appendString(sb, (String) value);
        break;
      case LONG:
        sb.append(((Long) value).longValue());
        break;
      case BOOLEAN:
        sb.append(((Boolean) value).booleanValue());
        break;
      case STRINGS:
        appendStrings(sb, (List<?>) value);
        break;
      case TIME:
        sb.append('"');
        Timestamps.appendTo(sb, (Instant) value);
        sb.append('"');
        break;
      case CODE:
        appendString(sb, ((Coded) value).code());
        break;
      default:
        throw new AssertionError(field.kind());
    }
  }

  /** Appends fields as they are visited; one short-lived instance per event. */
  private static final class Visitor implements IdentityEvent.FieldVisitor {
    private final StringBuilder sb;
    private boolean first = true;

    Visitor(StringBuilder sb) {
      this.sb = sb;
    }

    @Override
    public void visit(Field<?> field, Object value) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      sb.append(KEY_PREFIX[field.index()]);
      appendValue(sb, field, value);
    }

    @Override
    public void visitClaim(String key, String value) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      appendString(sb, key);
      sb.append(':');
      appendString(sb, value);
    }
  }

  private static void appendObjectValue(StringBuilder sb, Map<?, ?> fields) {
    sb.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> e : fields.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        continue;
      }
      if (!first) {
        sb.append(',');
      }
      first = false;
      JsonLineWriter.appendString(sb, e.getKey().toString());
      sb.append(':');
      appendAny(sb, e.getValue());
    }
    sb.append('}');
  }

  /**
   * Appends any value a command line or a log encoder may hold as JSON: strings (escaped as in the
   * canonical line), whole and decimal numbers (non-finite ones as strings), booleans, coded enums,
   * {@code Instant}s (RFC 3339), events (their canonical object), maps, collections and arrays;
   * {@code null} entries are left out. Anything else is written as its string.
   */
  public static void appendAny(StringBuilder sb, Object value) {
    if (value instanceof CharSequence) {
      JsonLineWriter.appendString(sb, (CharSequence) value);
    } else if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte
        || value instanceof BigInteger) {
      sb.append(value);
    } else if (value instanceof Boolean) {
      sb.append(((Boolean) value).booleanValue());
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isFinite(d)) {
        sb.append(d);
      } else {
        JsonLineWriter.appendString(sb, Double.toString(d));
      }
    } else if (value instanceof BigDecimal) {
      sb.append(((BigDecimal) value).toPlainString());
    } else if (value instanceof Coded) {
      JsonLineWriter.appendString(sb, ((Coded) value).code());
    } else if (value instanceof Instant) {
      sb.append('"');
      Timestamps.appendTo(sb, (Instant) value);
      sb.append('"');
    } else if (value instanceof IdentityEvent) {
      JsonLineWriter.appendTo(sb, (IdentityEvent) value);
    } else if (value instanceof Map) {
      appendObjectValue(sb, (Map<?, ?>) value);
    } else if (value instanceof Collection) {
      appendArray(sb, (Collection<?>) value);
    } else if (value instanceof Object[]) {
      appendArray(sb, java.util.Arrays.asList((Object[]) value));
    } else if (value instanceof Enum) {
      JsonLineWriter.appendString(sb, ((Enum<?>) value).name().toLowerCase(java.util.Locale.ROOT));
    } else {
      JsonLineWriter.appendString(sb, String.valueOf(value));
    }
  }

  private static void appendArray(StringBuilder sb, Collection<?> values) {
    sb.append('[');
    boolean first = true;
    for (Object o : values) {
      if (o == null) {
        continue;
      }
      if (!first) {
        sb.append(',');
      }
      first = false;
      appendAny(sb, o);
    }
    sb.append(']');
  }
}
