package dev.identitylog.emit;

import dev.identitylog.event.IdentityEvent;
import dev.identitylog.internal.EventKeyValues;
import dev.identitylog.internal.LogbackContexts;
import java.util.List;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;

/**
 * One identity event as the SLF4J logging event handed to Logback, which takes it whole ({@code
 * LoggingEventAware}). The key-value pairs are a lazy view of the event ({@link EventKeyValues}),
 * built only when an encoder other than the shipped one reads them. The message is the one-line
 * summary without arguments: Logback's {@code OutputStreamAppender} formats every event's message
 * before encoding it (prepareForDeferredProcessing), so a lazily formatted message would cost more,
 * not less. An appender sees the same message and pairs as through the fluent API.
 */
final class Slf4jRecord implements LoggingEvent {
  private final Level level;
  private final String loggerName;
  private final IdentityEvent event;
  private final String message;

  Slf4jRecord(Level level, String loggerName, IdentityEvent event) {
    this.level = level;
    this.loggerName = loggerName;
    this.event = event;
    this.message = Summary.of(event);
  }

  @Override
  public Level getLevel() {
    return level;
  }

  @Override
  public String getLoggerName() {
    return loggerName;
  }

  @Override
  public String getMessage() {
    return message;
  }

  /** None: the summary is the whole message, so braces in its values are never placeholders. */
  @Override
  public List<Object> getArguments() {
    return null;
  }

  @Override
  public Object[] getArgumentArray() {
    return null;
  }

  @Override
  public List<Marker> getMarkers() {
    return null;
  }

  @Override
  public List<KeyValuePair> getKeyValuePairs() {
    return new EventKeyValues(event);
  }

  @Override
  public Throwable getThrowable() {
    return null;
  }

  /** Logback stamps its own event; as for SLF4J's own builder, no time is set here. */
  @Override
  public long getTimeStamp() {
    return 0;
  }

  @Override
  public String getThreadName() {
    return null;
  }

  /** Caller data, when an appender asks for it, names the sink's caller of Logback's logger. */
  @Override
  public String getCallerBoundary() {
    return LogbackContexts.LOGGER_CLASS;
  }

  @Override
  public String toString() {
    return "Slf4jRecord{" + level + " " + message + "}";
  }
}
