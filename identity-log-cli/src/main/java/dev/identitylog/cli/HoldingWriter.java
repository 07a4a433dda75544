package dev.identitylog.cli;

import java.io.IOException;
import java.io.Writer;

/**
 * Holds a command's standard output until the command has finished, so that a failure (exit code
 * 2) can leave stdout empty as the standard requires. Output beyond {@link #LIMIT} characters is
 * passed through as it comes, so a huge result cannot exhaust memory; only a failure after that
 * much output would leave partial output behind.
 */
final class HoldingWriter extends Writer {
  static final int LIMIT = 8 * 1024 * 1024;

  private final Writer target;
  private StringBuilder held = new StringBuilder();
  private boolean passing;

  HoldingWriter(Writer target) {
    this.target = target;
  }

  @Override
  public void write(char[] cbuf, int off, int len) throws IOException {
    if (held == null) {
      return; // discarded
    }
    if (!passing && held.length() + len > LIMIT) {
      target.append(held);
      held.setLength(0);
      passing = true;
    }
    if (passing) {
      target.write(cbuf, off, len);
    } else {
      held.append(cbuf, off, len);
    }
  }

  /** Writes what was held; later writes go straight through. */
  void release() {
    try {
      if (held != null && held.length() > 0) {
        target.append(held);
        held.setLength(0);
      }
      passing = held != null;
      target.flush();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Drops what was held, and everything written later. */
  void discard() {
    held = null;
  }

  @Override
  public void flush() throws IOException {
    // Held output is only written by release(); flushing a PrintWriter must not leak it early.
    if (passing) {
      target.flush();
    }
  }

  @Override
  public void close() {
    release();
  }
}
