package dev.identitylog.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.context.RequestContext;
import dev.identitylog.context.Scope;
import dev.identitylog.testing.CollectingSink;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** Binding a request to an idle pooled thread, the usual case, makes no scope per request. */
class MakeCurrentTest {
  private final IdentityLog log =
      IdentityLog.builder().serviceName("orders").addSink(new CollectingSink()).build();

  @Test
  void onAnIdleThreadTheScopeIsSharedAndClearsTheThread() {
    MDC.clear();
    ServerExchange first = ServerExchange.start(log, new FakeInboundRequest());
    ServerExchange second = ServerExchange.start(log, new FakeInboundRequest());

    Scope a = first.makeCurrent();
    assertThat(MDC.get(ServerExchange.MDC_REQUEST_ID)).isEqualTo(first.requestId());
    a.close();
    Scope b = second.makeCurrent();
    assertThat(RequestContext.current()).isSameAs(second);
    b.close();

    assertThat(b).as("one scope for every request bound on an idle thread").isSameAs(a);
    assertThat(RequestContext.current()).isNull();
    assertThat(MDC.get(ServerExchange.MDC_TRACE_ID)).isNull();
    assertThat(MDC.get(ServerExchange.MDC_SPAN_ID)).isNull();
    assertThat(MDC.get(ServerExchange.MDC_REQUEST_ID)).isNull();
  }

  @Test
  void whatWasBoundBeforeIsRestored() {
    MDC.clear();
    MDC.put(ServerExchange.MDC_REQUEST_ID, "outer");
    ServerExchange outer = ServerExchange.start(log, new FakeInboundRequest());
    ServerExchange inner = ServerExchange.start(log, new FakeInboundRequest());
    try (Scope o = outer.makeCurrent()) {
      try (Scope i = inner.makeCurrent()) {
        assertThat(MDC.get(ServerExchange.MDC_REQUEST_ID)).isEqualTo(inner.requestId());
      }
      assertThat(RequestContext.current()).isSameAs(outer);
      assertThat(MDC.get(ServerExchange.MDC_REQUEST_ID)).isEqualTo(outer.requestId());
      assertThat(MDC.get(ServerExchange.MDC_TRACE_ID)).isEqualTo(outer.traceId());
    }
    assertThat(RequestContext.current()).isNull();
    assertThat(MDC.get(ServerExchange.MDC_REQUEST_ID)).isEqualTo("outer");
    assertThat(MDC.get(ServerExchange.MDC_TRACE_ID)).isNull();
    MDC.clear();
  }
}
