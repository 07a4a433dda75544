package dev.identitylog.emit;

import dev.identitylog.event.CertSource;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.HopLayer;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.TokenBinding;
import dev.identitylog.event.TokenType;
import dev.identitylog.event.TraceOrigin;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import java.time.Instant;
import java.util.List;

/** Fixed events for the emitter tests. */
final class TestEvents {
  static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  private TestEvents() {}

  /** A server event that failed authorization, with a few fields of each kind. */
  static IdentityEvent denied() {
    return IdentityEvent.builder()
        .set(Fields.TIMESTAMP, Instant.parse("2026-11-28T09:00:00.123Z"))
        .set(Fields.EVENT_NAME, EventName.SERVER)
        .set(Fields.SCHEMA, Fields.SCHEMA_VERSION)
        .set(Fields.SERVICE_NAME, "orders")
        .set(Fields.HOP_LAYER, HopLayer.BACKEND)
        .set(Fields.TRACE_ID, TRACE_ID)
        .set(Fields.SPAN_ID, "00f067aa0ba902b7")
        .set(Fields.TRACE_ORIGIN, TraceOrigin.TRACEPARENT)
        .set(Fields.REQUEST_ID, "req-1")
        .set(Fields.HTTP_REQUEST_METHOD, "GET")
        .set(Fields.URL_PATH, "/orders")
        .set(Fields.HTTP_RESPONSE_STATUS_CODE, 403L)
        .set(Fields.EVENT_DURATION, 1_500_000L)
        .set(Fields.EVENT_OUTCOME, EventOutcome.FAILURE)
        .set(Fields.ERROR_TYPE, Reason.INSUFFICIENT_SCOPE)
        .set(Fields.TOKEN_AUDIENCE, List.of("orders", "billing"))
        .set(Fields.TOKEN_EXPIRES_AT, Instant.parse("2026-11-28T10:00:00Z"))
        .set(Fields.TOKEN_VERIFIED, true)
        .set(Fields.AUTHN_OUTCOME, Outcome.SUCCESS)
        .set(Fields.AUTHZ_OUTCOME, Outcome.FAILURE)
        .set(Fields.AUTHZ_REASON, Reason.INSUFFICIENT_SCOPE)
        .set(Fields.AUTHZ_INFERRED, true)
        .claim("tenant", "acme")
        .build();
  }

  /** A successful server event. */
  static IdentityEvent ok() {
    return denied().toBuilder()
        .set(Fields.HTTP_RESPONSE_STATUS_CODE, 200L)
        .set(Fields.EVENT_OUTCOME, EventOutcome.SUCCESS)
        .remove(Fields.ERROR_TYPE)
        .set(Fields.AUTHZ_OUTCOME, Outcome.SUCCESS)
        .remove(Fields.AUTHZ_REASON)
        .remove(Fields.AUTHZ_INFERRED)
        .build();
  }

