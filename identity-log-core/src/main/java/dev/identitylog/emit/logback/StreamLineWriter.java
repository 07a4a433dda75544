package dev.identitylog.emit.logback;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.util.FileSize;
import dev.identitylog.emit.Utf8Line;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.internal.EventKeyValues;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.event.KeyValuePair;

/**
 * The writing shared by {@link IdentityEventFileAppender} and {@link
 * IdentityEventRollingFileAppender}: an identity event logged by {@link
 * dev.identitylog.emit.Slf4jEventSink} is written as its canonical line from one buffer that the
 * appender owns and reuses under its stream lock, into the appender's stream.
 *
 * <p>What this saves over {@code OutputStreamAppender.subAppend}: the {@code byte[]} per line that
 * {@code Encoder.encode} must return, and {@code prepareForDeferredProcessing} (a copy of the MDC,
 * the formatted summary message and the thread name), which only serves an event that is kept for
 * later: one written now, on the logging thread, is read for its identity event alone. What stays
 * the same: the bytes (the encoder's own writer), the stream and its buffer, {@code immediateFlush},
 * the loss accounting of the encoder (counted with the same length, now under the stream lock), and
 * an {@code IOException} from the stream stopping the appender with the same error status.
 */
final class StreamLineWriter {
  private final OutputStreamAppender<ILoggingEvent> appender;
  private final ReentrantLock lock;
  private final Utf8Line line = new Utf8Line(); // guarded by lock

  StreamLineWriter(OutputStreamAppender<ILoggingEvent> appender, ReentrantLock lock) {
    this.appender = appender;
    this.lock = lock;
  }

  /**
   * Before the appender starts: hands its {@code bufferSize} to the encoder's loss accounting, and
   * says in a status which events will not be written straight, and why.
   */
  static void prepare(
      OutputStreamAppender<ILoggingEvent> appender,
      Encoder<ILoggingEvent> encoder,
      FileSize bufferSize,
      boolean prudent) {
    if (encoder == null) {
      return; // Logback's own start reports the missing encoder
    }
    if (!(encoder instanceof IdentityEventEncoder)) {
      appender.addWarn("The encoder is not an " + IdentityEventEncoder.class.getName()
          + ": every event goes through it, as in Logback's own appender");
      return;
    }
    if (bufferSize != null) {
      ((IdentityEventEncoder) encoder).setBufferSize(bufferSize);
    }
    if (prudent) {
      appender.addInfo("Prudent mode: every event goes through the encoder under the file lock,"
          + " as in Logback's own appender");
    }
  }

  /**
   * The identity event to write straight into the stream, or null when {@code event} takes
   * Logback's usual path: it was not logged by {@code Slf4jEventSink}, or the appender's encoder is
   * not the identity encoder (whose bytes this writes), or the appender is prudent.
   */
  static IdentityEvent direct(ILoggingEvent event, Encoder<ILoggingEvent> encoder, boolean prudent) {
    if (prudent || !(encoder instanceof IdentityEventEncoder)) {
      return null;
    }
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (!(pairs instanceof EventKeyValues) || pairs.isEmpty()) {
      return null; // an empty event is not an identity event to the encoder either
    }
    return ((EventKeyValues) pairs).event();
  }

  /**
   * Writes the line of {@code event}; returns its length, or 0 when the appender was stopped
   * meanwhile. Takes the stream lock (reentrant: the caller may hold it).
   */
  int write(IdentityEvent event, IdentityEventEncoder encoder) throws IOException {
    lock.lock();
    try {
      if (!appender.isStarted()) {
        return 0;
      }
      int length = line.write(event);
      encoder.beforeDirectWrite(length);
      OutputStream out = appender.getOutputStream();
      line.writeTo(out);
      if (appender.isImmediateFlush()) {
        out.flush();
      }
      return length;
    } finally {
      lock.unlock();
    }
  }
}
