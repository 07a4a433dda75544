package dev.identitylog.emit;

import dev.identitylog.event.IdentityEvent;
import dev.identitylog.internal.EventKeyValues;
import dev.identitylog.internal.LogbackContexts;
import java.util.Collections;
import java.util.List;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;

/**
 * One identity event as the SLF4J logging event handed to Logback, which takes it whole ({@code
 * LoggingEventAware}). Nothing is built up front: the key-value pairs are a lazy view of the event
 * ({@link EventKeyValues}), and the message is {@code "{}"} with this record as its only argument,
 * whose {@link #toString()} is the one-line summary, so the summary is only formatted when an
 * appender reads the message. An appender that does sees the same summary, and one that reads the
 * pairs sees the same pairs, as through the fluent API.
 */
final class Slf4jRecord implements LoggingEvent {
  private static final String MESSAGE = "{}";

  private final Level level;
  private final String loggerName;
  private final IdentityEvent event;
  private final Object[] arguments;
  private String summary; // formatted at most once per reading thread; always the same text

  Slf4jRecord(Level level, String loggerName, IdentityEvent event) {
    this.level = level;
    this.loggerName = loggerName;
    this.event = event;
    this.arguments = new Object[] {this};
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
    return MESSAGE;
  }

  @Override
  public List<Object> getArguments() {
    return Collections.singletonList(this);
  }

  @Override
  public Object[] getArgumentArray() {
    return arguments;
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

  /** The one-line summary: the formatted message. */
  @Override
  public String toString() {
    String s = summary;
    if (s == null) {
      s = Summary.of(event);
      summary = s;
    }
    return s;
  }
}
