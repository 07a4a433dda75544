package dev.identitylog.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import org.junit.jupiter.api.Test;

class SummaryTest {
  @Test
  void serverHttp() {
    assertThat(Summary.of(TestEvents.ok()))
        .isEqualTo("identity.server GET /orders 200 trace=" + TestEvents.TRACE_ID);
  }

  @Test
  void routeIsPreferredToPath() {
    IdentityEvent e =
        TestEvents.ok().toBuilder()
            .set(Fields.URL_PATH, "/orders/42")
            .set(Fields.HTTP_ROUTE, "/orders/{id}")
            .build();
    assertThat(Summary.of(e)).startsWith("identity.server GET /orders/{id} 200 ");
  }

  @Test
  void clientWithDependencyFailure() {
    IdentityEvent e =
        IdentityEvent.builder()
            .set(Fields.EVENT_NAME, EventName.CLIENT)
            .set(Fields.HTTP_REQUEST_METHOD, "POST")
            .set(Fields.URL_FULL, "https://payments.internal/v1/charge")
            .set(Fields.URL_PATH, "/v1/charge")
            .set(Fields.HTTP_RESPONSE_STATUS_CODE, 503L)
            .set(Fields.EVENT_OUTCOME, EventOutcome.FAILURE)
            .set(Fields.DEPENDENCY_OUTCOME, Outcome.FAILURE)
            .set(Fields.DEPENDENCY_REASON, Reason.UPSTREAM_UNAVAILABLE)
            .build();
    assertThat(Summary.of(e))
        .isEqualTo(
            "identity.client POST https://payments.internal/v1/charge 503"
                + " dependency=failure(upstream_unavailable)");
  }

  @Test
  void grpcServerWithAuthnError() {
    IdentityEvent e =
        IdentityEvent.builder()
            .set(Fields.EVENT_NAME, EventName.SERVER)
            .set(Fields.RPC_SERVICE, "payments.v1.Payments")
            .set(Fields.RPC_METHOD, "Charge")
            .set(Fields.RPC_GRPC_STATUS_CODE, "UNAUTHENTICATED")
            .set(Fields.EVENT_OUTCOME, EventOutcome.FAILURE)
            .set(Fields.AUTHN_OUTCOME, Outcome.ERROR)
            .set(Fields.AUTHN_REASON, Reason.AUTHN_DEPENDENCY_UNAVAILABLE)
            .set(Fields.AUTHZ_OUTCOME, Outcome.NOT_APPLICABLE)
            .set(Fields.TRACE_ID, TestEvents.TRACE_ID)
            .build();
    assertThat(Summary.of(e))
        .isEqualTo(
            "identity.server payments.v1.Payments/Charge UNAUTHENTICATED"
                + " authn=error(authn_dependency_unavailable) trace=" + TestEvents.TRACE_ID);
  }

  @Test
  void failureWithoutPhaseShowsTheOutcomeAndErrorType() {
    IdentityEvent e =
        TestEvents.ok().toBuilder()
            .set(Fields.HTTP_RESPONSE_STATUS_CODE, 429L)
            .set(Fields.EVENT_OUTCOME, EventOutcome.FAILURE)
            .set(Fields.ERROR_TYPE, Reason.THROTTLED)
            .build();
    assertThat(Summary.of(e))
        .isEqualTo("identity.server GET /orders 429 outcome=failure(throttled) trace=" + TestEvents.TRACE_ID);
  }

  @Test
  void emptyEvent() {
    assertThat(Summary.of(IdentityEvent.builder().build())).isEqualTo("identity.event");
  }
}
