package dev.identitylog.emit;

import dev.identitylog.event.Field;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.Timestamps;
import dev.identitylog.outcome.Coded;
import java.io.IOException;
import java.io.OutputStream;
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
 * <p>Two uses: {@link JsonLineWriter#toUtf8Line} (one instance per thread, a new array per line,
 * as Logback's {@code Encoder.encode} must return one), and an owner that keeps its own instance
 * and hands the line to a stream with no array per line ({@link #write} then {@link #writeTo}: the
 * identity-event appenders do so under their stream lock).
 *
 * <p>Not thread-safe: its owner serialises every use. Internal: not part of the API and may change
 * between versions.
 */
public final class Utf8Line {
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

  private final IdentityEvent.FieldVisitor visitor =
      new IdentityEvent.FieldVisitor() {
        @Override
        public void visit(Field<?> field, Object value) {
          field(field, value);
        }

        @Override
        public void visitClaim(String key, String value) {
          claim(key, value);
        }
      };

  private byte[] buf = new byte[INITIAL_CAPACITY];
  private int len;
  private boolean first;

  /** An empty line buffer, for one owner that serialises its use. */
  public Utf8Line() {}

  /** The canonical line of {@code event} followed by {@code '\n'}, as UTF-8; a new array. */
  static byte[] line(IdentityEvent event) {
    Utf8Line w = WRITER.get();
    int n = w.write(event);
    byte[] out = Arrays.copyOf(w.buf, n);
    w.release();
    return out;
  }

  /**
   * Writes the canonical line of {@code event} followed by {@code '\n'} into this buffer,
   * replacing what it held; returns its length in bytes.
   */
  public int write(IdentityEvent event) {
    len = 0;
    first = true;
    put((byte) '{');
    event.forEach(visitor);
    ensure(2);
    buf[len++] = '}';
    buf[len++] = '\n';
    return len;
  }

  /**
   * Writes the line last {@link #write written} to {@code out} in one call. A buffer that grew
   * past 16 KiB for one huge line is then dropped (and the line with it), so that one line cannot pin
   * its memory for good.
   */
  public void writeTo(OutputStream out) throws IOException {
    try {
      out.write(buf, 0, len);
    } finally {
      release();
    }
  }

  /** The size of the buffer now kept, for tests. */
  int capacity() {
    return buf.length;
  }

  private void release() {
    if (buf.length > JsonLineWriter.MAX_CACHED_CAPACITY) {
      buf = new byte[INITIAL_CAPACITY];
      len = 0;
    }
  }

  private void field(Field<?> field, Object value) {
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

  private void claim(String key, String value) {
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
