package dev.identitylog.emit.logback;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.emit.Slf4jEventSink;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.outcome.EventOutcome;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityEventEncoderTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;
  private LoggerContext context;
  private Path file;

  /** Configures Logback from XML the way a user would, writing to a file. */
  @BeforeEach
  void configure() throws Exception {
    file = dir.resolve("identity.log");
    String xml =
        "<configuration>\n"
            + "  <appender name='IDENTITY' class='ch.qos.logback.core.FileAppender'>\n"
            + "    <file>" + file + "</file>\n"
            + "    <encoder class='dev.identitylog.emit.logback.IdentityEventEncoder'/>\n"
            + "  </appender>\n"
            + "  <logger name='identity.events' level='INFO' additivity='false'>\n"
            + "    <appender-ref ref='IDENTITY'/>\n"
            + "  </logger>\n"
            + "  <root level='INFO'><appender-ref ref='IDENTITY'/></root>\n"
            + "</configuration>\n";
    context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    assertThat(context.getStatusManager().getCopyOfStatusList())
        .noneMatch(s -> s.getLevel() >= ch.qos.logback.core.status.Status.WARN);
  }

  @AfterEach
  void stop() {
    context.stop();
  }

  private byte[] written() throws Exception {
    context.stop(); // flushes and closes the file
    assertThat(context.getStatusManager().getCopyOfStatusList())
        .noneMatch(s -> s.getLevel() >= ch.qos.logback.core.status.Status.WARN);
    return Files.readAllBytes(file);
  }

  @Test
  void eventsThroughSlf4jEventSinkAreByteIdenticalToTheCanonicalLine() throws Exception {
    List<IdentityEvent> events = new ArrayList<>();
    events.add(sample(EventOutcome.SUCCESS));
    events.add(sample(EventOutcome.FAILURE));
    events.add(tricky());
    Random random = new Random(7);
    for (int i = 0; i < 50; i++) {
      events.add(randomStrings(random));
    }
    Slf4jEventSink sink = Slf4jEventSink.create(context.getLogger(Slf4jEventSink.LOGGER_NAME));
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (IdentityEvent e : events) {
      sink.emit(e);
      expected.write((JsonLineWriter.toJson(e) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    byte[] actual = written();
    assertThat(new String(actual, StandardCharsets.UTF_8))
        .isEqualTo(new String(expected.toByteArray(), StandardCharsets.UTF_8));
    assertThat(actual).isEqualTo(expected.toByteArray());
  }

  @Test
  void eventsWithoutKeyValuePairsArePlainJsonLines() throws Exception {
    Logger other = context.getLogger("com.example.Other");
    long before = System.currentTimeMillis();
    other.info("hello {} \"quoted\"\nnext", "world");
    other.warn("boom", new IllegalStateException("bad state"));
    List<String> lines = lines(written());
    assertThat(lines).hasSize(2);

    JsonNode first = MAPPER.readTree(lines.get(0));
    List<String> keys = new ArrayList<>();
    first.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactly("timestamp", "log.level", "log.logger", "message");
    assertThat(first.get("log.level").textValue()).isEqualTo("INFO");
    assertThat(first.get("log.logger").textValue()).isEqualTo("com.example.Other");
    assertThat(first.get("message").textValue()).isEqualTo("hello world \"quoted\"\nnext");
    Instant ts = Instant.parse(first.get("timestamp").textValue());
    assertThat(ts.toEpochMilli()).isBetween(before, System.currentTimeMillis());
    assertThat(first.get("timestamp").textValue()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

    JsonNode second = MAPPER.readTree(lines.get(1));
    assertThat(second.get("log.level").textValue()).isEqualTo("WARN");
    assertThat(second.get("error.stack_trace").textValue())
        .startsWith("java.lang.IllegalStateException: bad state")
        .contains("eventsWithoutKeyValuePairsArePlainJsonLines");
  }

  @Test
  void otherKeyValueTypes() throws Exception {
    Logger other = context.getLogger("kv");
    other.atInfo()
        .addKeyValue("i", 7)
        .addKeyValue("d", 1.5)
        .addKeyValue("nan", Double.NaN)
        .addKeyValue("big", new BigDecimal("12345678901234567890.5"))
        .addKeyValue("skipped", (Object) null)
        .addKeyValue("nested", Arrays.asList(1L, null, "x", List.of(true)))
        .addKeyValue("obj", new Object() {
          @Override
          public String toString() {
            return "custom\u2028";
          }
        })
        .log("ignored message");
    String line = lines(written()).get(0);
    assertThat(line)
        .isEqualTo(
            "{\"i\":7,\"d\":1.5,\"nan\":\"NaN\",\"big\":12345678901234567890.5,"
                + "\"nested\":[1,\"x\",[true]],\"obj\":\"custom\\u2028\"}");
  }

  /**
   * The shipped pipeline (Slf4jEventSink, Logback, this encoder, an OutputStreamAppender) allocates
   * little beyond the line's own bytes: no pair per field, no time strings, no intermediate String.
   * Measured on this thread, warm, as the JMH pipeline benchmark's -prof gc does.
   */
  @Test
  void anEventCostsLittleMoreThanItsLineInAllocation() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    org.junit.jupiter.api.Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
    LoggerContext quiet = new LoggerContext();
    quiet.setMDCAdapter(new LogbackMDCAdapter());
    quiet.start();
    ch.qos.logback.core.OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
        new ch.qos.logback.core.OutputStreamAppender<>();
    appender.setContext(quiet);
    IdentityEventEncoder encoder = new IdentityEventEncoder();
    encoder.setContext(quiet);
    encoder.start();
    appender.setEncoder(encoder);
    appender.setOutputStream(java.io.OutputStream.nullOutputStream());
    appender.start();
    Logger logger = quiet.getLogger(Slf4jEventSink.LOGGER_NAME);
    logger.setAdditive(false);
    logger.addAppender(appender);
    Slf4jEventSink sink = Slf4jEventSink.create(logger);
    IdentityEvent event = sample(EventOutcome.FAILURE);
    int lineBytes = (JsonLineWriter.toJson(event) + "\n").getBytes(StandardCharsets.UTF_8).length;
    long perEvent = Long.MAX_VALUE;
    try {
      for (int round = 0; round < 20 && perEvent > lineBytes + 448; round++) {
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 2_000; i++) {
          sink.emit(event);
        }
        perEvent = Math.min(perEvent, (threads.getThreadAllocatedBytes(id) - before) / 2_000);
      }
    } finally {
      quiet.stop();
    }
    // Today: the line, Logback's own event and timestamp, the summary message, two small views.
    assertThat(perEvent).as("bytes allocated per event, line %d bytes", lineBytes)
        .isLessThanOrEqualTo(lineBytes + 448);
  }

  @Test
  void headerAndFooterAreEmpty() {
    IdentityEventEncoder encoder = new IdentityEventEncoder();
    assertThat(encoder.headerBytes()).isNull();
    assertThat(encoder.footerBytes()).isNull();
  }

  private static List<String> lines(byte[] bytes) {
    String s = new String(bytes, StandardCharsets.UTF_8);
    assertThat(s).endsWith("\n");
    return Arrays.asList(s.substring(0, s.length() - 1).split("\n", -1));
  }

  private static IdentityEvent sample(EventOutcome outcome) {
    return IdentityEvent.builder()
        .set(Fields.TIMESTAMP, Instant.parse("2026-11-28T09:00:00.123Z"))
        .set(Fields.EVENT_NAME, EventName.SERVER)
        .set(Fields.SCHEMA, Fields.SCHEMA_VERSION)
        .set(Fields.SERVICE_NAME, "orders")
        .set(Fields.TRACE_ID, "4bf92f3577b34da6a3ce929d0e0e4736")
        .set(Fields.SPAN_ID, "00f067aa0ba902b7")
        .set(Fields.REQUEST_ID, "req-1")
        .set(Fields.HTTP_RESPONSE_STATUS_CODE, 200L)
        .set(Fields.EVENT_DURATION, Long.MAX_VALUE)
        .set(Fields.EVENT_OUTCOME, outcome)
        .set(Fields.TOKEN_SCOPES, List.of("read", "write"))
        .set(Fields.TOKEN_VERIFIED, false)
        .set(Fields.TOKEN_EXPIRES_AT, Instant.parse("2026-11-28T10:00:00Z"))
        .build();
  }

  private static IdentityEvent tricky() {
    return sample(EventOutcome.UNKNOWN).toBuilder()
        .set(Fields.URL_PATH, "/caf\u00e9/\u6771\u4eac/\ud83d\udd11/\"q\"/back\\slash/line\nbreak\u2028")
        .set(Fields.TOKEN_AUDIENCE, List.of("a\"b", "\u00e9", "x\ty"))
        .claim("t\u00e9nant", "acme \"corp\"")
        .build();
  }

  private static IdentityEvent randomStrings(Random random) {
    IdentityEvent.Builder b = sample(EventOutcome.FAILURE).toBuilder();
    b.set(Fields.URL_PATH, randomString(random));
    b.set(Fields.TOKEN_SUBJECT, randomString(random));
    b.set(Fields.TOKEN_ACTOR_CHAIN, List.of(randomString(random), randomString(random)));
    b.claim("c" + random.nextInt(5), randomString(random));
    return b.build();
  }

  private static String randomString(Random random) {
    int n = 1 + random.nextInt(40);
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append((char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0x10000)));
    }
    return sb.toString();
  }
}