  /** An event with every field of the standard set to a valid value, and one claim. */
  static IdentityEvent full() {
    return IdentityEvent.builder()
        .set(Fields.TIMESTAMP, Instant.parse("2026-11-28T09:00:00.123Z"))
        .set(Fields.EVENT_NAME, EventName.CLIENT)
        .set(Fields.SCHEMA, Fields.SCHEMA_VERSION)
        .set(Fields.SERVICE_NAME, "gateway")
        .set(Fields.HOP_LAYER, HopLayer.GATEWAY)
        .set(Fields.TRACE_ID, TRACE_ID)
        .set(Fields.SPAN_ID, "00f067aa0ba902b7")
        .set(Fields.SPAN_PARENT_ID, "b7ad6b7169203331")
        .set(Fields.TRACE_ORIGIN, TraceOrigin.OTEL)
        .set(Fields.REQUEST_ID, "9f1c0e4e-6a7b-4d2a-9c1e-3f5a7b9d1e2f")
        .set(Fields.REQUEST_EDGE_ID, "8c1d2e3f4a5b6c7d-FRA")
        .set(Fields.HTTP_REQUEST_METHOD, "POST")
        .set(Fields.URL_PATH, "/v1/payments")
        .set(Fields.HTTP_ROUTE, "/v1/payments")
        .set(Fields.HTTP_RESPONSE_STATUS_CODE, 503L)
        .set(Fields.SERVER_ADDRESS, "payments.internal")
        .set(Fields.SERVER_PORT, 8443L)
        .set(Fields.URL_FULL, "https://payments.internal:8443/v1/payments")
        .set(Fields.RPC_SYSTEM, "grpc")
        .set(Fields.RPC_SERVICE, "payments.v1.Payments")
        .set(Fields.RPC_METHOD, "Charge")
        .set(Fields.RPC_GRPC_STATUS_CODE, "UNAVAILABLE")
        .set(Fields.NETWORK_PEER_ADDRESS, "10.0.0.7")
        .set(Fields.CLIENT_ADDRESS, "203.0.113.9")
        .set(Fields.EVENT_DURATION, 42_000_000L)
        .set(Fields.EVENT_OUTCOME, EventOutcome.FAILURE)
        .set(Fields.ERROR_TYPE, Reason.UPSTREAM_UNAVAILABLE)
        .set(Fields.TLS_CLIENT_SUBJECT, "CN=gateway,O=Example")
        .set(Fields.TLS_CLIENT_ISSUER, "CN=Example CA,O=Example")
        .set(Fields.TLS_CLIENT_HASH_SHA256, "A".repeat(64))
        .set(Fields.TLS_CLIENT_NOT_BEFORE, Instant.parse("2026-01-01T00:00:00Z"))
        .set(Fields.TLS_CLIENT_NOT_AFTER, Instant.parse("2027-01-01T00:00:00Z"))
        .set(Fields.TLS_CLIENT_SERIAL_NUMBER, "1A2B3C")
        .set(
            Fields.TLS_CLIENT_ALTERNATIVE_NAMES,
            List.of("spiffe://example.org/ns/prod/sa/gateway", "gateway.example.org"))
        .set(Fields.TLS_PROTOCOL_VERSION, "1.3")
        .set(Fields.TLS_CIPHER, "TLS_AES_128_GCM_SHA256")
        .set(Fields.TLS_SERVER_SUBJECT, "CN=payments.internal")
        .set(Fields.TLS_SERVER_HASH_SHA256, "0123456789ABCDEF".repeat(4))
        .set(Fields.TLS_SERVER_NOT_AFTER, Instant.parse("2027-06-01T00:00:00Z"))
        .set(Fields.CERT_SOURCE, CertSource.TLS)
        .set(Fields.CERT_FORWARDED_BY, "spiffe://example.org/ns/edge/sa/envoy")
        .set(Fields.FORWARDED_UNTRUSTED, false)
        .set(Fields.TOKEN_TYPE, TokenType.JWT)
        .set(Fields.TOKEN_HASH, "0123456789abcdef0123456789abcdef")
        .set(Fields.TOKEN_ISSUER, "https://issuer.example.org")
        .set(Fields.TOKEN_SUBJECT, "user-42")
        .set(Fields.TOKEN_ID, "jti-1")
        .set(Fields.TOKEN_CLIENT_ID, "web")
        .set(Fields.TOKEN_AUDIENCE, List.of("payments"))
        .set(Fields.TOKEN_SCOPES, List.of("payments:write", "payments:read"))
        .set(Fields.TOKEN_ISSUED_AT, Instant.parse("2026-11-28T08:55:00Z"))
        .set(Fields.TOKEN_NOT_BEFORE, Instant.parse("2026-11-28T08:55:00Z"))
        .set(Fields.TOKEN_EXPIRES_AT, Instant.parse("2026-11-28T09:55:00Z"))
        .set(Fields.TOKEN_ALG, "ES256")
        .set(Fields.TOKEN_KID, "key-1")
        .set(Fields.TOKEN_CNF_X5T_S256, "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2")
        .set(Fields.TOKEN_BINDING, TokenBinding.BOUND)
        .set(Fields.TOKEN_ACTOR_CHAIN, List.of("svc-a", "svc-b"))
        .set(Fields.TOKEN_VERIFIED, true)
        .set(Fields.WORKLOAD_ID, "spiffe://example.org/ns/prod/sa/gateway")
        .set(Fields.AUTHN_OUTCOME, Outcome.SUCCESS)
        .set(Fields.AUTHN_REASON, Reason.TOKEN_EXPIRED)
        .set(Fields.AUTHN_INFERRED, false)
        .set(Fields.AUTHZ_OUTCOME, Outcome.SUCCESS)
        .set(Fields.AUTHZ_REASON, Reason.POLICY_DENIED)
        .set(Fields.AUTHZ_POLICY, "payments-writer")
        .set(Fields.AUTHZ_INFERRED, false)
        .set(Fields.DEPENDENCY_OUTCOME, Outcome.FAILURE)
        .set(Fields.DEPENDENCY_REASON, Reason.UPSTREAM_UNAVAILABLE)
        .set(Fields.DEPENDENCY_NAME, "payments")
        .set(Fields.DEPENDENCY_STATUS, "503")
        .set(Fields.DEPENDENCY_INFERRED, true)
        .set(Fields.CLIENT_ATTEMPTS, 3L)
        .set(Fields.MESSAGING_SYSTEM, "kafka")
        .set(Fields.MESSAGING_DESTINATION_NAME, "orders")
        .set(Fields.MESSAGING_DESTINATION_PARTITION_ID, "3")
        .set(Fields.MESSAGING_KAFKA_OFFSET, 42L)
        .set(Fields.MESSAGING_CONSUMER_GROUP_NAME, "billing")
        .set(Fields.MESSAGING_MESSAGE_ID, "m-1")
        .set(Fields.MESSAGE_REDELIVERED, true)
        .set(Fields.MESSAGE_DELIVERY_COUNT, 2L)
        .set(Fields.LINKS, List.of(TRACE_ID + "-b7ad6b7169203331"))
        .set(Fields.HEADERS_OVERSIZED, List.of("traceparent"))
        .set(Fields.HYGIENE, List.of("token_long_lived"))
        .claim("tenant", "acme")
        .build();
  }
}
