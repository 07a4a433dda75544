package dev.identitylog.emit.logback;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import ch.qos.logback.core.util.FileSize;
import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.event.Timestamps;
import dev.identitylog.internal.EventKeyValues;
import dev.identitylog.internal.Throwables;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * A Logback encoder that writes one JSON object per line. For an event with key-value pairs, as
 * {@link dev.identitylog.emit.Slf4jEventSink} logs them, the object is exactly those pairs in
 * order, so the line is byte for byte the canonical JSON line of the standard:
 *
 * <pre>{@code
 * <appender name="IDENTITY" class="dev.identitylog.emit.logback.IdentityEventFileAppender">
 *   <file>identity-events.log</file>
 *   <encoder class="dev.identitylog.emit.logback.IdentityEventEncoder"/>
 * </appender>
 * <logger name="identity.events" level="INFO" additivity="false">
 *   <appender-ref ref="IDENTITY"/>
 * </logger>
 * }</pre>
 *
 * <p>{@link IdentityEventFileAppender} (above) and {@link IdentityEventRollingFileAppender} write an
 * identity event's line themselves, with this encoder's bytes and loss accounting, and without the
 * {@code byte[]} per line that {@link #encode} must return; Logback's own {@code FileAppender} with
 * this encoder writes the same lines.
 *
 * <p>Any other event (no key-value pairs) becomes {@code timestamp}, {@code log.level}, {@code
 * log.logger} and {@code message}, plus {@code error.stack_trace} when it carries an exception, so
 * the same appender can take the library's own warnings without breaking the one-object-per-line
 * format.
 *
 * <p>Losses are counted. Logback's {@code FileAppender} swallows write failures (a full disk) and
 * reports them only to its status manager; this encoder follows its appender's stream and counts
 * each identity event that never reaches the file, and {@code IdentityLog.droppedEvents()} includes
 * them, with a rate-limited WARN on {@code identity.internal}. Route that logger to a different
 * appender (the console), or the warning is lost with the events. When the appender sets {@code
 * bufferSize}, set the same {@code bufferSize} here so that the count of buffered events lost with
 * a failure is exact.
 *
 * <p>An event logged by {@link dev.identitylog.emit.Slf4jEventSink} on Logback carries the
 * identity event itself behind its pairs; this encoder writes that event straight into UTF-8
 * bytes (the same bytes, without building a pair, a value string or an intermediate String).
 *
 * <p>Pair values are written as JSON strings, numbers, booleans and arrays; null values are left
 * out, as the standard never writes null; any other object is written as its string form.
 */
public final class IdentityEventEncoder extends EncoderBase<ILoggingEvent> {
  private static final int INITIAL_CAPACITY = 1024;
  private static final int MAX_CACHED_CAPACITY = 16 * 1024;

  private static final ThreadLocal<StringBuilder> BUFFER =
      ThreadLocal.withInitial(() -> new StringBuilder(INITIAL_CAPACITY));
  // Logback's FileAppender default buffer (FileAppender.DEFAULT_BUFFER_SIZE).
  private static final long DEFAULT_BUFFER_SIZE = 8192;

  private long bufferSize = DEFAULT_BUFFER_SIZE;
  private volatile StreamLossTracker tracker;

  /** The {@code bufferSize} of the appender, when it sets one (default 8 KiB, as Logback's). */
  public void setBufferSize(FileSize size) {
    if (size == null || size.getSize() < 1) {
      addWarn("bufferSize must be positive; keeping " + bufferSize);
      return;
    }
    bufferSize = size.getSize();
    StreamLossTracker t = tracker;
    if (t != null) {
      t.setBufferSize(bufferSize);
    }
  }

  @Override
  public void start() {
    if (getContext() != null) {
      tracker = new StreamLossTracker(this, getContext(), bufferSize);
    }
    super.start();
  }

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] footerBytes() {
    // Called just before the appender closes its stream: write out what the stream still holds,
    // so that a failure is seen (and its buffered events counted) rather than lost in the close.
    StreamLossTracker t = tracker;
    if (t != null) {
      try {
        t.beforeClose();
      } catch (Throwable e) {
        Throwables.propagateIfFatal(e);
      }
    }
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    boolean identityEvent = pairs != null && !pairs.isEmpty();
    byte[] bytes;
    if (identityEvent && pairs instanceof EventKeyValues) {
      // Logged by Slf4jEventSink on Logback: the event itself, written straight into bytes.
      bytes = JsonLineWriter.toUtf8Line(((EventKeyValues) pairs).event());
    } else {
      bytes = encodeText(event, pairs, identityEvent);
    }
    StreamLossTracker t = tracker;
    if (identityEvent && t != null) {
      track(t, bytes.length);
    }
    return bytes;
  }

  private static byte[] encodeText(ILoggingEvent event, List<KeyValuePair> pairs, boolean kv) {
    StringBuilder sb = BUFFER.get();
    sb.setLength(0);
    if (kv) {
      appendPairs(sb, pairs);
    } else {
      appendPlain(sb, event);
    }
    sb.append('\n');
    byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
    if (sb.capacity() > MAX_CACHED_CAPACITY) {
      BUFFER.set(new StringBuilder(INITIAL_CAPACITY));
    }
    return bytes;
  }

  /**
   * Counts an identity event that an {@link IdentityEventFileAppender} writes itself, exactly as
   * {@link #encode} counts one it encodes: {@code length} bytes about to be written.
   */
  void beforeDirectWrite(int length) {
    StreamLossTracker t = tracker;
    if (t != null) {
      track(t, length);
    }
  }

  private void track(StreamLossTracker t, int length) {
    try {
      t.beforeWrite(getContext(), length);
    } catch (Throwable e) {
      Throwables.propagateIfFatal(e);
      // Counting must never cost the event itself.
    }
  }

  static void appendPairs(StringBuilder sb, List<KeyValuePair> pairs) {
    sb.append('{');
    boolean first = true;
    for (int i = 0, n = pairs.size(); i < n; i++) {
      KeyValuePair kv = pairs.get(i);
      if (kv == null || kv.key == null || kv.value == null) {
        continue;
      }
      if (!first) {
        sb.append(',');
      }
      first = false;
      JsonLineWriter.appendString(sb, kv.key);
      sb.append(':');
      JsonLineWriter.appendAny(sb, kv.value);
    }
    sb.append('}');
  }

  private static void appendPlain(StringBuilder sb, ILoggingEvent event) {
    sb.append("{\"timestamp\":\"");
    Timestamps.appendTo(sb, Instant.ofEpochMilli(event.getTimeStamp()));
    sb.append("\",\"log.level\":");
    JsonLineWriter.appendString(sb, String.valueOf(event.getLevel()));
    sb.append(",\"log.logger\":");
    JsonLineWriter.appendString(sb, String.valueOf(event.getLoggerName()));
    String message = event.getFormattedMessage();
    if (message != null) {
      sb.append(",\"message\":");
      JsonLineWriter.appendString(sb, message);
    }
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      sb.append(",\"error.stack_trace\":");
      JsonLineWriter.appendString(sb, ThrowableProxyUtil.asString(thrown));
    }
    sb.append('}');
  }
}
