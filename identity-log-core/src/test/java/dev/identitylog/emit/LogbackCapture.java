package dev.identitylog.emit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;

/** A private Logback context with one logger feeding a list appender. */
final class LogbackCapture {
  final LoggerContext context = new LoggerContext();
  final Logger logger;
  final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  LogbackCapture(String name, Level level) {
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    context.start();
    appender.setContext(context);
    appender.start();
    logger = context.getLogger(name);
    logger.setLevel(level);
    logger.setAdditive(false);
    logger.addAppender(appender);
  }

  List<ILoggingEvent> events() {
    return appender.list;
  }
}
