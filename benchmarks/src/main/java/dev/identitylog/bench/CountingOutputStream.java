package dev.identitylog.bench;

import java.io.OutputStream;

/**
 * Counts bytes and lines instead of writing them: the end of the pipeline for in-process
 * benchmarks, so that a run measures encoding and appending but no disk. Written by one thread at a
 * time (Logback's appender lock), read after the run.
 */
public final class CountingOutputStream extends OutputStream {
  private long bytes;
  private long lines;

  @Override
  public void write(int b) {
    bytes++;
    if (b == '\n') {
      lines++;
    }
  }

  @Override
  public void write(byte[] b, int off, int len) {
    bytes += len;
    for (int i = off; i < off + len; i++) {
      if (b[i] == '\n') {
        lines++;
      }
    }
  }

  public long bytes() {
    return bytes;
  }

  public long lines() {
    return lines;
  }
}
