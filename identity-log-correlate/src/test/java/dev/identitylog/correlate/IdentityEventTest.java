package dev.identitylog.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.HopLayer;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdentityEventTest {
  @Test
  void eventsBuiltByTheLibraryCorrelateDirectly() {
    String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    Instant t = Instant.parse("2026-11-28T09:00:01Z");
    IdentityEvent gateway = IdentityEvent.builder()
        .set(Fields.TIMESTAMP, t)
        .set(Fields.EVENT_NAME, EventName.SERVER)
        .set(Fields.SERVICE_NAME, "gateway")
        .set(Fields.HOP_LAYER, HopLayer.GATEWAY)
        .set(Fields.TRACE_ID, trace)
        .set(Fields.SPAN_ID, "1111111111111111")
        .set(Fields.REQUEST_ID, "r-9")
        .set(Fields.HTTP_RESPONSE_STATUS_CODE, 401L)
        .set(Fields.AUTHN_OUTCOME, Outcome.SUCCESS)
        .set(Fields.TOKEN_HASH, "a1b2c3d4e5f60718293a4b5c6d7e8f90")
        .build();
    IdentityEvent call = IdentityEvent.builder()
        .set(Fields.TIMESTAMP, t.minusMillis(1))
        .set(Fields.EVENT_NAME, EventName.CLIENT)
        .set(Fields.SERVICE_NAME, "gateway")
        .set(Fields.TRACE_ID, trace)
        .set(Fields.SPAN_ID, "2222222222222222")
        .set(Fields.SPAN_PARENT_ID, "1111111111111111")
        .set(Fields.HTTP_RESPONSE_STATUS_CODE, 401L)
        .set(Fields.DEPENDENCY_OUTCOME, Outcome.FAILURE)
        .set(Fields.DEPENDENCY_REASON, Reason.UPSTREAM_UNAUTHENTICATED)
        .set(Fields.TOKEN_HASH, "c3d4e5f60718293a4b5c6d7e8f90a1b2")
        .build();
    IdentityEvent backend = IdentityEvent.builder()
        .set(Fields.TIMESTAMP, t.minusMillis(2))
        .set(Fields.EVENT_NAME, EventName.SERVER)
        .set(Fields.SERVICE_NAME, "orders")
        .set(Fields.HOP_LAYER, HopLayer.BACKEND)
        .set(Fields.TRACE_ID, trace)
        .set(Fields.SPAN_ID, "3333333333333333")
        .set(Fields.SPAN_PARENT_ID, "2222222222222222")
        .set(Fields.HTTP_RESPONSE_STATUS_CODE, 401L)
        .set(Fields.AUTHN_OUTCOME, Outcome.FAILURE)
        .set(Fields.AUTHN_REASON, Reason.ISSUER_UNTRUSTED)
        .set(Fields.TOKEN_HASH, "c3d4e5f60718293a4b5c6d7e8f90a1b2")
        .set(Fields.TOKEN_AUDIENCE, List.of("orders"))
        .build();

    Correlator c = Correlator.builder().build();
    c.accept(CorrelationEvent.of(backend));
    c.accept(CorrelationEvent.of(call));
    c.accept(CorrelationEvent.of(gateway));
    c.accept(CorrelationEvent.of(null));
    c.finish();
    List<RequestVerdict> v = c.drain();

    assertThat(v).hasSize(1);
    assertThat(v.get(0).verdict()).isEqualTo(Verdict.TOKEN_EXCHANGE_FAILURE);
    assertThat(v.get(0).verdictHop()).isEqualTo("orders");
    assertThat(v.get(0).verdictReason()).isEqualTo("issuer_untrusted");
    assertThat(v.get(0).requestId()).isEqualTo("r-9");
  }
}
