package dev.identitylog.emit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.outcome.EventOutcome;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.event.KeyValuePair;

class Slf4jEventSinkTest {
  @Test
  void defaultLoggerIsIdentityEvents() {
    assertThat(Slf4jEventSink.create().toString()).contains("identity.events");
  }

  @Test
  void successIsInfo() {
    LogbackCapture capture = new LogbackCapture("t.success", Level.INFO);
    Slf4jEventSink.create(capture.logger).emit(TestEvents.ok());
    assertThat(capture.events()).singleElement().extracting(ILoggingEvent::getLevel).isEqualTo(Level.INFO);
  }

  @Test
  void failureUnknownAndAbsentOutcomesAreWarn() {
    LogbackCapture capture = new LogbackCapture("t.warn", Level.INFO);
    Slf4jEventSink sink = Slf4jEventSink.create(capture.logger);
    sink.emit(TestEvents.denied());
    sink.emit(TestEvents.ok().toBuilder().set(Fields.EVENT_OUTCOME, EventOutcome.UNKNOWN).build());
    sink.emit(TestEvents.ok().toBuilder().remove(Fields.EVENT_OUTCOME).build());
    assertThat(capture.events())
        .extracting(ILoggingEvent::getLevel)
        .containsExactly(Level.WARN, Level.WARN, Level.WARN);
  }

  @Test
  void everyFieldIsAKeyValuePairInCanonicalOrderWithPlainTypes() {
    LogbackCapture capture = new LogbackCapture("t.kv", Level.INFO);
    Slf4jEventSink.create(capture.logger).emit(TestEvents.denied());
    List<KeyValuePair> pairs = capture.events().get(0).getKeyValuePairs();

    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("timestamp", "2026-11-28T09:00:00.123Z");
    expected.put("event.name", "identity.server");
    expected.put("identity.schema", "1.1");
    expected.put("service.name", "orders");
    expected.put("identity.hop.layer", "backend");
    expected.put("trace.id", TestEvents.TRACE_ID);
    expected.put("span.id", "00f067aa0ba902b7");
    expected.put("identity.trace.origin", "traceparent");
    expected.put("identity.request.id", "req-1");
    expected.put("http.request.method", "GET");
    expected.put("url.path", "/orders");
    expected.put("http.response.status_code", 403L);
    expected.put("event.duration", 1_500_000L);
    expected.put("event.outcome", "failure");
    expected.put("error.type", "insufficient_scope");
    expected.put("identity.token.audience", List.of("orders", "billing"));
    expected.put("identity.token.expires_at", "2026-11-28T10:00:00.000Z");
    expected.put("identity.token.verified", Boolean.TRUE);
    expected.put("identity.authn.outcome", "success");
    expected.put("identity.authz.outcome", "failure");
    expected.put("identity.authz.reason", "insufficient_scope");
    expected.put("identity.authz.inferred", Boolean.TRUE);
    expected.put("identity.token.claim.tenant", "acme");

    List<String> keys = new ArrayList<>();
    for (KeyValuePair kv : pairs) {
      keys.add(kv.key);
      assertThat(kv.value).as(kv.key).isEqualTo(expected.get(kv.key));
      assertThat(kv.value).as(kv.key).isInstanceOfAny(String.class, Long.class, Boolean.class, List.class);
    }
    assertThat(keys).containsExactlyElementsOf(expected.keySet());
    assertThat(pairs.get(11).value).isInstanceOf(Long.class);
    assertThat(pairs.get(17).value).isInstanceOf(Boolean.class);
    assertThat(pairs.get(15).value).isInstanceOf(List.class);
  }

  @Test
  void messageIsTheOneLineSummary() {
    LogbackCapture capture = new LogbackCapture("t.msg", Level.INFO);
    Slf4jEventSink.create(capture.logger).emit(TestEvents.denied());
    assertThat(capture.events().get(0).getFormattedMessage())
        .isEqualTo(
            "identity.server GET /orders 403 authz=failure(insufficient_scope) trace="
                + TestEvents.TRACE_ID);
  }

  @Test
  void bracesInValuesAreNotFormatPlaceholders() {
    LogbackCapture capture = new LogbackCapture("t.braces", Level.INFO);
    IdentityEvent e = TestEvents.ok().toBuilder().set(Fields.URL_PATH, "/a/{}/{id}").remove(Fields.HTTP_ROUTE).build();
    Slf4jEventSink.create(capture.logger).emit(e);
    assertThat(capture.events().get(0).getFormattedMessage()).contains(" /a/{}/{id} ");
  }

  @Test
  void nothingIsLoggedWhenTheLevelIsOff() {
    LogbackCapture capture = new LogbackCapture("t.off", Level.ERROR);
    Slf4jEventSink sink = Slf4jEventSink.create(capture.logger);
    sink.emit(TestEvents.ok());
    sink.emit(TestEvents.denied());
    assertThat(capture.events()).isEmpty();
  }

  @Test
  void noEventIsBuiltWhenTheLevelIsOff() {
    List<String> calls = new ArrayList<>();
    Logger logger =
        (Logger)
            Proxy.newProxyInstance(
                Logger.class.getClassLoader(),
                new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                  calls.add(method.getName());
                  return method.getReturnType() == boolean.class ? false : null;
                });
    Slf4jEventSink sink = Slf4jEventSink.create(logger);
    sink.emit(TestEvents.ok());
    sink.emit(TestEvents.denied());
    assertThat(calls).containsExactly("isInfoEnabled", "isWarnEnabled");
  }

  @Test
  void infoOffStillLogsWarnings() {
    LogbackCapture capture = new LogbackCapture("t.warnonly", Level.WARN);
    Slf4jEventSink sink = Slf4jEventSink.create(capture.logger);
    sink.emit(TestEvents.ok());
    sink.emit(TestEvents.denied());
    assertThat(capture.events()).singleElement().extracting(ILoggingEvent::getLevel).isEqualTo(Level.WARN);
  }

  @Test
  void followsLogbackLossesOnlyWhenLogbackIsTheBackend() {
    // Another SLF4J backend: nothing Logback-specific is looked up, nothing is counted.
    Slf4jEventSink nop = Slf4jEventSink.create(org.slf4j.helpers.NOPLogger.NOP_LOGGER);
    assertThat(nop.backendLosses()).isNull();
    GuardedEventSink guarded = GuardedEventSink.of(nop);
    guarded.emit(TestEvents.ok());
    assertThat(guarded.dropped()).isZero();

    LogbackCapture capture = new LogbackCapture("t.losses", Level.INFO);
    Slf4jEventSink logback = Slf4jEventSink.create(capture.logger);
    assertThat(logback.backendLosses())
        .isSameAs(dev.identitylog.internal.LossCounter.of(capture.context));
  }
}
