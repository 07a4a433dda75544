package dev.identitylog.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The verdict rules on 1.0 and 1.1 events, one shape each. */
class VerdictRulesTest {
  private static final String TOKEN_A = "a1b2c3d4a1b2c3d4a1b2c3d4a1b2c3d4";
  private static final String TOKEN_B = "c3d4e5f6c3d4e5f6c3d4e5f6c3d4e5f6";

  /**
   * 1.0: the gateway exchanged the token, the backend refused the new one, and every hop in front
   * answered 401 itself, so its event (inferred from the status) says authn failure.
   */
  @Test
  void exchangeByAHopThatRelayedTheRefusalIn10Events() {
    Req r = new Req(40);
    Line edge = r.server("edge", "cdn", 0, 50).status(401)
        .authn("failure", "credential_missing").inferred("authn");
    Line gw = r.server("gateway", "gateway", 2, 45).parent(edge).status(401).token(TOKEN_A)
        .authn("failure", "token_invalid").inferred("authn");
    Line gwc = r.client(gw, "mesh", 5, 30).status(401).token(TOKEN_B)
        .dependency("failure", "upstream_unauthenticated", "mesh");
    Line mesh = r.server("mesh", "mesh", 6, 28).parent(gwc).status(401).token(TOKEN_B)
        .authn("failure", "token_invalid").inferred("authn");
    Line mc = r.client(mesh, "backend", 7, 25).status(401).token(TOKEN_B);
    r.server("backend", "backend", 8, 20).parent(mc).status(401)
        .authn("failure", "audience_mismatch").token(TOKEN_B).audience("orders-internal");

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.TOKEN_EXCHANGE_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("backend");
    assertThat(v.verdictReason()).isEqualTo("audience_mismatch");
    assertThat(v.evidence()).startsWith("backend rejected the token exchanged by gateway: "
        + "audience mismatch (token c3d4e5f6… ≠ a1b2c3d4…, audience orders-internal)");
  }

  /** 1.1: the relaying hops record upstream_unauthenticated with their own authn success inferred. */
  @Test
  void exchangeByAHopThatRelayedTheRefusalIn11Events() {
    Req r = new Req(41);
    Line edge = r.server("edge", "cdn", 0, 50).status(401).set("identity.schema", "1.1")
        .dependency("failure", "upstream_unauthenticated", "gateway").inferred("dependency")
        .authn("success", null).inferred("authn");
    Line gw = r.server("gateway", "gateway", 2, 45).parent(edge).status(401).token(TOKEN_A)
        .set("identity.schema", "1.1")
        .dependency("failure", "upstream_unauthenticated", "backend").inferred("dependency")
        .authn("success", null).inferred("authn");
    Line gwc = r.client(gw, "backend", 5, 30).status(401).token(TOKEN_B)
        .set("identity.schema", "1.1")
        .dependency("failure", "upstream_unauthenticated", "backend");
    r.server("backend", "backend", 8, 20).parent(gwc).status(401).set("identity.schema", "1.1")
        .authn("failure", "audience_mismatch").token(TOKEN_B).audience("orders-internal");

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.TOKEN_EXCHANGE_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("backend");
    assertThat(v.evidence()).startsWith("backend rejected the token exchanged by gateway");
  }

  /** 1.0, the refusing callee logged nothing: the relaying hop's call carried a new token. */
  @Test
  void exchangeToASilentCalleeIn10Events() {
    Req r = new Req(42);
    Line gw = r.server("gateway", "gateway", 2, 45).status(401).token(TOKEN_A)
        .authn("failure", "token_invalid").inferred("authn");
    r.client(gw, "backend", 5, 30).status(401).token(TOKEN_B);

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.TOKEN_EXCHANGE_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("backend");
    assertThat(v.evidence()).startsWith("backend rejected the token exchanged by gateway");
  }

  /** A hop that relayed the refusal of the very token it received exchanged nothing. */
  @Test
  void relayingTheSameTokenIsNoExchange() {
    Req r = new Req(43);
    Line gw = r.server("gateway", "gateway", 2, 45).status(401).token(TOKEN_A)
        .authn("failure", "token_invalid").inferred("authn");
    Line gwc = r.client(gw, "backend", 5, 30).status(401).token(TOKEN_A);
    r.server("backend", "backend", 8, 20).parent(gwc).status(401)
        .authn("failure", "audience_mismatch").token(TOKEN_A);

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.AUTHN_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("backend");
  }

  /** A hop whose own recorded authn failed did not relay anything, whatever its calls carried. */
  @Test
  void aRecordedOwnFailureIsNoExchange() {
    Req r = new Req(44);
    Line gw = r.server("gateway", "gateway", 2, 45).status(401).token(TOKEN_A)
        .authn("failure", "token_expired");
    r.client(gw, "backend", 5, 30).status(200).token(TOKEN_B);

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.AUTHN_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("gateway");
  }

  /** SPEC 1.1 section 4: trace_dropped is the reason of trace_broken. */
  @Test
  void traceBrokenReasonIsTraceDropped() {
    Req r = new Req(45);
    Line edge = r.server("edge", "cdn", 0, 60).status(200);
    Line gw = r.server("gateway", "gateway", 2, 55).parent(edge).status(200);
    r.client(gw, "backend", 5, 40).status(200);
    r.server("backend", "backend", 7, 30).status(200).trace(r.hex(32))
        .set("identity.trace.origin", "generated");

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.TRACE_BROKEN);
    assertThat(v.verdictReason()).isEqualTo("trace_dropped");
    assertThat(v.evidence()).contains("backend received no trace context from gateway");
  }

  /** The caller received 504 in time: the timeout is the callee's, the call got an answer. */
  @Test
  void a504FromASilentCalleeIsAnUpstreamErrorOfTheCall() {
    Req r = new Req(46);
    Line gw = r.server("gateway", "gateway", 0, 45).status(504);
    r.client(gw, "backend", 5, 30).status(504);

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.DEPENDENCY_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("gateway");
    assertThat(v.verdictReason()).isEqualTo("upstream_error");
    assertThat(v.evidence()).startsWith("gateway's call to backend failed: upstream error (504)");
  }

  /** A trace.id of XYZ is no second trace of the request: it is reported as malformed. */
  @Test
  void aMalformedTraceIdIsReportedAsSuch() {
    Req r = new Req(47);
    Line edge = r.server("edge", "cdn", 0, 60).status(200);
    Line gw = r.server("gateway", "gateway", 2, 55).parent(edge).status(200);
    Line gwc = r.client(gw, "backend", 5, 40).status(200);
    r.server("backend", "backend", 7, 30).status(200).trace("XYZ").parent(gwc);

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.OK);
    assertThat(v.traceIds()).containsExactly(r.trace);
    assertThat(v.hops()).hasSize(4);
    assertThat(v.evidence()).endsWith(
        "; backend logged a malformed trace.id (server event), left out of the joins")
        .doesNotContain("xyz");
  }

  /** Span ids of the wrong length are reported too; the request still joins on its request id. */
  @Test
  void malformedSpanIdsAreReported() {
    Req r = new Req(48);
    Line gw = r.server("gateway", "gateway", 2, 55).status(503)
        .dependency("failure", "connect_failure", "backend").inferred("dependency");
    r.client(gw, "backend", 5, 40).dependency("failure", "connect_failure", "backend")
        .set("span.id", "not-a-span");

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.DEPENDENCY_FAILURE);
    assertThat(v.evidence()).contains(
        "gateway logged a malformed span.id (client event), left out of the joins");
  }
}
