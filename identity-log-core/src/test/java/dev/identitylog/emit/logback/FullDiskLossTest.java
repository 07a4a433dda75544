package dev.identitylog.emit.logback;

import dev.identitylog.internal.exchange.ServerExchange;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.status.Status;
import dev.identitylog.IdentityLog;
import dev.identitylog.emit.GuardedEventSink;
import dev.identitylog.emit.Slf4jEventSink;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.protocol.ServerRequest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The README's Logback configuration writing to a full disk ({@code /dev/full}): Logback's file
 * stream swallows the failure, so without the encoder's accounting every event would vanish with
 * {@code droppedEvents() == 0}. The same with the appenders that write identity events straight
 * into their stream.
 */
class FullDiskLossTest {
  private static final int EVENTS = 300;
  private static final String DIRECT = IdentityEventFileAppender.class.getName();

  private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();
  private ch.qos.logback.classic.Logger internal;
  private LoggerContext context;
  private int pauseEvery = EVENTS;

  @BeforeEach
  void captureInternalWarnings() {
    // GuardedEventSink warns on the process-wide identity.internal logger; other tests may use it
    // too, so only the warnings about appenders are looked at.
    LoggerContext global = (LoggerContext) LoggerFactory.getILoggerFactory();
    internal = global.getLogger(GuardedEventSink.INTERNAL_LOGGER);
    warnings.setContext(global);
    warnings.start();
    internal.addAppender(warnings);
  }

  @AfterEach
  void release() {
    internal.detachAppender(warnings);
    if (context != null) {
      context.stop();
    }
  }

  @Test
  void plainFileAppenderOnAFullDisk() throws Exception {
    assertLossCountedAndReported(
        file(false) + "<logger name='identity.events' level='INFO' additivity='false'>"
            + "<appender-ref ref='IDENTITY'/></logger>");
  }

  @Test
  void plainFileAppenderWithImmediateFlush() throws Exception {
    assertLossCountedAndReported(
        file(true) + "<logger name='identity.events' level='INFO' additivity='false'>"
            + "<appender-ref ref='IDENTITY'/></logger>");
  }

  @Test
  void behindAsyncAppenderThatNeverBlocks() throws Exception {
    assertLossCountedAndReported(file(false) + async(true));
  }

  @Test
  void behindAsyncAppenderThatBlocks() throws Exception {
    assertLossCountedAndReported(file(false) + async(false));
  }

  @Test
  void directAppenderOnAFullDisk() throws Exception {
    assertLossCountedAndReported(
        file(DIRECT, false) + "<logger name='identity.events' level='INFO' additivity='false'>"
            + "<appender-ref ref='IDENTITY'/></logger>");
  }

  @Test
  void directAppenderWithImmediateFlush() throws Exception {
    assertLossCountedAndReported(
        file(DIRECT, true) + "<logger name='identity.events' level='INFO' additivity='false'>"
            + "<appender-ref ref='IDENTITY'/></logger>");
  }

  /**
   * Pauses let Logback reopen the file between failures (its recovery backs off from 20 ms); the
   * reopened stream's buffer is the JDK's 8 KiB whatever the appender's bufferSize.
   */
  @Test
  void directAppenderWithASmallBufferSetOnTheAppenderOnly() throws Exception {
    pauseEvery = 40;
    assertLossCountedAndReported(
        "<appender name='IDENTITY' class='" + DIRECT + "'><file>/dev/full</file>"
            + "<immediateFlush>false</immediateFlush><bufferSize>2KB</bufferSize>"
            + "<encoder class='dev.identitylog.emit.logback.IdentityEventEncoder'/></appender>"
            + "<logger name='identity.events' level='INFO' additivity='false'>"
            + "<appender-ref ref='IDENTITY'/></logger>");
  }

  @Test
  void directAppenderBehindAsyncAppenderThatNeverBlocks() throws Exception {
    assertLossCountedAndReported(file(DIRECT, false) + async(true));
  }

  @Test
  void directAppenderBehindAsyncAppenderThatBlocks() throws Exception {
    assertLossCountedAndReported(file(DIRECT, false) + async(false));
  }

