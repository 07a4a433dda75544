package dev.identitylog.examples;

import dev.identitylog.emit.EventSink;
import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.event.IdentityEvent;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An {@link EventSink} that appends each event as its canonical JSON line to one file. Every hop
 * of the demo is given the same instance, so the file holds the whole topology's events, as a log
 * shipper would gather them from each host. Each line is flushed at once: whatever reads the file
 * (the correlator, a person with {@code tail -f}) sees complete lines only.
 *
 * <p>A failed write throws; the core's guarded sinks count it and keep the request going.
 */
final class JsonLinesFile implements EventSink, Closeable {
  private final Path path;
  private final BufferedWriter out;
  private long lines;

  JsonLinesFile(Path path) throws IOException {
    this.path = path;
    Path dir = path.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    this.out = Files.newBufferedWriter(path, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
  }

  @Override
  public void emit(IdentityEvent event) {
    String line = JsonLineWriter.toJson(event);
    synchronized (this) {
      try {
        out.write(line);
        out.write('\n');
        out.flush();
        lines++;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write to " + path, e);
      }
    }
  }

  Path path() {
    return path;
  }

  synchronized long lines() {
    return lines;
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
