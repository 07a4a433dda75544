package dev.identitylog.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.handler.ServerHandler;
import dev.identitylog.protocol.HttpServerRequest;
import dev.identitylog.protocol.ServerRecord;
import dev.identitylog.testing.CollectingSink;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.MDC;

/**
 * This library's wrappers and OpenTelemetry's {@code Context.taskWrapping} stacked on one pool, in
 * either order, with either storage, under a real OpenTelemetry SDK: the task sees the request's
 * record, span and MDC ids; the record is attached at most once; the worker keeps nothing.
 */
class OpenTelemetryInteropTest {
  @RegisterExtension static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

  private final ExecutorService pool = Executors.newSingleThreadExecutor();
  private final IdentityLog log = IdentityLog.builder().addSink(new CollectingSink()).build();

  @AfterEach
  void restore() throws InterruptedException {
    RequestContext.useStorage(RequestContextStorage.threadLocal());
    pool.shutdownNow();
    assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  /** Counts the attaches that changed what was current (a no-op one returns {@link Scope#NOOP}). */
  private static final class CountingStorage implements RequestContextStorage {
    final RequestContextStorage delegate;
    final AtomicInteger attached = new AtomicInteger();

    CountingStorage(RequestContextStorage delegate) {
      this.delegate = delegate;
    }

    @Override
    public ContextRecord current() {
      return delegate.current();
    }

    @Override
    public Scope attach(ContextRecord record) {
      Scope scope = delegate.attach(record);
      if (scope != Scope.NOOP) {
        attached.incrementAndGet();
      }
      return scope;
    }
  }

  /** What the task saw. */
  private static final class Seen {
    final ContextRecord record = RequestContext.current();
    final SpanContext span = Span.current().getSpanContext();
    final String mdcSpan = MDC.get("span.id");
    final boolean rootContext = Context.current() == Context.root();
  }

  @ParameterizedTest(name = "{0} storage, {1} wrapping outside")
  @CsvSource({
    "thread-local, identity-log",
    "thread-local, opentelemetry",
    "opentelemetry, identity-log",
    "opentelemetry, opentelemetry"
  })
  void bothWrappersStackedCarryEverythingOnceAndLeaveNothing(String storageName, String outside)
      throws Exception {
    boolean otelStorage = storageName.equals("opentelemetry");
    CountingStorage storage =
        new CountingStorage(
            otelStorage ? RequestContextStorage.openTelemetry() : RequestContextStorage.threadLocal());
    RequestContext.useStorage(storage);
    ExecutorService executor =
        outside.equals("identity-log")
            ? RequestContext.wrap(Context.taskWrapping(pool))
            : Context.taskWrapping(RequestContext.wrap(pool));

    Span span = OTEL.getOpenTelemetry().getTracer("test").spanBuilder("GET /orders").startSpan();
    ServerRecord request;
    int attachedBefore;
    java.util.concurrent.Future<Seen> seen;
    java.util.concurrent.Future<Integer> attachesInTask;
    try (io.opentelemetry.context.Scope spanScope = span.makeCurrent()) {
      request = ServerHandler.create(log).start((HttpServerRequest) new Request());
      try (Scope bound = request.makeCurrent()) {
        attachedBefore = storage.attached.get();
        seen = executor.submit(Seen::new);
        attachesInTask = executor.submit(() -> storage.attached.get());
      }
    } finally {
      span.end();
    }
    Seen s = seen.get(5, TimeUnit.SECONDS);
    assertThat(s.record).isSameAs(request);
    assertThat(s.span).isEqualTo(span.getSpanContext());
    assertThat(request.traceId()).isEqualTo(span.getSpanContext().getTraceId());
    assertThat(s.mdcSpan).isEqualTo(request.spanId());
    // Carried once: with the OpenTelemetry storage the record rides in the Context OpenTelemetry
    // already restored, so this library attaches nothing more; with the thread-local one it
    // attaches once per task, however many wrappers there are.
    // Two tasks ran up to the count (the second reads it after its own attach).
    assertThat(attachesInTask.get(5, TimeUnit.SECONDS) - attachedBefore)
        .isEqualTo(otelStorage ? 0 : 2);

    // Nothing is left on the worker: no record, no span, no MDC ids.
    Seen after = pool.submit(Seen::new).get(5, TimeUnit.SECONDS);
    assertThat(after.record).isNull();
    assertThat(after.rootContext).isTrue();
    assertThat(after.mdcSpan).isNull();
  }

  @Test
  void withoutOpenTelemetrysWrappingTheRequestsSpanStillGoesAlong() throws Exception {
    // Thread-local storage, no agent, no taskWrapping: only this library's wrapper.
    ExecutorService executor = RequestContext.wrap(pool);
    Span span = OTEL.getOpenTelemetry().getTracer("test").spanBuilder("GET /orders").startSpan();
    ServerRecord request;
    java.util.concurrent.Future<Seen> seen;
    try (io.opentelemetry.context.Scope spanScope = span.makeCurrent()) {
      request = ServerHandler.create(log).start((HttpServerRequest) new Request());
      try (Scope bound = request.makeCurrent()) {
        seen = executor.submit(Seen::new);
      }
    } finally {
      span.end();
    }
    assertThat(seen.get(5, TimeUnit.SECONDS).record).isSameAs(request);
    assertThat(seen.get().span).isEqualTo(span.getSpanContext());
    assertThat(pool.submit(Seen::new).get(5, TimeUnit.SECONDS).rootContext).isTrue();
  }

  private static final class Request implements HttpServerRequest {
    @Override
    public String header(String name) {
      return null;
    }

    @Override
    public String method() {
      return "GET";
    }

    @Override
    public String path() {
      return "/orders";
    }
  }
}
