package dev.identitylog.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.TraceOrigin;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.redact.Limits;
import dev.identitylog.testing.CollectingSink;
import dev.identitylog.testing.EventSchema;
import dev.identitylog.testing.TestTokens;
import dev.identitylog.trust.TrustedProxies;
import org.junit.jupiter.api.Test;

/** SPEC section 7: header values above the size limit are not parsed, and are named. */
class OversizedHeadersTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String TRACEPARENT = "00-" + TRACE + "-00f067aa0ba902b7-01";
  /** One character above the default limit of 16 KiB. */
  private static final String PAD = " ".repeat(Limits.DEFAULT_MAX_HEADER_BYTES + 1 - TRACEPARENT.length());

  private final CollectingSink sink = new CollectingSink();

  private IdentityLog log(Limits limits) {
    return IdentityLog.builder()
        .serviceName("gateway")
        .limits(limits)
        .trustedProxies(TrustedProxies.parse("192.0.2.0/24"))
        .addSink(sink)
        .build();
  }

  private IdentityEvent finish(Limits limits, FakeInboundRequest request, int status) {
    return ServerExchange.start(log(limits), request).finishHttp(status, null, null);
  }

  @Test
  void anOversizedTraceparentIsNotParsedNotInvalidAndIsNamed() {
    // Still a valid traceparent once trimmed: it must not be parsed all the same.
    IdentityEvent e =
        finish(Limits.defaults(), new FakeInboundRequest().header("traceparent", TRACEPARENT + PAD), 200);

    assertThat(e.get(Fields.HEADERS_OVERSIZED)).containsExactly("traceparent");
    assertThat(e.get(Fields.TRACE_ORIGIN)).isEqualTo(TraceOrigin.GENERATED);
    assertThat(e.get(Fields.TRACE_ID)).isNotEqualTo(TRACE);
    assertThat(e.has(Fields.SPAN_PARENT_ID)).isFalse();
    assertThat(EventSchema.validate(JsonLineWriter.toJson(e))).isEmpty();
  }

  @Test
  void theNextTraceHeaderIsStillUsed() {
    IdentityEvent e =
        finish(
            Limits.defaults(),
            new FakeInboundRequest()
                .header("traceparent", TRACEPARENT + PAD)
                .header("b3", TRACE + "-00f067aa0ba902b7-1"),
            200);
    assertThat(e.get(Fields.TRACE_ORIGIN)).isEqualTo(TraceOrigin.B3);
    assertThat(e.get(Fields.TRACE_ID)).isEqualTo(TRACE);
    assertThat(e.get(Fields.HEADERS_OVERSIZED)).containsExactly("traceparent");
  }

  @Test
  void anOversizedTokenIsNeitherReadNorMissing() {
    String token = TestTokens.rs256().claim("pad", "x".repeat(Limits.DEFAULT_MAX_HEADER_BYTES)).sign();
    IdentityEvent e =
        finish(Limits.defaults(), new FakeInboundRequest().header("Authorization", "Bearer " + token), 401);

    assertThat(e.get(Fields.HEADERS_OVERSIZED)).containsExactly("authorization");
    assertThat(e.has(Fields.TOKEN_TYPE)).as("not parsed, so not called malformed").isFalse();
    assertThat(e.has(Fields.TOKEN_HASH)).isFalse();
    assertThat(e.get(Fields.AUTHN_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(e.has(Fields.AUTHN_REASON)).as("a credential arrived: it is not missing").isFalse();
    assertThat(e.toString()).doesNotContain(token.substring(0, 40));
  }

  @Test
  void oversizedForwardedIdentityIsNamedNotSilentlyIgnored() {
    String xfcc = "By=spiffe://example.org/edge;Hash=" + "ab".repeat(32) + ";URI=spiffe://x/"
        + "a".repeat(Limits.DEFAULT_MAX_HEADER_BYTES);
    IdentityEvent e =
        finish(
            Limits.defaults(),
            new FakeInboundRequest()
                .header("x-forwarded-client-cert", xfcc)
                .header("X-Forwarded-For", "203.0.113.7"),
            200);

    assertThat(e.get(Fields.HEADERS_OVERSIZED)).containsExactly("x-forwarded-client-cert");
    assertThat(e.has(Fields.CERT_SOURCE)).isFalse();
    assertThat(e.get(Fields.CLIENT_ADDRESS)).isEqualTo("203.0.113.7");
  }

  @Test
  void theLimitIsConfigurableAndEveryOversizedHeaderIsNamedOnce() {
    Limits small = Limits.of(512, 32, 256);
    String big = "x".repeat(257);
    IdentityEvent e =
        finish(
            small,
            new FakeInboundRequest()
                .header("traceparent", TRACEPARENT + " ".repeat(257 - TRACEPARENT.length()))
                .header("X-Forwarded-For", big)
                .header("Authorization", "Bearer " + big),
            200);
    assertThat(e.get(Fields.HEADERS_OVERSIZED))
        .containsExactly("traceparent", "x-forwarded-for", "authorization"); // in reading order
  }

  @Test
  void headersWithinTheLimitLeaveTheFieldOut() {
    IdentityEvent e =
        finish(
            Limits.defaults(),
            new FakeInboundRequest()
                .header("traceparent", TRACEPARENT)
                .header("Authorization", "Bearer " + "t".repeat(Limits.DEFAULT_MAX_HEADER_BYTES - 7)),
            200);
    assertThat(e.has(Fields.HEADERS_OVERSIZED)).isFalse();
    assertThat(e.get(Fields.TRACE_ORIGIN)).isEqualTo(TraceOrigin.TRACEPARENT);
    assertThat(e.has(Fields.TOKEN_HASH)).isTrue();
  }
}
