package dev.identitylog.emit.logback;

import ch.qos.logback.core.Appender;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.recovery.RecoveryListener;
import ch.qos.logback.core.recovery.ResilientOutputStreamBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import dev.identitylog.internal.LossCounter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;

/**
 * Counts the events that the appender of one {@link IdentityEventEncoder} loses without telling
 * anyone but Logback's status manager.
 *
 * <p>Why this is needed: Logback's {@code FileAppender} writes through a "resilient" stream that
 * catches every {@code IOException} (a full disk), reports it as a status, discards what it was
 * given and what it still had buffered, then silently discards every write until a reopen
 * succeeds. The appender stays started and the logging call returns normally, so nothing upstream
 * sees the loss. That stream announces its transitions to a {@link RecoveryListener}: a new
 * failure, and a later write that went through. Between the two every write is discarded.
 *
 * <p>What is counted, per event of {@code identity.events} (one with key-value pairs):
 * <ul>
 *   <li>an event written while the stream is failing: counted when encoded, taken back if its
 *       write went through to a stream that an earlier write reopened (the write that reopens the
 *       stream is itself discarded; with {@code immediateFlush} the flush right after it succeeds
 *       on the empty new stream, which says nothing of the event, so nothing is taken back);
 *   <li>when a failure starts: the event being written, plus the events still in the stream's
 *       buffer. With {@code immediateFlush} the buffer holds nothing older. Without it, this
 *       follows the buffer the way {@link java.io.BufferedOutputStream} fills and empties it
 *       ({@link #setBufferSize}: the appender's {@code bufferSize}, default 8 KiB), which is exact
 *       while one thread writes at a time (always so behind an {@code AsyncAppender}); with
 *       several writing at once the event at the edge of the buffer may be off by one per writer.
 * </ul>
 *
 * <p>Cost when nothing fails: one uncontended lock and a few additions per event; the appender
 * already serialises its writes on its own lock.
 */
final class StreamLossTracker implements RecoveryListener {
  // Logback 1.5's ResilientFileOutputStream reopens a failed file with a BufferedOutputStream of
  // the JDK's default size, whatever the appender's bufferSize: after a recovery that is the buffer
  // the stream fills, until the appender opens a new stream.
  private static final long REOPENED_BUFFER_SIZE = 8192;

  private final IdentityEventEncoder encoder;
  private final LossCounter counter;
  private long bufferSize;
  private boolean reopened; // guarded by this

  // All guarded by this.
  private OutputStreamAppender<?> appender;
  private OutputStream watched;
  private boolean searched;
  private boolean failing;
  private int presumedLost; // events handed over while failing, counted already
  private int pendingEvents; // events in the stream's buffer, not yet written out
  private long pendingBytes;
  private int atRisk; // events that the write now under way loses if it fails
  private long lastLength;
  private IOException lastFailure;

  StreamLossTracker(IdentityEventEncoder encoder, Context context, long bufferSize) {
    this.encoder = encoder;
    this.counter = LossCounter.of(context);
    this.bufferSize = bufferSize;
  }

  LossCounter counter() {
    return counter;
  }

  /** Called for each identity event, after it was encoded and before the appender writes it. */
  synchronized void beforeWrite(Context context, long length) {
    attach(context);
    lastLength = length;
    presumedLost = 0; // the previous write is over: what was presumed lost stays counted
    if (failing) {
      presumedLost = 1;
      counter.add(1, name(), lastFailure);
      return;
    }
    if (appender == null) {
      return; // not (yet) behind a stream we can follow: nothing to count
    }
    if (appender.isImmediateFlush()) {
      atRisk = 1;
      pendingEvents = 0;
      pendingBytes = 0;
    } else if (length >= buffer()) {
      // BufferedOutputStream writes out its buffer, then this event directly.
      atRisk = pendingEvents + 1;
      pendingEvents = 0;
      pendingBytes = 0;
    } else if (length > buffer() - pendingBytes) {
      // The buffer is written out first; the event then waits in the emptied buffer.
      atRisk = pendingEvents + 1;
      pendingEvents = 1;
      pendingBytes = length;
    } else {
      atRisk = 0;
      pendingEvents++;
      pendingBytes += length;
    }
  }

