package dev.identitylog.emit.logback;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.status.ErrorStatus;
import ch.qos.logback.core.util.FileSize;
import dev.identitylog.event.IdentityEvent;
import java.io.IOException;

/**
 * A Logback {@code FileAppender} that writes each identity event straight into its file: the
 * recommended appender for {@code identity.events}. Configure it exactly as a {@code FileAppender}
 * with the shipped {@link IdentityEventEncoder} (only the class name changes):
 *
 * <pre>{@code
 * <appender name="IDENTITY" class="dev.identitylog.emit.logback.IdentityEventFileAppender">
 *   <file>identity-events.log</file>
 *   <immediateFlush>false</immediateFlush>
 *   <encoder class="dev.identitylog.emit.logback.IdentityEventEncoder"/>
 * </appender>
 * }</pre>
 *
 * <p>Why: a Logback encoder must return a new {@code byte[]} per line, and {@code
 * OutputStreamAppender} prepares every event for deferred processing (copies the MDC, formats the
 * summary message, reads the thread name) even when it writes the event at once. For an event
 * logged by {@link dev.identitylog.emit.Slf4jEventSink} this appender does neither: it writes the
 * canonical line from one buffer it reuses under its stream lock. The bytes are the encoder's, byte
 * for byte; {@code append}, {@code bufferSize} and {@code immediateFlush} work as in {@code
 * FileAppender}; the encoder's loss accounting stays exact. Any other event (the library's own
 * warnings, another logger's lines) takes {@code FileAppender}'s usual path through the encoder.
 *
 * <p>In {@code prudent} mode every event takes the usual path (the file lock is {@code
 * FileAppender}'s), and so does every event when the encoder is not an {@link
 * IdentityEventEncoder}. Behind an {@code AsyncAppender} the event was already prepared for
 * deferred processing by the time it arrives here; it is written the same way.
 *
 * <p>The appender's {@code bufferSize} is handed to the encoder's loss accounting, so it need not
 * be repeated on the encoder.
 */
public final class IdentityEventFileAppender extends FileAppender<ILoggingEvent> {
  private final StreamLineWriter writer = new StreamLineWriter(this, streamWriteLock);
  private FileSize bufferSize;

  @Override
  public void setBufferSize(FileSize size) {
    super.setBufferSize(size);
    bufferSize = size;
  }

  @Override
  public void start() {
    StreamLineWriter.prepare(this, encoder, bufferSize, isPrudent());
    super.start();
  }

  @Override
  protected void subAppend(ILoggingEvent event) {
    if (!isStarted()) {
      return;
    }
    IdentityEvent identityEvent = StreamLineWriter.direct(event, encoder, isPrudent());
    if (identityEvent == null) {
      super.subAppend(event);
      return;
    }
    try {
      writer.write(identityEvent, (IdentityEventEncoder) encoder);
    } catch (IOException e) {
      // As OutputStreamAppender.subAppend does.
      started = false;
      addStatus(new ErrorStatus("IO failure in appender", this, e));
    }
  }
}
