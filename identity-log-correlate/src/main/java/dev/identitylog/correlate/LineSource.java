package dev.identitylog.correlate;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.util.zip.GZIPInputStream;

/**
 * One input split into lines, each parsed in place from the read buffer: no line is copied unless
 * it straddles two reads. A line longer than the limit is skipped whole and reported, so a file
 * without newlines cannot exhaust memory.
 */
abstract class LineSource implements Closeable {
  /** Returned by {@link #next()} at the end of input. */
  static final int EOF = -1;
  /** Returned by {@link #next()} for a line that exceeded the limit and was skipped. */
  static final int OVERSIZED = -2;

  /** The next line, parsed; or EOF or OVERSIZED (the parser's status is then irrelevant). */
  abstract int next(EventParser parser, CorrelationEvent[] out) throws IOException;

  /** Opens a byte stream, gunzipping it when it starts with the gzip magic bytes. */
  static LineSource of(InputStream in, int maxLine) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
    buffered.mark(2);
    int b1 = buffered.read();
    int b2 = b1 < 0 ? -1 : buffered.read();
    buffered.reset();
    InputStream source = buffered;
    if (b1 == 0x1f && b2 == 0x8b) {
      source = new GZIPInputStream(buffered, 1 << 16);
    }
    return new Bytes(source, maxLine);
  }

  static LineSource of(Reader in, int maxLine) {
    return new Chars(in, maxLine);
  }

  private static final class Bytes extends LineSource {
    private final InputStream in;
    private final int maxLine;
    private byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private boolean eof;
    private boolean first = true;

    Bytes(InputStream in, int maxLine) {
      this.in = in;
      this.maxLine = maxLine;
    }

    @Override
    int next(EventParser parser, CorrelationEvent[] out) throws IOException {
      boolean skipping = false;
      int from = pos; // bytes before it were already searched for the newline
      while (true) {
        for (int i = from; i < limit; i++) {
          if (buf[i] == '\n') {
            int start = pos;
            pos = i + 1;
            if (skipping) {
              return OVERSIZED;
            }
            return line(parser, out, start, i);
          }
        }
        if (eof) {
          if (pos == limit) {
            return skipping ? OVERSIZED : EOF;
          }
          int start = pos;
          pos = limit;
          return skipping ? OVERSIZED : line(parser, out, start, limit);
        }
        from = limit;
        if (limit - pos >= maxLine) {
          skipping = true; // keep reading to the newline, drop what is buffered
          pos = limit;
        }
        from -= pos; // fill() moves the unread bytes to the start
        fill();
      }
    }

    private int line(EventParser parser, CorrelationEvent[] out, int start, int end) {
      if (first) {
        first = false;
        if (end - start >= 3 && (buf[start] & 0xff) == 0xEF && (buf[start + 1] & 0xff) == 0xBB
            && (buf[start + 2] & 0xff) == 0xBF) {
          start += 3; // a UTF-8 byte order mark
        }
      }
      if (end > start && buf[end - 1] == '\r') {
        end--;
      }
      out[0] = parser.parse(buf, start, end - start);
      return end - start;
    }

    private void fill() throws IOException {
      if (pos > 0) {
        System.arraycopy(buf, pos, buf, 0, limit - pos);
        limit -= pos;
        pos = 0;
      }
      if (limit == buf.length) {
        byte[] bigger = new byte[Math.min(buf.length * 2, maxLine + 2)];
        System.arraycopy(buf, 0, bigger, 0, limit);
        buf = bigger;
      }
      int n = in.read(buf, limit, buf.length - limit);
      if (n < 0) {
        eof = true;
      } else {
        limit += n;
      }
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  private static final class Chars extends LineSource {
    private final Reader in;
    private final int maxLine;
    private char[] buf = new char[1 << 14];
    private int pos;
    private int limit;
    private boolean eof;
    private boolean first = true;

    Chars(Reader in, int maxLine) {
      this.in = in;
      this.maxLine = maxLine;
    }

    @Override
    int next(EventParser parser, CorrelationEvent[] out) throws IOException {
      boolean skipping = false;
      int from = pos; // bytes before it were already searched for the newline
      while (true) {
        for (int i = from; i < limit; i++) {
          if (buf[i] == '\n') {
            int start = pos;
            pos = i + 1;
            if (skipping) {
              return OVERSIZED;
            }
            return line(parser, out, start, i);
          }
        }
        if (eof) {
          if (pos == limit) {
            return skipping ? OVERSIZED : EOF;
          }
          int start = pos;
          pos = limit;
          return skipping ? OVERSIZED : line(parser, out, start, limit);
        }
        from = limit;
        if (limit - pos >= maxLine) {
          skipping = true;
          pos = limit;
        }
        from -= pos;
        fill();
      }
    }

    private int line(EventParser parser, CorrelationEvent[] out, int start, int end) {
      if (first) {
        first = false;
        if (end > start && buf[start] == '\uFEFF') {
          start++;
        }
      }
      if (end > start && buf[end - 1] == '\r') {
        end--;
      }
      out[0] = parser.parse(buf, start, end - start);
      return end - start;
    }

    private void fill() throws IOException {
      if (pos > 0) {
        System.arraycopy(buf, pos, buf, 0, limit - pos);
        limit -= pos;
        pos = 0;
      }
      if (limit == buf.length) {
        char[] bigger = new char[Math.min(buf.length * 2, maxLine + 2)];
        System.arraycopy(buf, 0, bigger, 0, limit);
        buf = bigger;
      }
      int n = in.read(buf, limit, buf.length - limit);
      if (n < 0) {
        eof = true;
      } else {
        limit += n;
      }
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
