package dev.identitylog.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.identitylog.IdentityLog;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import dev.identitylog.protocol.HttpClientRequest;
import dev.identitylog.testing.CollectingSink;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A request that has ended is never changed again, whatever other threads still hold it: tasks
 * that outlived it record decisions, calls it started end late. Its event is the one emitted at
 * finish, and what arrived after is dropped and counted.
 */
class EndedRequestTest {
  private final CollectingSink sink = new CollectingSink();
  private final IdentityLog log = IdentityLog.builder().serviceName("orders").addSink(sink).build();

  private static Decisions decisionsOf(ServerExchange x) throws ReflectiveOperationException {
    Field f = ServerExchange.class.getDeclaredField("decisions");
    f.setAccessible(true);
    return ((Decisions) f.get(x)).snapshot();
  }

  private static HttpClientRequest call() {
    return new HttpClientRequest() {
      @Override
      public String method() {
        return "GET";
      }

      @Override
      public String url() {
        return "https://inventory.example/items";
      }

      @Override
      public String serverAddress() {
        return "inventory.example";
      }
    };
  }

  @Test
  void aCallThatEndsAfterItsRequestEndedLeavesTheRequestAsItWas() throws Exception {
    ServerExchange request =
        ServerExchange.start(log, new FakeInboundRequest().header("X-Request-ID", "r-1"));
    ClientExchange early = ClientExchange.start(log, call(), request);
    IdentityEvent served = request.finishHttp(200, null, null);
    IdentityEvent late = early.finishHttp(503, null);
    ClientExchange afterwards = ClientExchange.start(log, call(), request);
    IdentityEvent later = afterwards.finishHttp(401, null);

    Decisions ended = decisionsOf(request);
    assertThat(ended.outboundCalls).isZero();
    assertThat(ended.failedCallReason).isNull();
    assertThat(served.get(Fields.DEPENDENCY_OUTCOME)).isNotEqualTo(Outcome.FAILURE);
    // Each call still has its own event, joined to the request.
    for (IdentityEvent client : List.of(late, later)) {
      assertThat(client.get(Fields.TRACE_ID)).isEqualTo(request.traceId());
      assertThat(client.get(Fields.REQUEST_ID)).isEqualTo("r-1");
      assertThat(client.get(Fields.SPAN_PARENT_ID)).isEqualTo(request.spanId());
      assertThat(client.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.FAILURE);
    }
    // A call is not a decision: nothing counted as one.
    assertThat(log.lateDecisions()).isZero();
  }

  @Test
  void lateDecisionsAreWarnedOnceAMinuteNamingThePhaseOnly() {
    ch.qos.logback.classic.Logger internal =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("identity.internal");
    ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    warnings.start();
    internal.addAppender(warnings);
    try {
      ServerExchange request = ServerExchange.start(log, new FakeInboundRequest());
      request.finishHttp(200, null, null);
      request.authz(Outcome.FAILURE, Reason.POLICY_DENIED, "secret-policy-name");
      request.authn(Outcome.FAILURE, Reason.TOKEN_EXPIRED);
      request.dependency(Outcome.FAILURE, Reason.TIMEOUT, "billing", "504");

      assertThat(log.lateDecisions()).isEqualTo(3);
      assertThat(log.internalErrors()).isZero();
      assertThat(warnings.list).hasSize(1);
      assertThat(warnings.list.get(0).getLevel()).isEqualTo(Level.WARN);
      assertThat(warnings.list.get(0).getFormattedMessage())
          .contains("authz")
          .contains("after its request had ended")
          .doesNotContain("secret-policy-name")
          .doesNotContain(request.requestId());
    } finally {
      internal.detachAppender(warnings);
    }
  }

  @Test
  void decisionsRacingTheFinishAreEitherInTheEventOrCountedAsDropped() throws Exception {
    int rounds = 200;
    int threads = 3;
    for (int round = 0; round < rounds; round++) {
      ServerExchange request = ServerExchange.start(log, new FakeInboundRequest());
      CyclicBarrier start = new CyclicBarrier(threads + 1);
      CountDownLatch done = new CountDownLatch(threads);
      AtomicInteger recorded = new AtomicInteger();
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread worker = new Thread(() -> {
          try {
            start.await();
            for (int i = 0; i < 20; i++) {
              request.authz(Outcome.FAILURE, Reason.POLICY_DENIED, "p");
              recorded.incrementAndGet();
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          } finally {
            done.countDown();
          }
        });
        worker.start();
        workers.add(worker);
      }
      long lateBefore = log.lateDecisions();
      start.await();
      IdentityEvent served = request.finishHttp(200, null, null);
      done.await();
      long dropped = log.lateDecisions() - lateBefore;
      boolean inEvent = served.get(Fields.AUTHZ_OUTCOME) == Outcome.FAILURE;
      // Every decision either reached the event (the first failure explains it) or was dropped;
      // none changed the record after its event was built.
      assertThat(inEvent).as("round %d: %d of %d dropped", round, dropped, recorded.get())
          .isEqualTo(dropped < recorded.get());
      assertThat(decisionsOf(request).authz == Outcome.FAILURE).isEqualTo(inEvent);
    }
  }
}