  @Test
  void aWorkingFileLosesNothing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    String path = dir.resolve("events.jsonl").toString();
    IdentityLog log = configure(
        "<appender name='IDENTITY' class='ch.qos.logback.core.FileAppender'><file>" + path
            + "</file><immediateFlush>false</immediateFlush>"
            + "<encoder class='dev.identitylog.emit.logback.IdentityEventEncoder'/></appender>"
            + async(true));
    emit(log, EVENTS);
    context.stop();
    assertThat(java.nio.file.Files.readAllLines(java.nio.file.Path.of(path))).hasSize(EVENTS);
    assertThat(log.droppedEvents()).isZero();
    assertThat(appenderWarnings()).isEmpty();
  }

  private void assertLossCountedAndReported(String config) throws Exception {
    IdentityLog log = configure(config);
    for (int sent = 0; sent < EVENTS - 1; sent += pauseEvery) {
      emit(log, Math.min(pauseEvery, EVENTS - 1 - sent));
      if (pauseEvery < EVENTS) {
        Thread.sleep(60);
      }
    }
    // Behind an AsyncAppender the file fails on Logback's worker thread, after the emits returned;
    // the guard reports a loss on the next emit once it has been counted.
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (log.droppedEvents() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    emit(log, 1);
    context.stop(); // drains an AsyncAppender, then closes the file
    List<String> logbackErrors = context.getStatusManager().getCopyOfStatusList().stream()
        .filter(s -> s.getLevel() == Status.ERROR)
        .map(s -> String.valueOf(s.getThrowable()))
        .collect(Collectors.toList());
    assertThat(logbackErrors).anyMatch(m -> m.contains("No space left on device"));

    assertThat(log.droppedEvents()).isEqualTo(EVENTS);
    assertThat(log.internalErrors()).isZero();
    assertThat(appenderWarnings())
        .hasSize(1) // rate limited: one a minute
        .first()
        .asString()
        .matches("Identity events lost by appender IDENTITY; \\d+ event\\(s\\) dropped so far; "
            + "last error: java.io.IOException: No space left on device");
  }

  private IdentityLog configure(String appenders) throws Exception {
    context = new LoggerContext();
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    String xml = "<configuration>" + appenders + "</configuration>";
    configurator.doConfigure(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    assertThat(context.getLogger("identity.events").getLevel()).isEqualTo(Level.INFO);
    return IdentityLog.builder()
        .serviceName("full-disk")
        .addSink(Slf4jEventSink.create(context.getLogger(Slf4jEventSink.LOGGER_NAME)))
        .build();
  }

  private static void emit(IdentityLog log, int events) {
    ServerRequest request = name -> "X-Request-ID".equalsIgnoreCase(name) ? "req-1" : null;
    for (int i = 0; i < events; i++) {
      IdentityEvent e = ServerExchange.start(log, request).finishHttp(i % 3 == 0 ? 403 : 200, null, null);
      assertThat(e).isNotNull();
    }
  }

  private List<String> appenderWarnings() {
    return warnings.list.stream()
        .map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.startsWith("Identity events lost by appender"))
        .collect(Collectors.toList());
  }

  private static String file(boolean immediateFlush) {
    return file("ch.qos.logback.core.FileAppender", immediateFlush);
  }

  private static String file(String type, boolean immediateFlush) {
    return "<appender name='IDENTITY' class='" + type + "'>"
        + "<file>/dev/full</file><immediateFlush>" + immediateFlush + "</immediateFlush>"
        + "<encoder class='dev.identitylog.emit.logback.IdentityEventEncoder'/></appender>";
  }

  private static String async(boolean neverBlock) {
    return "<appender name='IDENTITY_ASYNC' class='ch.qos.logback.classic.AsyncAppender'>"
        + "<neverBlock>" + neverBlock + "</neverBlock><discardingThreshold>0</discardingThreshold>"
        + "<queueSize>1024</queueSize>"
        + "<appender-ref ref='IDENTITY'/></appender>"
        + "<logger name='identity.events' level='INFO' additivity='false'>"
        + "<appender-ref ref='IDENTITY_ASYNC'/></logger>";
  }
}
