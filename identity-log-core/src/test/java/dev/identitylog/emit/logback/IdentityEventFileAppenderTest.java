package dev.identitylog.emit.logback;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.status.Status;
import dev.identitylog.IdentityLog;
import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.emit.RestrictedFields;
import dev.identitylog.emit.Slf4jEventSink;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.internal.EventKeyValues;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.redact.Limits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appenders that write identity events straight into their file, against Logback's own
 * {@code FileAppender} with the same encoder: real Logback contexts configured from XML, real files.
 */
class IdentityEventFileAppenderTest {
  private static final String ENCODER =
      "<encoder class='dev.identitylog.emit.logback.IdentityEventEncoder'/>";

  @TempDir Path dir;
  private LoggerContext context;

  @AfterEach
  void stop() {
    if (context != null) {
      context.stop();
    }
  }

  @Test
  void everyLineIsByteIdenticalToFileAppenderWithTheEncoder() throws Exception {
    configure(
        appender("OLD", "ch.qos.logback.core.FileAppender", "old.jsonl", false)
            + appender("NEW", IdentityEventFileAppender.class.getName(), "new.jsonl", false)
            + rolling("ROLL", "roll.jsonl", "100MB", false)
            + asyncTo("ASYNC_NEW", "async.jsonl")
            + logger("identity.events", "OLD", "NEW", "ROLL", "ASYNC_NEW")
            + logger("identity.restricted", "OLD", "NEW", "ROLL", "ASYNC_NEW")
            + "<root level='INFO'>" + refs("OLD", "NEW", "ROLL", "ASYNC_NEW") + "</root>");
    IdentityLog log = IdentityLog.builder()
        .serviceName("orders")
        .restrictedFields(RestrictedFields.toSink(
                Slf4jEventSink.create(context.getLogger(RestrictedFields.DEFAULT_LOGGER)))
            .pseudonymKey("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII))
            .build())
        .addSink(Slf4jEventSink.create(context.getLogger(Slf4jEventSink.LOGGER_NAME)))
        .build();
    List<IdentityEvent> events = events();
    for (IdentityEvent e : events) {
      log.sink().emit(e);
    }
    // The library's own kind of warning, and another logger's line, on the same appenders.
    Logger other = context.getLogger("identity.internal");
    other.warn("Identity events lost by appender {}", "X", new IllegalStateException("disk"));
    context.getLogger("com.example").info("plain \"line\" caf\u00e9");
    context.stop();

    assertNoWarnings();
    byte[] old = Files.readAllBytes(dir.resolve("old.jsonl"));
    List<String> lines = lines(old);
    assertThat(lines).hasSize(2 * events.size() + 2); // general + restricted, then the two others
    assertThat(lines.get(lines.size() - 1)).contains("plain \\\"line\\\" caf\u00e9");
    assertThat(lines.stream().filter(l -> l.length() > 16 * 1024)).isNotEmpty();
    assertThat(Files.readAllBytes(dir.resolve("new.jsonl"))).isEqualTo(old);
    assertThat(Files.readAllBytes(dir.resolve("roll.jsonl"))).isEqualTo(old);
    assertThat(Files.readAllBytes(dir.resolve("async.jsonl"))).isEqualTo(old);
  }

  @Test
  void eventsLoggedBySlf4jEventSinkAreTheCanonicalLines() throws Exception {
    configure(appender("NEW", IdentityEventFileAppender.class.getName(), "new.jsonl", false)
        + logger("identity.events", "NEW"));
    Slf4jEventSink sink = Slf4jEventSink.create(context.getLogger(Slf4jEventSink.LOGGER_NAME));
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (IdentityEvent e : events()) {
      sink.emit(e);
      expected.write((JsonLineWriter.toJson(e) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    context.stop();
    assertNoWarnings();
    assertThat(Files.readAllBytes(dir.resolve("new.jsonl"))).isEqualTo(expected.toByteArray());
  }

  /** No array per line and no deferred processing: the line's bytes are no longer allocated. */
  @Test
  void anEventWrittenStraightAllocatesNeitherItsLineNorADeferredCopy() throws Exception {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    org.junit.jupiter.api.Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
    configure(appender("OLD", "ch.qos.logback.core.FileAppender", "old.jsonl", false)
        + appender("NEW", IdentityEventFileAppender.class.getName(), "new.jsonl", false)
        + logger("unused", "OLD", "NEW"));
    Logger logger = context.getLogger(Slf4jEventSink.LOGGER_NAME);
    IdentityEvent event = events().get(0);
    int lineBytes = JsonLineWriter.toUtf8Line(event).length;
    context.getMDCAdapter().put("user", "someone"); // a copy of the MDC is what deferral would make
    long old = bytesPerAppend(threads, logger, event, context.getLogger("unused").getAppender("OLD"));
    long direct = bytesPerAppend(threads, logger, event, context.getLogger("unused").getAppender("NEW"));
    assertThat(lineBytes).isGreaterThan(400);
    assertThat(direct).as("bytes per event written straight (Logback's path: %d)", old)
        .isLessThanOrEqualTo(16)
        .isLessThanOrEqualTo(old - lineBytes);
  }

  // Appends fresh events (made beforehand) to one appender: only the appender's own bytes count.
  private static long bytesPerAppend(
      com.sun.management.ThreadMXBean threads, Logger logger, IdentityEvent event,
      Appender<ILoggingEvent> appender) {
    long id = Thread.currentThread().getId();
    long best = Long.MAX_VALUE;
    for (int round = 0; round < 10; round++) {
      LoggingEvent[] fresh = new LoggingEvent[1_000];
      for (int i = 0; i < fresh.length; i++) {
        fresh[i] = new LoggingEvent(Logger.class.getName(), logger,
            ch.qos.logback.classic.Level.INFO, "identity event {}", null, new Object[] {"x"});
        fresh[i].setKeyValuePairs(new EventKeyValues(event));
      }
      long before = threads.getThreadAllocatedBytes(id);
      for (LoggingEvent e : fresh) {
        appender.doAppend(e);
      }
      best = Math.min(best, (threads.getThreadAllocatedBytes(id) - before) / fresh.length);
    }
    return best;
  }

  @Test
  void eightThreadsWriteEveryLineWholeAndOnce() throws Exception {
    configure(appender("NEW", IdentityEventFileAppender.class.getName(), "new.jsonl", false)
        + rolling("ROLL", "roll.jsonl", "100MB", false)
        + logger("identity.events", "NEW", "ROLL"));
    Slf4jEventSink sink = Slf4jEventSink.create(context.getLogger(Slf4jEventSink.LOGGER_NAME));
    List<IdentityEvent> events = events();
    Set<String> expected = new HashSet<>();
    for (IdentityEvent e : events) {
      expected.add(JsonLineWriter.toJson(e));
    }
    int threads = 8;
    int perThread = 1_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int offset = t;
      done.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < perThread; i++) {
          sink.emit(events.get((i + offset) % events.size()));
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    context.stop();
    assertNoWarnings();
    for (String file : List.of("new.jsonl", "roll.jsonl")) {
      List<String> lines = lines(Files.readAllBytes(dir.resolve(file)));
      assertThat(lines).as(file).hasSize(threads * perThread);
      assertThat(lines.stream().filter(l -> !expected.contains(l)).collect(Collectors.toList()))
          .as(file).isEmpty();
    }
  }

  @Test
  void immediateFlushPutsEachLineInTheFileAtOnce() throws Exception {
    configure(appender("NEW", IdentityEventFileAppender.class.getName(), "new.jsonl", true)
        + rolling("ROLL", "roll.jsonl", "100MB", true)
        + logger("identity.events", "NEW", "ROLL"));
    Slf4jEventSink.create(context.getLogger(Slf4jEventSink.LOGGER_NAME)).emit(events().get(0));
    String line = JsonLineWriter.toJson(events().get(0)) + "\n";
    assertThat(Files.readString(dir.resolve("new.jsonl"))).isEqualTo(line);
    assertThat(Files.readString(dir.resolve("roll.jsonl"))).isEqualTo(line);
  }

  @Test
  void withoutImmediateFlushLinesWaitInTheBufferUntilStop() throws Exception {
    configure(appender("NEW", IdentityEventFileAppender.class.getName(), "new.jsonl", false)
        + rolling("ROLL", "roll.jsonl", "100MB", false)
        + logger("identity.events", "NEW", "ROLL"));
    Slf4jEventSink.create(context.getLogger(Slf4jEventSink.LOGGER_NAME)).emit(events().get(0));
    assertThat(Files.readString(dir.resolve("new.jsonl"))).isEmpty();
    assertThat(Files.readString(dir.resolve("roll.jsonl"))).isEmpty();
    context.stop();
    String line = JsonLineWriter.toJson(events().get(0)) + "\n";
    assertThat(Files.readString(dir.resolve("new.jsonl"))).isEqualTo(line);
    assertThat(Files.readString(dir.resolve("roll.jsonl"))).isEqualTo(line);
  }

  @Test
  void appendAndBufferSizeWorkAsInFileAppender() throws Exception {
    Files.writeString(dir.resolve("new.jsonl"), "kept\n");
    configure("<appender name='NEW' class='" + IdentityEventFileAppender.class.getName() + "'>"
        + "<file>" + dir.resolve("new.jsonl") + "</file><append>true</append>"
        + "<immediateFlush>false</immediateFlush><bufferSize>1KB</bufferSize>" + ENCODER
        + "</appender>" + logger("identity.events", "NEW"));
    Slf4jEventSink sink = Slf4jEventSink.create(context.getLogger(Slf4jEventSink.LOGGER_NAME));
    IdentityEvent event = events().get(0);
    String line = JsonLineWriter.toJson(event) + "\n";
    assertThat(line.length()).isBetween(300, 1000);
    sink.emit(event);
    assertThat(Files.readString(dir.resolve("new.jsonl"))).isEqualTo("kept\n"); // in the buffer
    sink.emit(event);
    sink.emit(event);
    assertThat(Files.size(dir.resolve("new.jsonl"))).isGreaterThan(5); // past 1 KiB: written out
    context.stop();
    assertThat(Files.readString(dir.resolve("new.jsonl"))).isEqualTo("kept\n" + line + line + line);
  }

  /** A line past the retained 16 KiB buffer, between small ones: every line whole, in order. */
  @Test
  void aLineLargerThanTheRetainedBufferIsWrittenWhole() throws Exception {
    configure(appender("NEW", IdentityEventFileAppender.class.getName(), "new.jsonl", true)
        + logger("identity.events", "NEW"));
    Slf4jEventSink sink = Slf4jEventSink.create(context.getLogger(Slf4jEventSink.LOGGER_NAME));
    IdentityEvent small = events().get(0);
    IdentityEvent huge = hugeEvent();
    String expected = JsonLineWriter.toJson(small) + "\n" + JsonLineWriter.toJson(huge) + "\n"
        + JsonLineWriter.toJson(small) + "\n" + JsonLineWriter.toJson(huge) + "\n"
        + JsonLineWriter.toJson(small) + "\n";
    assertThat(JsonLineWriter.toUtf8Line(huge).length).isGreaterThan(2 * 16 * 1024);
    sink.emit(small);
    sink.emit(huge);
    sink.emit(small);
    sink.emit(huge);
    sink.emit(small);
    assertThat(Files.readString(dir.resolve("new.jsonl"))).isEqualTo(expected);
  }

  /** Size-based rolling counts the lines written straight, as RollingFileAppender counts arrays. */
  @Test
  void rollingBySizeSeesTheLinesWrittenStraight() throws Exception {
    configure(rolling("ROLL", "roll.jsonl", "8KB", false)
        + "<appender name='PLAIN' class='ch.qos.logback.core.rolling.RollingFileAppender'>"
        + "<file>" + dir.resolve("plain.jsonl") + "</file>" + policy("plain", "8KB") + ENCODER
        + "<immediateFlush>false</immediateFlush></appender>"
        + logger("identity.events", "ROLL", "PLAIN"));
    Slf4jEventSink sink = Slf4jEventSink.create(context.getLogger(Slf4jEventSink.LOGGER_NAME));
    IdentityEvent event = events().get(0);
    int lineBytes = JsonLineWriter.toUtf8Line(event).length;
    int count = 40 * 1024 / lineBytes;
    for (int i = 0; i < count; i++) {
      sink.emit(event);
    }
    context.stop();
    assertNoWarnings();
    List<Path> rolled = rolledFiles("roll");
    List<Path> plain = rolledFiles("plain");
    assertThat(rolled).hasSizeGreaterThanOrEqualTo(4).hasSameSizeAs(plain);
    long total = 0;
    for (int i = 0; i < rolled.size(); i++) {
      byte[] bytes = Files.readAllBytes(rolled.get(i));
      assertThat(bytes).as(rolled.get(i).toString()).isEqualTo(Files.readAllBytes(plain.get(i)));
      total += lines(bytes).size();
    }
    assertThat(total).isEqualTo(count);
  }

  @Test
  void prudentModeWritesThroughTheEncoderAndSaysSo() throws Exception {
    configure("<appender name='NEW' class='" + IdentityEventFileAppender.class.getName() + "'>"
        + "<file>" + dir.resolve("new.jsonl") + "</file><prudent>true</prudent>" + ENCODER
        + "</appender>" + logger("identity.events", "NEW"));
    Slf4jEventSink.create(context.getLogger(Slf4jEventSink.LOGGER_NAME)).emit(events().get(0));
    assertThat(context.getStatusManager().getCopyOfStatusList())
        .anyMatch(s -> s.getMessage().startsWith("Prudent mode: every event goes through the encoder"));
    context.stop();
    assertThat(Files.readString(dir.resolve("new.jsonl")))
        .isEqualTo(JsonLineWriter.toJson(events().get(0)) + "\n");
  }

  // --- configuration

  private void configure(String appendersAndLoggers) throws Exception {
    context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    String xml = "<configuration>" + appendersAndLoggers + "</configuration>";
    configurator.doConfigure(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    assertNoWarnings();
  }

  private void assertNoWarnings() {
    assertThat(context.getStatusManager().getCopyOfStatusList())
        .noneMatch(s -> s.getLevel() >= Status.WARN);
  }

  private String appender(String name, String type, String file, boolean immediateFlush) {
    return "<appender name='" + name + "' class='" + type + "'><file>" + dir.resolve(file)
        + "</file><append>false</append><immediateFlush>" + immediateFlush + "</immediateFlush>"
        + ENCODER + "</appender>";
  }

  private String rolling(String name, String file, String maxFileSize, boolean immediateFlush) {
    String base = file.substring(0, file.indexOf('.'));
    return "<appender name='" + name + "' class='" + IdentityEventRollingFileAppender.class.getName()
        + "'><file>" + dir.resolve(file) + "</file><immediateFlush>" + immediateFlush
        + "</immediateFlush>" + policy(base, maxFileSize) + ENCODER + "</appender>";
  }

  private String policy(String base, String maxFileSize) {
    return "<rollingPolicy class='ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy'>"
        + "<fileNamePattern>" + dir.resolve(base) + ".%d{yyyy-MM-dd}.%i.jsonl</fileNamePattern>"
        + "<maxFileSize>" + maxFileSize + "</maxFileSize>"
        + "</rollingPolicy>";
  }

  private String asyncTo(String name, String file) {
    return appender(name + "_FILE", IdentityEventFileAppender.class.getName(), file, false)
        + "<appender name='" + name + "' class='ch.qos.logback.classic.AsyncAppender'>"
        + "<neverBlock>false</neverBlock><discardingThreshold>0</discardingThreshold>"
        + "<appender-ref ref='" + name + "_FILE'/></appender>";
  }

  private static String logger(String name, String... appenders) {
    return "<logger name='" + name + "' level='INFO' additivity='false'>" + refs(appenders)
        + "</logger>";
  }

  private static String refs(String... appenders) {
    return Arrays.stream(appenders)
        .map(a -> "<appender-ref ref='" + a + "'/>")
        .collect(Collectors.joining());
  }

  // The rolled files of one appender, oldest first, then its active file.
  private List<Path> rolledFiles(String base) throws Exception {
    try (var files = Files.list(dir)) {
      List<Path> rolled = files
          .filter(p -> p.getFileName().toString().startsWith(base + ".")
              && !p.getFileName().toString().equals(base + ".jsonl"))
          .sorted((a, b) -> Integer.compare(index(a), index(b)))
          .collect(Collectors.toList());
      rolled.add(dir.resolve(base + ".jsonl"));
      return rolled;
    }
  }

  private static int index(Path rolled) {
    String[] parts = rolled.getFileName().toString().split("\\.");
    return Integer.parseInt(parts[parts.length - 2]);
  }

  private static List<String> lines(byte[] bytes) {
    String s = new String(bytes, StandardCharsets.UTF_8);
    assertThat(s).endsWith("\n");
    return Arrays.asList(s.substring(0, s.length() - 1).split("\n", -1));
  }

  // --- events: server, client, with claims and restricted values, non-ASCII, very long

  private static List<IdentityEvent> events() {
    List<IdentityEvent> events = new ArrayList<>();
    events.add(server(EventOutcome.SUCCESS));
    events.add(server(EventOutcome.FAILURE).toBuilder()
        .set(Fields.TOKEN_SUBJECT, "alice@example.com")
        .set(Fields.TOKEN_CLIENT_ID, "orders-web")
        .claim("tenant", "acme \"corp\"")
        .claim("t\u00e9nant", "\u6771\u4eac")
        .build());
    events.add(server(EventOutcome.UNKNOWN).toBuilder()
        .set(Fields.EVENT_NAME, EventName.CLIENT)
        .set(Fields.URL_PATH, "/caf\u00e9/\u6771\u4eac/\ud83d\udd11/\"q\"/back\\slash/line\nbreak\u2028")
        .set(Fields.TOKEN_AUDIENCE, List.of("a\"b", "\u00e9", "x\ty"))
        .build());
    events.add(hugeEvent());
    Random random = new Random(11);
    for (int i = 0; i < 40; i++) {
      IdentityEvent.Builder b = server(EventOutcome.FAILURE).toBuilder(Limits.of(4096, 16, 8192));
      b.set(Fields.URL_PATH, randomString(random, 1 + random.nextInt(i < 20 ? 40 : 4000)));
      b.set(Fields.TOKEN_SUBJECT, randomString(random, 1 + random.nextInt(40)));
      b.set(Fields.TOKEN_ACTOR_CHAIN, List.of(randomString(random, 8), randomString(random, 8)));
      b.claim("c" + random.nextInt(5), randomString(random, 20));
      events.add(b.build());
    }
    return events;
  }

  private static IdentityEvent server(EventOutcome outcome) {
    return IdentityEvent.builder()
        .set(Fields.TIMESTAMP, Instant.parse("2026-11-28T09:00:00.123Z"))
        .set(Fields.EVENT_NAME, EventName.SERVER)
        .set(Fields.SCHEMA, Fields.SCHEMA_VERSION)
        .set(Fields.SERVICE_NAME, "orders")
        .set(Fields.TRACE_ID, "4bf92f3577b34da6a3ce929d0e0e4736")
        .set(Fields.SPAN_ID, "00f067aa0ba902b7")
        .set(Fields.REQUEST_ID, "req-1")
        .set(Fields.HTTP_REQUEST_METHOD, "GET")
        .set(Fields.URL_PATH, "/orders/42")
        .set(Fields.HTTP_RESPONSE_STATUS_CODE, 200L)
        .set(Fields.EVENT_DURATION, 1_234_567L)
        .set(Fields.EVENT_OUTCOME, outcome)
        .set(Fields.TOKEN_ISSUER, "https://issuer.example")
        .set(Fields.TOKEN_SCOPES, List.of("read", "write"))
        .set(Fields.TOKEN_VERIFIED, true)
        .set(Fields.TOKEN_EXPIRES_AT, Instant.parse("2026-11-28T10:00:00Z"))
        .build();
  }

  private static IdentityEvent hugeEvent() {
    StringBuilder path = new StringBuilder("/");
    for (int i = 0; i < 30_000; i++) {
      path.append(i % 7 == 0 ? '\u00e9' : (char) ('a' + i % 26));
    }
    return server(EventOutcome.SUCCESS).toBuilder(Limits.of(100_000, 16, 8192))
        .set(Fields.URL_PATH, path.toString())
        .build();
  }

  private static String randomString(Random random, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append((char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0x10000)));
    }
    return sb.toString();
  }
}
