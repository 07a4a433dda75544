package dev.identitylog.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads lines of UTF-8 one at a time, so that a bad line (invalid UTF-8, or longer than a bound)
 * is reported as that line's problem instead of failing the whole input. Lines end at LF; a CR
 * before it is dropped.
 */
final class LineReader {
  /** What one read returned. */
  enum Status {
    OK,
    INVALID_UTF8,
    TOO_LONG
  }

  private static final int BUFFER = 64 * 1024;

  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] buf = new byte[BUFFER];
  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private int pos;
  private int limit;
  private byte[] line = new byte[256];
  private int length;
  private long number;

  private Status status;
  private String text;

  LineReader(InputStream in, int maxLineBytes) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
  }

  /** Advances to the next line; false at the end of input. */
  boolean next() throws IOException {
    length = 0;
    boolean tooLong = false;
    boolean any = false;
    while (true) {
      if (pos == limit) {
        limit = in.read(buf, 0, buf.length);
        pos = 0;
        if (limit <= 0) {
          limit = 0;
          if (!any) {
            return false;
          }
          break;
        }
      }
      any = true;
      byte b = buf[pos++];
      if (b == '\n') {
        break;
      }
      if (length < maxLineBytes) {
        append(b);
      } else {
        tooLong = true; // keep reading to the end of the line, keep nothing
      }
    }
    number++;
    if (length > 0 && line[length - 1] == '\r') {
      length--;
    }
    if (tooLong) {
      status = Status.TOO_LONG;
      text = null;
      return true;
    }
    try {
      text = decoder.decode(ByteBuffer.wrap(line, 0, length)).toString();
      status = Status.OK;
    } catch (CharacterCodingException e) {
      status = Status.INVALID_UTF8;
      text = null;
    }
    return true;
  }

  private void append(byte b) {
    if (length == line.length) {
      line = Arrays.copyOf(line, Math.min(Math.max(line.length * 2, 256), maxLineBytes));
    }
    line[length++] = b;
  }

  /** The number of the current line, from 1. */
  long number() {
    return number;
  }

  Status status() {
    return status;
  }

  /** The current line's text when {@link #status()} is OK. */
  String text() {
    return text;
  }
}
