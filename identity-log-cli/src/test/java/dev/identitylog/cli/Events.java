package dev.identitylog.cli;

import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.HopLayer;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.TokenType;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import java.time.Instant;
import java.util.List;

/** Events for the command-line tests. */
final class Events {
  private Events() {}

  static IdentityEvent server() {
    return IdentityEvent.builder()
        .set(Fields.TIMESTAMP, Instant.parse("2026-11-28T09:00:00.123Z"))
        .set(Fields.EVENT_NAME, EventName.SERVER)
        .set(Fields.SCHEMA, Fields.SCHEMA_VERSION)
        .set(Fields.SERVICE_NAME, "orders")
        .set(Fields.HOP_LAYER, HopLayer.BACKEND)
        .set(Fields.TRACE_ID, "4bf92f3577b34da6a3ce929d0e0e4736")
        .set(Fields.SPAN_ID, "00f067aa0ba902b7")
        .set(Fields.REQUEST_ID, "req-1")
        .set(Fields.HTTP_REQUEST_METHOD, "GET")
        .set(Fields.URL_PATH, "/orders/\u00e9\u2028\"x\"")
        .set(Fields.HTTP_RESPONSE_STATUS_CODE, 403L)
        .set(Fields.EVENT_OUTCOME, EventOutcome.FAILURE)
        .set(Fields.ERROR_TYPE, Reason.INSUFFICIENT_SCOPE)
        .set(Fields.TOKEN_TYPE, TokenType.JWT)
        .set(Fields.TOKEN_HASH, "0123456789abcdef0123456789abcdef")
        .set(Fields.TOKEN_SCOPES, List.of("orders:read"))
        .set(Fields.TOKEN_VERIFIED, true)
        .set(Fields.AUTHZ_OUTCOME, Outcome.FAILURE)
        .set(Fields.AUTHZ_REASON, Reason.INSUFFICIENT_SCOPE)
        .claim("tenant", "acme")
        .build();
  }

  static IdentityEvent client() {
    return server().toBuilder()
        .set(Fields.EVENT_NAME, EventName.CLIENT)
        .set(Fields.SPAN_ID, "b7ad6b7169203331")
        .set(Fields.URL_FULL, "https://payments.internal/v1/charge")
        .set(Fields.CLIENT_ATTEMPTS, 2L)
        .set(Fields.EVENT_OUTCOME, EventOutcome.SUCCESS)
        .remove(Fields.ERROR_TYPE)
        .remove(Fields.AUTHZ_OUTCOME)
        .remove(Fields.AUTHZ_REASON)
        .build();
  }

  static String line(IdentityEvent e) {
    return JsonLineWriter.toJson(e);
  }
}