  @Override
  public synchronized void newFailure(IOException e) {
    failing = true;
    lastFailure = e;
    counter.add(Math.max(atRisk, 1), name(), e);
    atRisk = 0;
    pendingEvents = 0;
    pendingBytes = 0;
  }

  @Override
  public synchronized void recoveryOccured() {
    failing = false;
    reopened = watched instanceof ch.qos.logback.core.recovery.ResilientFileOutputStream;
    if (presumedLost == 0) {
      return;
    }
    if (appender != null && appender.isImmediateFlush()) {
      // The write that reopened the stream was discarded all the same; it is the flush after it,
      // of an empty new stream, that succeeded. The event stays counted.
      atRisk = 0;
      pendingEvents = 0;
      pendingBytes = 0;
    } else {
      // The write under way went to the reopened stream (into its buffer, or through it).
      counter.retract(presumedLost);
      atRisk = 0;
      pendingEvents = lastLength >= buffer() ? 0 : 1;
      pendingBytes = pendingEvents == 0 ? 0 : lastLength;
    }
    presumedLost = 0;
  }

  /** Flushes the followed stream if it holds events, so that a failure to write them is counted. */
  synchronized void beforeClose() {
    if (!failing && pendingEvents > 0 && watched instanceof ResilientOutputStreamBase) {
      atRisk = pendingEvents;
      pendingEvents = 0;
      pendingBytes = 0;
      ((ResilientOutputStreamBase) watched).flush(); // a resilient stream reports a failure to newFailure, never throws
      atRisk = 0;
    }
  }

  synchronized void setBufferSize(long bufferSize) {
    this.bufferSize = bufferSize;
  }

  private long buffer() {
    return reopened ? REOPENED_BUFFER_SIZE : bufferSize;
  }

  private String name() {
    return appender == null ? "(unknown)" : appender.getName();
  }

  // Finds the appender that uses this encoder once, and follows its stream when it is replaced
  // (a rollover opens a new one).
  private void attach(Context context) {
    if (!searched) {
      searched = true;
      appender = find(context);
    }
    if (appender == null) {
      return;
    }
    OutputStream stream = appender.getOutputStream();
    if (stream != watched) {
      if (watched instanceof ResilientOutputStreamBase) {
        ((ResilientOutputStreamBase) watched).removeRecoveryListener(this);
      }
      watched = stream;
      failing = false;
      reopened = false;
      pendingEvents = 0;
      pendingBytes = 0;
      if (stream instanceof ResilientOutputStreamBase) {
        ((ResilientOutputStreamBase) stream).addRecoveryListener(this);
      }
    }
  }

  private OutputStreamAppender<?> find(Context context) {
    if (!(context instanceof ch.qos.logback.classic.LoggerContext)) {
      return null;
    }
    for (ch.qos.logback.classic.Logger logger :
        ((ch.qos.logback.classic.LoggerContext) context).getLoggerList()) {
      OutputStreamAppender<?> found = find(logger.iteratorForAppenders(), 0);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private OutputStreamAppender<?> find(Iterator<? extends Appender<?>> appenders, int depth) {
    while (appenders.hasNext() && depth < 4) {
      Appender<?> a = appenders.next();
      if (a instanceof OutputStreamAppender && ((OutputStreamAppender<?>) a).getEncoder() == encoder) {
        return (OutputStreamAppender<?>) a;
      }
      if (a instanceof AppenderAttachable) {
        OutputStreamAppender<?> found =
            find(((AppenderAttachable<?>) a).iteratorForAppenders(), depth + 1);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }
}
