package dev.identitylog.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.RequestIdentity;
import dev.identitylog.context.ContextRecord;
import dev.identitylog.context.RequestContext;
import dev.identitylog.context.Scope;
import dev.identitylog.handler.ServerHandler;
import dev.identitylog.protocol.HttpServerRequest;
import dev.identitylog.protocol.ServerRecord;
import dev.identitylog.testing.CollectingSink;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;

/**
 * Micrometer's context-propagation carries the request record through the accessor registered by
 * {@code META-INF/services}: {@code ContextSnapshot} and Spring's {@code
 * ContextPropagatingTaskDecorator}, on real threads.
 */
class ContextPropagationTest {
  private final ExecutorService pool = Executors.newSingleThreadExecutor();
  private final IdentityLog log = IdentityLog.builder().addSink(new CollectingSink()).build();

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  private ServerRecord request() {
    return ServerHandler.create(log).start(
        (HttpServerRequest) new HttpServerRequest() {
          @Override
          public String header(String name) {
            return "X-Request-ID".equals(name) ? "propagated" : null;
          }

          @Override
          public String method() {
            return "GET";
          }

          @Override
          public String path() {
            return "/orders";
          }
        });
  }

  /** What the task saw: record, the application-facing view and the MDC request id. */
  private static String seen() {
    ContextRecord record = RequestContext.current();
    return (record == null ? "none" : record.requestId())
        + " " + RequestIdentity.current().isRecording()
        + " " + MDC.get("identity.request.id");
  }

  private void assertWorkerKeptNothing() throws Exception {
    assertThat(pool.submit(ContextPropagationTest::seen).get(5, TimeUnit.SECONDS))
        .isEqualTo("none false null");
  }

  @Test
  void theAccessorIsFoundThroughTheServiceLoader() {
    assertThat(ContextRegistry.getInstance().getThreadLocalAccessors())
        .anyMatch(a -> a instanceof IdentityLogThreadLocalAccessor
            && IdentityLogThreadLocalAccessor.KEY.equals(a.key()));
  }

  @Test
  void aContextSnapshotCarriesTheRequestToAnotherThreadAndRestoresIt() throws Exception {
    ServerRecord request = request();
    ContextSnapshot snapshot;
    try (Scope ignored = request.makeCurrent()) {
      snapshot = ContextSnapshotFactory.builder().build().captureAll();
    }
    // The worker had MDC of its own under our key: it gets it back.
    pool.submit(() -> MDC.put("identity.request.id", "worker-own")).get(5, TimeUnit.SECONDS);
    AtomicReference<ContextRecord> record = new AtomicReference<>();
    String inside = pool.submit(snapshot.wrap(() -> {
      record.set(RequestContext.current());
      return seen();
    })).get(5, TimeUnit.SECONDS);

    assertThat(record.get()).isSameAs(request);
    assertThat(inside).isEqualTo("propagated true propagated");
    assertThat(pool.submit(() -> MDC.get("identity.request.id")).get(5, TimeUnit.SECONDS))
        .isEqualTo("worker-own");
    pool.submit(() -> MDC.remove("identity.request.id")).get(5, TimeUnit.SECONDS);
    assertWorkerKeptNothing();
  }

  @Test
  void springsContextPropagatingTaskDecoratorCarriesTheRequest() throws Exception {
    ServerRecord request = request();
    Runnable decorated;
    AtomicReference<String> inside = new AtomicReference<>();
    try (Scope ignored = request.makeCurrent()) {
      decorated = new ContextPropagatingTaskDecorator().decorate(() -> inside.set(seen()));
    }
    pool.submit(decorated).get(5, TimeUnit.SECONDS);
    assertThat(inside.get()).isEqualTo("propagated true propagated");
    assertWorkerKeptNothing();
  }

  @Test
  void stackedWithThisLibrarysTaskDecoratorTheRequestIsBoundOnceAndUnboundOnce() throws Exception {
    ServerRecord request = request();
    Runnable decorated;
    AtomicReference<String> inside = new AtomicReference<>();
    try (Scope ignored = request.makeCurrent()) {
      decorated = new ContextPropagatingTaskDecorator()
          .decorate(new IdentityLogTaskDecorator().decorate(() -> inside.set(seen())));
    }
    pool.submit(decorated).get(5, TimeUnit.SECONDS);
    assertThat(inside.get()).isEqualTo("propagated true propagated");
    assertWorkerKeptNothing();
  }

  @Test
  void aSnapshotTakenOutsideARequestRunsTheTaskOutsideOne() throws Exception {
    ServerRecord request = request();
    ContextSnapshot empty = ContextSnapshotFactory.builder().clearMissing(true).build().captureAll();
    AtomicReference<String> inside = new AtomicReference<>();
    Thread thread = new Thread(() -> {
      try (Scope ignored = request.makeCurrent()) {
        empty.wrap(() -> inside.set(seen())).run();
        inside.set(inside.get() + " / after: " + seen());
      }
    });
    thread.start();
    thread.join(5_000);
    assertThat(inside.get()).isEqualTo("none false null / after: propagated true propagated");
  }
}
