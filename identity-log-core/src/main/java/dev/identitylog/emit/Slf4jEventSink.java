package dev.identitylog.emit;

import dev.identitylog.event.Field;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.internal.EventKeyValues;
import dev.identitylog.internal.LogbackContexts;
import dev.identitylog.internal.LossCounter;
import dev.identitylog.outcome.EventOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventAware;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Logs each event through SLF4J: INFO when {@code event.outcome} is {@code success}, WARN
 * otherwise (failure, unknown, or absent: an event that cannot say it succeeded deserves a look).
 * Every field is a key-value pair of the SLF4J 2 fluent API, in canonical order; the message is a
 * one-line summary. With {@link dev.identitylog.emit.logback.IdentityEventEncoder} on the
 * appender, the output is exactly the canonical JSON line.
 *
 * <p>Values are passed as {@code String}, {@code Long}, {@code Boolean} and {@code List<String>};
 * times as their RFC 3339 string and coded values as their code, so any structured encoder writes
 * what the standard says without knowing this library's types.
 *
 * <p>On Logback the event is handed over whole, and the pairs are built only when an appender's
 * encoder reads them: the shipped encoder does not, it writes the event straight into bytes, while
 * any other encoder or layout sees the same pairs and message as above. This is the default
 * because it costs other encoders nothing and cuts the shipped pipeline's allocation per event to
 * about a third (docs/performance.md). Other SLF4J backends get the pairs through the fluent API.
 */
public final class Slf4jEventSink implements EventSink {
  /** The logger events are written to by default. */
  public static final String LOGGER_NAME = "identity.events";

  private final Logger logger;
  private final LossCounter backendLosses;
  // Logback's logger, which takes a whole SLF4J event; null for any other backend.
  private final LoggingEventAware logback;

  private Slf4jEventSink(Logger logger) {
    this.logger = logger;
    this.backendLosses = backendLosses(logger);
    this.logback =
        LogbackContexts.LOGGER_CLASS.equals(logger.getClass().getName())
                && logger instanceof LoggingEventAware
            ? (LoggingEventAware) logger
            : null;
  }

  /**
   * Where Logback's appenders count what they lose without throwing (see {@link
   * dev.identitylog.emit.logback.IdentityEventEncoder}), or {@code null} with another backend.
   * The logger's class is compared by name first, so that no Logback class is loaded unless Logback
   * is the backend: it is optional.
   */
  private static LossCounter backendLosses(Logger logger) {
    try {
      if (!LogbackContexts.LOGGER_CLASS.equals(logger.getClass().getName())) {
        return null;
      }
      return LossCounter.of(LogbackContexts.contextOf(logger));
    } catch (LinkageError | RuntimeException e) {
      // Logback's logger from a class loader that cannot see Logback here: nothing to follow.
      return null;
    }
  }

  LossCounter backendLosses() {
    return backendLosses;
  }

  /** A sink writing to the logger {@value #LOGGER_NAME}. */
  public static Slf4jEventSink create() {
    return new Slf4jEventSink(LoggerFactory.getLogger(LOGGER_NAME));
  }

  /** A sink writing to the given logger. */
  public static Slf4jEventSink create(Logger logger) {
    if (logger == null) {
      throw new NullPointerException("logger");
    }
    return new Slf4jEventSink(logger);
  }

  @Override
  public void emit(IdentityEvent event) {
    boolean success = event.get(Fields.EVENT_OUTCOME) == EventOutcome.SUCCESS;
    // Check first: when the level is off, neither the pairs nor the summary are built.
    if (success ? !logger.isInfoEnabled() : !logger.isWarnEnabled()) {
      return;
    }
    if (logback != null) {
      logback.log(new Slf4jRecord(success ? Level.INFO : Level.WARN, logger.getName(), event));
      return;
    }
    LoggingEventBuilder builder = success ? logger.atInfo() : logger.atWarn();
    event.forEach(new KeyValues(builder));
    builder.setMessage(Summary.of(event)).log();
  }

  @Override
  public String toString() {
    return "Slf4jEventSink{" + logger.getName() + "}";
  }

  /** The value as handed to SLF4J: plain JSON-like types only. */
  static Object plainValue(Field<?> field, Object value) {
    return EventKeyValues.plainValue(field, value);
  }

  private static final class KeyValues implements IdentityEvent.FieldVisitor {
    private final LoggingEventBuilder builder;

    KeyValues(LoggingEventBuilder builder) {
      this.builder = builder;
    }

    @Override
    public void visit(Field<?> field, Object value) {
      builder.addKeyValue(field.key(), plainValue(field, value));
    }

    @Override
    public void visitClaim(String key, String value) {
      builder.addKeyValue(key, value);
    }
  }
}
