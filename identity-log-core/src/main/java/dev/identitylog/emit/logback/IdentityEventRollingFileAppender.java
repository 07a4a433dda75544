package dev.identitylog.emit.logback;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.LengthCounter;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.TriggeringPolicy;
import ch.qos.logback.core.status.ErrorStatus;
import ch.qos.logback.core.util.FileSize;
import dev.identitylog.event.IdentityEvent;
import java.io.File;
import java.io.IOException;

/**
 * The rolling twin of {@link IdentityEventFileAppender}: a Logback {@code RollingFileAppender} that
 * writes each identity event straight into its file, configured exactly as a {@code
 * RollingFileAppender} with the shipped {@link IdentityEventEncoder} (only the class name changes).
 *
 * <p>Rolling works as in {@code RollingFileAppender}: the triggering policy sees every event before
 * it is written, and each line written straight is added to the policy's length counter (what
 * {@code SizeAndTimeBasedRollingPolicy} rolls by), as {@code RollingFileAppender} adds each array
 * it writes. One difference in locking: the trigger check and the write of every event run under the
 * appender's stream lock, so that an identity event and any other event never both decide to roll
 * the same file.
 */
public final class IdentityEventRollingFileAppender extends RollingFileAppender<ILoggingEvent> {
  private final StreamLineWriter writer = new StreamLineWriter(this, streamWriteLock);
  private FileSize bufferSize;
  // The file the triggering policy is asked about: the active file, as RollingFileAppender keeps
  // its own (set at start and after each rollover). Written under streamWriteLock.
  private volatile File activeFile;

  @Override
  public void setBufferSize(FileSize size) {
    super.setBufferSize(size);
    bufferSize = size;
  }

  @Override
  public void start() {
    StreamLineWriter.prepare(this, encoder, bufferSize, isPrudent());
    super.start();
    if (isStarted()) {
      activeFile = new File(getFile());
    }
  }

  @Override
  public void rollover() {
    streamWriteLock.lock();
    try {
      super.rollover();
      activeFile = new File(getFile());
    } finally {
      streamWriteLock.unlock();
    }
  }

  @Override
  protected void subAppend(ILoggingEvent event) {
    IdentityEvent identityEvent = StreamLineWriter.direct(event, encoder, isPrudent());
    streamWriteLock.lock();
    try {
      if (identityEvent == null) {
        super.subAppend(event);
      } else if (isStarted()) {
        TriggeringPolicy<ILoggingEvent> policy = getTriggeringPolicy();
        if (policy.isTriggeringEvent(activeFile, event)) {
          rollover();
        }
        int length = writer.write(identityEvent, (IdentityEventEncoder) encoder);
        LengthCounter counter = policy.getLengthCounter();
        if (counter != null && length > 0) {
          counter.add(length);
        }
      }
    } catch (IOException e) {
      // As OutputStreamAppender.subAppend does.
      started = false;
      addStatus(new ErrorStatus("IO failure in appender", this, e));
    } finally {
      streamWriteLock.unlock();
    }
  }
}
