package dev.identitylog.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.identitylog.emit.Slf4jEventSink;
import dev.identitylog.emit.logback.IdentityEventEncoder;
import dev.identitylog.emit.logback.IdentityEventFileAppender;
import java.io.OutputStream;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Configures the process's Logback the way core's README tells users to: logger {@code
 * identity.events} at INFO, not additive, into the recommended {@link IdentityEventFileAppender}
 * with the shipped {@link IdentityEventEncoder}, {@code immediateFlush=false} (no {@code
 * AsyncAppender}: asynchronous emission is measured through the library's own queue). Done in code
 * rather than a {@code logback.xml} so that every run names its own file. Logback's own {@code
 * OutputStreamAppender} with the same encoder, the path every event took before that appender,
 * stays available beside it ({@link #identityEventsThroughEncoderTo}).
 */
public final class Logging {
  private Logging() {}

  /** The process's Logback context, emptied of any configuration. */
  public static LoggerContext reset() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
    return context;
  }

  /** Identity events into a file, buffered: what a service writing JSON lines to disk pays. */
  public static void identityEventsToFile(LoggerContext context, Path file) {
    IdentityEventFileAppender appender = new IdentityEventFileAppender();
    appender.setName("FILE-" + file.getFileName());
    startFile(appender, context, file, identityEncoder(context));
    route(context, Slf4jEventSink.LOGGER_NAME, Level.INFO, appender);
  }

  /**
   * Identity events into a stream (a counting one in benchmarks) through the recommended {@link
   * IdentityEventFileAppender}: started on {@code /dev/null} as a user's would be on a file, then
   * handed {@code out} with Logback's own {@code setOutputStream}, so every line it writes lands
   * in {@code out} and nothing on a disk.
   */
  public static void identityEventsTo(LoggerContext context, OutputStream out) {
    IdentityEventFileAppender appender = new IdentityEventFileAppender();
    appender.setName("IDENTITY");
    startFile(appender, context, Path.of("/dev/null"), identityEncoder(context));
    appender.setOutputStream(out);
    route(context, Slf4jEventSink.LOGGER_NAME, Level.INFO, appender);
  }

  /**
   * Logger {@code name}'s identity events into a stream through Logback's own {@code
   * OutputStreamAppender} and the shipped encoder: a {@code byte[]} per line and the event
   * prepared for deferred processing, as with the {@code FileAppender} configuration.
   */
  public static void identityEventsThroughEncoderTo(
      LoggerContext context, String name, OutputStream out) {
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setName("IDENTITY-ENCODER");
    appender.setEncoder(identityEncoder(context));
    appender.setImmediateFlush(false);
    appender.setOutputStream(out);
    appender.start();
    route(context, name, Level.INFO, appender);
  }

  /** Any logger's lines into a buffered file with this encoder. */
  public static void loggerToFile(
      LoggerContext context, String logger, Level level, Path file, Encoder<ILoggingEvent> encoder) {
    route(context, logger, level, fileAppender(context, file, encoder));
  }

  /** A {@code %msg%n} encoder: the line exactly as the logging code formatted it. */
  public static Encoder<ILoggingEvent> messageOnly(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%msg%n");
    encoder.start();
    return encoder;
  }

  private static IdentityEventEncoder identityEncoder(LoggerContext context) {
    IdentityEventEncoder encoder = new IdentityEventEncoder();
    encoder.setContext(context);
    encoder.start();
    return encoder;
  }

  private static FileAppender<ILoggingEvent> fileAppender(
      LoggerContext context, Path file, Encoder<ILoggingEvent> encoder) {
    FileAppender<ILoggingEvent> appender = new FileAppender<>();
    appender.setName("FILE-" + file.getFileName());
    startFile(appender, context, file, encoder);
    return appender;
  }

  private static void startFile(FileAppender<ILoggingEvent> appender, LoggerContext context,
      Path file, Encoder<ILoggingEvent> encoder) {
    appender.setContext(context);
    appender.setFile(file.toString());
    appender.setAppend(false);
    appender.setImmediateFlush(false);
    appender.setEncoder(encoder);
    appender.start();
    if (!appender.isStarted()) {
      throw new IllegalStateException("appender " + appender.getName() + " did not start");
    }
  }

  private static void route(
      LoggerContext context, String name, Level level, Appender<ILoggingEvent> appender) {
    Logger logger = context.getLogger(name);
    logger.setLevel(level);
    logger.setAdditive(false);
    logger.addAppender(appender);
  }
}
