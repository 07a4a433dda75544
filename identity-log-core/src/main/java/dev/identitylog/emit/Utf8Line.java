package dev.identitylog.emit;

import dev.identitylog.event.Field;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.Timestamps;
import dev.identitylog.outcome.Coded;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Writes the canonical JSON line of an event as UTF-8 bytes straight into a reusable buffer: the
 * same bytes as {@link JsonLineWriter#toJson} encoded in UTF-8, without the intermediate builder,
 * String and encoder pass. The request thread of every hop pays for this line, and the JFR profile
 * of the whole-server run showed the builder → String → byte[] path and its growing buffers as a
 * large share of the library's time.
 *
 * <p>One instance per thread ({@link #line}); not thread-safe.
 */
final class Utf8Line implements IdentityEvent.FieldVisitor {
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};

  /** {@code "key":} per field as bytes, indexed by {@link Field#index()}. */
  private static final byte[][] KEY_PREFIX = new byte[Fields.count()][];

  static {
    for (Field<?> f : Fields.ALL) {
      StringBuilder sb = new StringBuilder();
      JsonLineWriter.appendString(sb, f.key());
      KEY_PREFIX[f.index()] = sb.append(':').toString().getBytes(StandardCharsets.UTF_8);
    }
  }

  private static final int INITIAL_CAPACITY = 2048;

  private static final ThreadLocal<Utf8Line> WRITER = ThreadLocal.withInitial(Utf8Line::new);

  private byte[] buf = new byte[INITIAL_CAPACITY];
  private int len;
  private boolean first;

  private Utf8Line() {}

  /** The canonical line of {@code event} followed by {@code '\n'}, as UTF-8; a new array. */
  static byte[] line(IdentityEvent event) {
    Utf8Line w = WRITER.get();
    w.len = 0;
    w.first = true;
    w.put((byte) '{');
    event.forEach(w);
    w.ensure(2);
    w.buf[w.len++] = '}';
    w.buf[w.len++] = '\n';
    byte[] out = Arrays.copyOf(w.buf, w.len);
    if (w.buf.length > JsonLineWriter.MAX_CACHED_CAPACITY) {
      // One huge event must not pin its buffer to the thread for good.
      w.buf = new byte[INITIAL_CAPACITY];
    }
    return out;
  }

  @Override
  public void visit(Field<?> field, Object value) {
    comma();
    put(KEY_PREFIX[field.index()]);
    switch (field.kind()) {
      case STRING:
        string((String) value);
        break;
      case LONG:
        number(((Long) value).longValue());
        break;
      case BOOLEAN:
        put(((Boolean) value).booleanValue() ? TRUE : FALSE);
        break;
      case STRINGS:
        strings((List<?>) value);
        break;
      case TIME:
        ensure(Timestamps.LENGTH + 2);
        buf[len++] = '"';
        len = Timestamps.writeTo(buf, len, (Instant) value);
        buf[len++] = '"';
        break;
      case CODE:
        string(((Coded) value).code());
        break;
      default:
        throw new AssertionError(field.kind());
    }
  }

  @Override
  public void visitClaim(String key, String value) {
    comma();
    string(key);
    put((byte) ':');
    string(value);
  }

  private void comma() {
    if (!first) {
      put((byte) ',');
    }
    first = false;
  }

  private void strings(List<?> values) {
    put((byte) '[');
    boolean firstItem = true;
    for (int i = 0, n = values.size(); i < n; i++) {
      Object o = values.get(i);
      if (o == null) {
        continue;
      }
      if (!firstItem) {
        put((byte) ',');
      }
      firstItem = false;
      string(o.toString());
    }
    put((byte) ']');
  }

  /** A quoted JSON string, escaped exactly as {@link JsonLineWriter#appendString}. */
  private void string(String s) {
    int n = s.length();
    // Worst case: every char a six-byte \\uXXXX escape; plus the quotes.
    ensure(6 * n + 2);
    byte[] b = buf;
    int i = len;
    b[i++] = '"';
    for (int k = 0; k < n; k++) {
      char c = s.charAt(k);
      if (c < 0x80) {
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f) {
          b[i++] = (byte) c;
        } else if (c == '"' || c == '\\') {
          b[i++] = '\\';
          b[i++] = (byte) c;
        } else {
          i = unicodeEscape(b, i, c);
        }
      } else if (c <= 0x9f || c == '\u2028' || c == '\u2029') {
        i = unicodeEscape(b, i, c); // C1 controls, line and paragraph separators
      } else if (c < 0x800) {
        b[i++] = (byte) (0xc0 | (c >> 6));
        b[i++] = (byte) (0x80 | (c & 0x3f));
      } else if (!Character.isSurrogate(c)) {
        b[i++] = (byte) (0xe0 | (c >> 12));
        b[i++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        b[i++] = (byte) (0x80 | (c & 0x3f));
      } else if (Character.isHighSurrogate(c)
          && k + 1 < n
          && Character.isLowSurrogate(s.charAt(k + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++k));
        b[i++] = (byte) (0xf0 | (cp >> 18));
        b[i++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
        b[i++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
        b[i++] = (byte) (0x80 | (cp & 0x3f));
      } else {
        i = unicodeEscape(b, i, c); // a lone surrogate half would not survive UTF-8
      }
    }
    b[i++] = '"';
    len = i;
  }

  private static int unicodeEscape(byte[] b, int i, char c) {
    b[i] = '\\';
    b[i + 1] = 'u';
    b[i + 2] = HEX[(c >> 12) & 0xf];
    b[i + 3] = HEX[(c >> 8) & 0xf];
    b[i + 4] = HEX[(c >> 4) & 0xf];
    b[i + 5] = HEX[c & 0xf];
    return i + 6;
  }

  private void number(long v) {
    if (v == Long.MIN_VALUE) {
      put(Long.toString(v).getBytes(StandardCharsets.US_ASCII)); // no positive twin to negate
      return;
    }
    ensure(20);
    if (v < 0) {
      buf[len++] = '-';
      v = -v;
    }
    int digits = 1;
    for (long t = v; t >= 10; t /= 10) {
      digits++;
    }
    int end = len + digits;
    for (int i = end - 1; i >= len; i--) {
      buf[i] = (byte) ('0' + (v % 10));
      v /= 10;
    }
    len = end;
  }

  private void put(byte c) {
    ensure(1);
    buf[len++] = c;
  }

  private void put(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, len, bytes.length);
    len += bytes.length;
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }
}
