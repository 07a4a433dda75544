package dev.identitylog.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CorrelatorTest {
  private static final String TOKEN_A = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
  private static final String TOKEN_B = "c3d4e5f60718293a4b5c6d7e8f90a1b2";

  @Test
  void successAcrossFourHops() {
    Req r = Req.fourHops(1, Req.T0);

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.OK);
    assertThat(v.verdictHop()).isNull();
    assertThat(v.verdictReason()).isNull();
    assertThat(v.traceId()).isEqualTo(r.trace);
    assertThat(v.traceIds()).containsExactly(r.trace);
    assertThat(v.requestId()).isEqualTo(r.requestId);
    assertThat(v.start()).isEqualTo(Req.T0);
    assertThat(Run.services(v))
        .containsExactly(
            "edge:server", "gateway:server", "gateway:client", "backend:server",
            "backend:client", "inventory:server");
    assertThat(v.evidence()).isEqualTo("all 4 hops succeeded; edge answered 200");
  }

  @Test
  void spanLinksThatDoNotConnectAreNotOk() {
    // The caller logged one span id and sent another (an instrumentation wrote the traceparent
    // after the library read it): the callee's parent matches no event of the request.
    Req r = new Req(40);
    Line front = r.server("front", "backend", 0, 30).status(200);
    r.client(front, "back", 2, 20).status(200);
    r.server("back", "backend", 4, 10).set("span.parent.id", "00f067aa0ba902b7").status(200);

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.TRACE_BROKEN);
    assertThat(v.verdictHop()).isEqualTo("back");
    assertThat(v.verdictReason()).isNull();
    assertThat(v.evidence()).isEqualTo("back names span 00f067aa0ba902b7 as its parent, which no"
        + " event of this request has (front is on the same trace): its caller logged another span"
        + " id than the one it sent");
  }

  @Test
  void authnFailureAtTheEdge() {
    Req r = new Req(2);
    r.server("edge", "proxy", 0, 3).status(401).authn("failure", "token_expired")
        .token(TOKEN_A);

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.AUTHN_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("edge");
    assertThat(v.verdictReason()).isEqualTo("token_expired");
    assertThat(v.evidence())
        .isEqualTo("edge rejected the credential: token expired (token a1b2c3d4…)");
  }

  @Test
  void authzFailureAtBackendPassedOnByTheGateway() {
    Req r = new Req(3);
    Line edge = r.server("edge", "cdn", 0, 50).status(403);
    Line gw = r.server("gateway", "gateway", 2, 45).parent(edge).status(403)
        .authn("success", null).token(TOKEN_A).authz("failure", "policy_denied")
        .inferred("authz");
    Line gwc = r.client(gw, "backend", 5, 30).status(403)
        .dependency("failure", "upstream_forbidden", "backend");
    r.server("backend", "backend", 7, 20).parent(gwc).status(403).authn("success", null)
        .token(TOKEN_A).authz("failure", "insufficient_scope");

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.AUTHZ_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("backend");
    assertThat(v.verdictReason()).isEqualTo("insufficient_scope");
    assertThat(v.evidence())
        .isEqualTo("backend denied the request: insufficient scope (403); passed on by "
            + "gateway (403), edge (403)");
  }

  @Test
  void tokenExchangeFailure() {
    Req r = new Req(4);
    Line edge = r.server("edge", "cdn", 0, 50).status(401);
    Line gw = r.server("gateway", "gateway", 2, 45).parent(edge).status(401)
        .authn("success", null).token(TOKEN_A).authn("success", null)
        .set("identity.authn.inferred", null);
    Line gwc = r.client(gw, "backend", 5, 30).status(401).token(TOKEN_B)
        .dependency("failure", "upstream_unauthenticated", "backend");
    r.server("backend", "backend", 7, 20).parent(gwc).status(401)
        .authn("failure", "audience_mismatch").token(TOKEN_B).audience("orders-internal");

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.TOKEN_EXCHANGE_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("backend");
    assertThat(v.verdictReason()).isEqualTo("audience_mismatch");
    assertThat(v.evidence())
        .isEqualTo("backend rejected the token exchanged by gateway: audience mismatch "
            + "(token c3d4e5f6… ≠ a1b2c3d4…, audience orders-internal); passed on by "
            + "gateway (401), edge (401)");
  }

  @Test
  void sameTokenRejectedInsideIsAnAuthnFailure() {
    Req r = new Req(5);
    Line gw = r.server("gateway", "gateway", 0, 45).status(401).authn("success", null)
        .token(TOKEN_A);
    Line gwc = r.client(gw, "backend", 5, 30).status(401).token(TOKEN_A);
    r.server("backend", "backend", 7, 20).parent(gwc).status(401)
        .authn("failure", "binding_mismatch").token(TOKEN_A);

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.AUTHN_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("backend");
    assertThat(v.verdictReason()).isEqualTo("binding_mismatch");
    assertThat(v.evidence())
        .startsWith("backend rejected the token that gateway accepted: binding mismatch "
            + "(same token a1b2c3d4…)");
  }

  @Test
  void dependencyDownIsRootedAtTheCallingHop() {
    Req r = new Req(6);
    Line edge = r.server("edge", "cdn", 0, 60).status(503);
    Line gw = r.server("gateway", "gateway", 2, 55).parent(edge).status(503)
        .authn("success", null).token(TOKEN_A)
        .dependency("failure", "upstream_unavailable", "backend").inferred("dependency");
    Line gwc = r.client(gw, "backend", 5, 40).status(503)
        .dependency("failure", "upstream_unavailable", "backend");
    Line be = r.server("backend", "backend", 7, 30).parent(gwc).status(503)
        .authn("success", null).token(TOKEN_A)
        .dependency("failure", "connect_failure", "inventory").inferred("dependency");
    r.client(be, "inventory", 10, 3).dependency("failure", "connect_failure", "inventory");

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.DEPENDENCY_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("backend");
    assertThat(v.verdictReason()).isEqualTo("connect_failure");
    assertThat(v.evidence())
        .isEqualTo("backend could not connect to inventory; inventory logged no event; passed on"
            + " by gateway (503), edge (503)");
  }

  @Test
  void slowDependencyIsATimeoutAtTheCaller() {
    Req r = new Req(7);
    Line edge = r.server("edge", "cdn", 0, 2100).status(504);
    Line gw = r.server("gateway", "gateway", 2, 2090).parent(edge).status(504);
    Line gwc = r.client(gw, "backend", 5, 2080).status(504);
    Line be = r.server("backend", "backend", 7, 2070).parent(gwc).status(504)
        .dependency("failure", "timeout", "inventory").inferred("dependency");
    Line bec = r.client(be, "inventory", 10, 2000)
        .dependency("failure", "timeout", "inventory");
    r.server("inventory", "backend", 12, 5000).parent(bec).status(200);

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.DEPENDENCY_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("backend");
    assertThat(v.verdictReason()).isEqualTo("timeout");
    assertThat(v.evidence())
        .startsWith("backend's call to inventory timed out after 2.0 s; inventory answered 200 "
            + "after 5.0 s");
  }

  @Test
  void aCalleeWhoseCallerGaveUpIsNotTheRootCause() {
    // As the gRPC adapter logs it: the callee's call ends when the caller's deadline passes.
    Req r = new Req(17);
    Line be = r.server("backend", "backend", 0, 1011).status(504)
        .dependency("failure", "timeout", "inventory").inferred("dependency");
    Line bec = r.client(be, "inventory", 3, 1004).dependency("failure", "timeout", "inventory");
    r.server("inventory", "backend", 5, 1008).parent(bec)
        .set("rpc.grpc.status_code", "DEADLINE_EXCEEDED")
        .set("error.type", "client_abort")
        .set("event.outcome", "failure");

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.DEPENDENCY_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("backend");
    assertThat(v.verdictReason()).isEqualTo("timeout");
  }

  @Test
  void aHopThatDropsTraceparentBreaksTheTrace() {
    Req r = new Req(8);
    Line edge = r.server("edge", "cdn", 0, 60).status(200);
    Line gw = r.server("gateway", "gateway", 2, 55).parent(edge).status(200);
    r.client(gw, "backend", 5, 40).status(200);
    String other = r.hex(32);
    r.server("backend", "backend", 7, 30).status(200).trace(other)
        .set("identity.trace.origin", "generated");

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.TRACE_BROKEN);
    assertThat(v.verdictHop()).isEqualTo("gateway");
    assertThat(v.verdictReason()).isEqualTo("trace_dropped"); // SPEC 1.1 section 4
    assertThat(v.traceId()).isEqualTo(r.trace);
    assertThat(v.traceIds()).containsExactly(r.trace, other);
    assertThat(Run.services(v))
        .containsExactly("edge:server", "gateway:server", "gateway:client", "backend:server");
    assertThat(v.evidence())
        .isEqualTo("request id " + r.requestId + " appears under 2 trace ids: backend received "
            + "no trace context from gateway and started trace " + other.substring(0, 8)
            + "… (gateway is on " + r.trace.substring(0, 8) + "…)");
  }

  @Test
  void aProxyWithoutClientEventsThatDropsTheTraceIsFoundByLayerOrder() {
    Req r = new Req(9);
    r.server("edge", "cdn", 0, 60).status(200);
    String other = r.hex(32);
    r.server("backend", "backend", 7, 30).status(200).trace(other)
        .set("identity.trace.origin", "generated");
    r.server("envoy", "mesh", 5, 40).status(200).set("span.parent.id", null);

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.TRACE_BROKEN);
    assertThat(v.verdictHop()).isEqualTo("envoy");
    assertThat(Run.services(v)).containsExactly("edge:server", "envoy:server", "backend:server");
  }

  @Test
  void aRealFailureOutranksTheBrokenTraceAndMentionsIt() {
    Req r = new Req(10);
    Line gw = r.server("gateway", "gateway", 2, 55).status(403);
    r.client(gw, "backend", 5, 40).status(403);
    String other = r.hex(32);
    r.server("backend", "backend", 7, 30).status(403).trace(other)
        .set("identity.trace.origin", "generated").authz("failure", "policy_denied");

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.AUTHZ_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("backend");
    assertThat(v.evidence()).contains("; the trace also broke: backend received no trace context"
        + " from gateway");
  }

  @Test
  void outOfOrderLinesGiveTheSameVerdicts() {
    List<String> ordered = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ordered.addAll(Req.fourHops(100 + i, Req.T0.plusSeconds(i)).json());
    }
    List<String> shuffled = new ArrayList<>(ordered);
    Collections.shuffle(shuffled, new Random(42));

    List<String> expected = jsonSorted(Run.of(ordered).verdicts);
    List<String> actual = jsonSorted(Run.of(shuffled).verdicts);

    assertThat(actual).hasSize(20).isEqualTo(expected);
    for (RequestVerdict v : Run.of(shuffled).verdicts) {
      assertThat(v.verdict()).isEqualTo(Verdict.OK);
      assertThat(v.hops()).hasSize(6);
    }
  }

  @Test
  void duplicateEventsCountOnce() {
    Req r = Req.fourHops(11, Req.T0);
    List<String> lines = new ArrayList<>();
    for (String l : r.json()) {
      lines.add(l);
      lines.add(l);
    }
    lines.add(r.json().get(3));

    Run run = Run.of(lines);

    assertThat(run.only().hops()).hasSize(6);
    assertThat(run.correlator.duplicates()).isEqualTo(7);
    assertThat(run.correlator.events()).isEqualTo(6);
    assertThat(run.only().toJson()).isEqualTo(Run.of(r.json()).only().toJson());
  }

  @Test
  void aMissingServerEventLeavesItsCallsInPlace() {
    Req r = Req.fourHops(12, Req.T0);
    List<String> lines = r.json();
    lines.remove(1); // the gateway's server event

    RequestVerdict v = Run.of(lines).only();

    assertThat(v.verdict()).isEqualTo(Verdict.OK);
    assertThat(Run.services(v))
        .containsExactly(
            "edge:server", "gateway:client", "backend:server", "backend:client",
            "inventory:server");
  }

  @Test
  void missingMiddleHopsAreOrderedByLayerAndTime() {
    Req r = Req.fourHops(13, Req.T0);
    List<String> lines = new ArrayList<>();
    // Only the server events of edge, backend and inventory; no span links between them.
    for (int i : new int[] {5, 3, 0}) {
      Line l = r.line(i).copy().set("span.parent.id", null).set("span.id", null);
      lines.add(l.json());
    }

    RequestVerdict v = Run.of(lines).only();

    assertThat(Run.services(v))
        .containsExactly("edge:server", "backend:server", "inventory:server");
  }

  @Test
  void retriesAreDecidedByTheLastAttempt() {
    Req r = new Req(14);
    Line edge = r.server("edge", "cdn", 0, 300).status(200);
    Line gw = r.server("gateway", "gateway", 2, 290).parent(edge).status(200);
    r.client(gw, "backend", 5, 10).dependency("failure", "connect_failure", "backend");
    r.client(gw, "backend", 50, 10).dependency("failure", "connect_failure", "backend");
    Line last = r.client(gw, "backend", 100, 100).status(200);
    r.server("backend", "backend", 110, 80).parent(last).status(200);

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.OK);
    assertThat(Run.services(v))
        .containsExactly(
            "edge:server", "gateway:server", "gateway:client", "gateway:client",
            "gateway:client", "backend:server");
  }

  @Test
  void aFailedLastAttemptDecidesOverAnEarlierOne() {
    Req r = new Req(15);
    Line gw = r.server("gateway", "gateway", 0, 300).status(502)
        .dependency("failure", "connect_failure", "backend").inferred("dependency");
    Line first = r.client(gw, "backend", 5, 50).status(401)
        .dependency("failure", "upstream_unauthenticated", "backend");
    r.server("backend", "backend", 10, 40).parent(first).status(401)
        .authn("failure", "token_expired");
    r.client(gw, "backend", 100, 10).dependency("failure", "connect_failure", "backend");

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.DEPENDENCY_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("gateway");
    assertThat(v.verdictReason()).isEqualTo("connect_failure");
    assertThat(v.evidence()).startsWith("gateway could not connect to backend after 2 attempts");
  }

  @Test
  void fanOutIsDecidedByTheFailingBranch() {
    Req r = new Req(16);
    Line gw = r.server("gateway", "gateway", 0, 100).status(403);
    Line gwc = r.client(gw, "backend", 2, 90).status(403);
    Line be = r.server("backend", "backend", 4, 80).parent(gwc).status(403)
        .authz("failure", "policy_denied").inferred("authz");
    Line inv = r.client(be, "inventory", 6, 20).status(200);
    r.server("inventory", "backend", 7, 18).parent(inv).status(200);
    Line pri = r.client(be, "pricing", 8, 20).status(403)
        .dependency("failure", "upstream_forbidden", "pricing");
    r.server("pricing", "backend", 9, 18).parent(pri).status(403)
        .authz("failure", "actor_not_permitted");

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.AUTHZ_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("pricing");
    assertThat(v.verdictReason()).isEqualTo("actor_not_permitted");
    assertThat(Run.services(v))
        .containsExactly(
            "gateway:server", "gateway:client", "backend:server", "backend:client",
            "inventory:server", "backend:client", "pricing:server");
  }

  @Test
  void fanOutWithTwoFailuresFollowsTheStatusThatWasAnswered() {
    Req r = new Req(17);
    Line be = r.server("backend", "backend", 0, 3000).status(403);
    r.client(be, "inventory", 6, 2000).dependency("failure", "timeout", "inventory");
    Line pri = r.client(be, "pricing", 8, 20).status(403);
    r.server("pricing", "backend", 9, 18).parent(pri).status(403)
        .authz("failure", "policy_denied");

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.AUTHZ_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("pricing");
  }

  @Test
  void clockSkewDoesNotReorderHopsTheParentChainOrders() {
    Req r = new Req(18);
    Line edge = r.server("edge", "cdn", 0, 60).status(403);
    Line gw = r.server("gateway", "gateway", 2, 55).parent(edge).status(403).skew(3000);
    Line gwc = r.client(gw, "backend", 5, 40).status(403).skew(3000);
    // The backend's clock is five seconds behind: it seems to start before the edge.
    Line be = r.server("backend", "backend", 7, 30).parent(gwc).status(403)
        .authz("failure", "policy_denied").skew(-5000);
    Line bec = r.client(be, "inventory", 9, 10).status(200).skew(-5000);
    r.server("inventory", "backend", 10, 5).parent(bec).status(200).skew(-2000);

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(Run.services(v))
        .containsExactly(
            "edge:server", "gateway:server", "gateway:client", "backend:server",
            "backend:client", "inventory:server");
    assertThat(v.verdict()).isEqualTo(Verdict.AUTHZ_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("backend");
  }

  @Test
  void aServerJoinsItsCallerBySpanEvenUnderAnotherTraceId() {
    Req r = new Req(19);
    Line gw = r.server("gateway", "gateway", 0, 50).status(200);
    Line gwc = r.client(gw, "backend", 5, 40).status(200);
    r.server("backend", "backend", 7, 30).parent(gwc).status(200).trace(r.hex(32))
        .set("identity.request.id", "something-else");

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(Run.services(v))
        .containsExactly("gateway:server", "gateway:client", "backend:server");
    assertThat(v.verdict()).isEqualTo(Verdict.TRACE_BROKEN);
  }

  @Test
  void requestsFinishWhenTheWindowPassesNotAtTheEnd() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      lines.addAll(Req.fourHops(200 + i, Req.T0.plusSeconds(i)).json());
    }
    List<RequestVerdict> seen = new ArrayList<>();
    Correlator c = Correlator.builder().window(Duration.ofSeconds(5)).onVerdict(seen::add).build();
    int maxInFlight = 0;
    for (String l : lines) {
      c.accept(CorrelationEvent.parse(l));
      maxInFlight = Math.max(maxInFlight, c.inFlight());
    }
    // Requests start a second apart and last 120 ms: at most the last five seconds are open.
    assertThat(maxInFlight).isBetween(5, 7);
    assertThat(seen.size()).isBetween(93, 95);
    c.finish();
    assertThat(seen).hasSize(100).allSatisfy(v -> assertThat(v.hops()).hasSize(6));
    assertThat(c.inFlight()).isZero();
  }

  @Test
  void withoutAConsumerVerdictsWaitToBeDrained() {
    Correlator c = Correlator.builder().build();
    for (String l : Req.fourHops(20, Req.T0).json()) {
      c.accept(CorrelationEvent.parse(l));
    }
    assertThat(c.drain()).isEmpty();
    c.finish();
    assertThat(c.drain()).hasSize(1);
    assertThat(c.drain()).isEmpty();
  }

  @Test
  void accessLogLinesOfProxiesAreHops() {
    Req r = new Req(21);
    String parentSpan = r.hex(16);
    String nginx = "{\"timestamp\":\"28/Nov/2026:09:00:00 +0000\",\"service.name\":\"nginx\","
        + "\"identity.hop.layer\":\"proxy\",\"traceparent\":\"00-" + r.trace + "-" + parentSpan
        + "-01\",\"identity.request.id\":\"" + r.requestId + "\","
        + "\"http.response.status_code\":\"401\",\"event.duration\":\"0.012\","
        + "\"identity.token.hash\":\"-\",\"ssl_client_s_dn\":\"\"}";
    r.server("gateway", "gateway", 2, 8).set("span.parent.id", parentSpan).status(401)
        .authn("failure", "token_expired");
    List<String> lines = new ArrayList<>(r.json());
    lines.add(0, nginx);

    RequestVerdict v = Run.of(lines).only();

    assertThat(Run.services(v)).containsExactly("nginx:server", "gateway:server");
    assertThat(v.hops().get(0).status()).isEqualTo("401");
    assertThat(v.verdict()).isEqualTo(Verdict.AUTHN_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("gateway");
    assertThat(v.evidence()).endsWith("; passed on by nginx (401)");
  }

  @Test
  void aStatusAloneIsInferredAtTheHopThatAnsweredIt() {
    Req r = new Req(22);
    r.server("nginx", "proxy", 0, 5).status(403);

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.AUTHZ_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("nginx");
    assertThat(v.verdictReason()).isNull();
    assertThat(v.evidence()).isEqualTo("nginx denied the request (403); inferred from its status");
  }

  @Test
  void anUnexplainedServerErrorIsUnknown() {
    Req r = new Req(23);
    Line gw = r.server("gateway", "gateway", 0, 50).status(500);
    Line gwc = r.client(gw, "backend", 5, 40).status(200);
    r.server("backend", "backend", 7, 30).parent(gwc).status(200);

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(v.verdictHop()).isEqualTo("gateway");
    assertThat(v.evidence())
        .startsWith("gateway answered 500 without recording an identity or dependency failure");
  }

  @Test
  void aHopThatSucceededToleratedWhatFailedInsideIt() {
    Req r = new Req(24);
    Line be = r.server("backend", "backend", 0, 50).status(200);
    r.client(be, "recommendations", 5, 40).dependency("failure", "timeout", "recommendations");

    assertThat(Run.of(r.json()).only().verdict()).isEqualTo(Verdict.OK);
  }

  @Test
  void anAuthnDecisionThatCouldNotBeMadeNamesItsOwnHop() {
    Req r = new Req(25);
    Line gw = r.server("gateway", "gateway", 0, 50).status(503)
        .authn("error", "authn_dependency_unavailable");
    r.client(gw, "keycloak", 5, 40).dependency("failure", "connect_failure", "keycloak");

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.AUTHN_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("gateway");
    assertThat(v.verdictReason()).isEqualTo("authn_dependency_unavailable");
    assertThat(v.evidence()).contains("gateway could not connect to keycloak");
  }

  @Test
  void aCalleeThatLoggedNothingButAnswered401IsNamed() {
    Req r = new Req(26);
    Line gw = r.server("gateway", "gateway", 0, 50).status(401).authn("success", null)
        .token(TOKEN_A);
    r.client(gw, "legacy", 5, 40).status(401).token(TOKEN_B);

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.TOKEN_EXCHANGE_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("legacy");
    assertThat(v.verdictReason()).isEqualTo("upstream_unauthenticated");
  }

  @Test
  void grpcStatusesCountLikeHttpOnes() {
    Req r = new Req(27);
    Line gw = r.server("gateway", "gateway", 0, 50).grpc("UNAVAILABLE");
    r.client(gw, "orders", 5, 40).grpc("14");

    RequestVerdict v = Run.of(r.json()).only();

    assertThat(v.verdict()).isEqualTo(Verdict.DEPENDENCY_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("gateway");
    assertThat(v.verdictReason()).isEqualTo("upstream_unavailable");
    assertThat(v.hops().get(1).status()).isEqualTo("UNAVAILABLE");
  }

  @Test
  void eventsWithNothingToJoinOnAreCountedAndIgnored() {
    Run run = Run.of(List.of(
        "{\"event.name\":\"identity.server\",\"service.name\":\"x\","
            + "\"http.response.status_code\":500}"));
    assertThat(run.verdicts).isEmpty();
    assertThat(run.correlator.unjoinable()).isEqualTo(1);
  }

  @Test
  void aReusedRequestIdCannotGrowARequestWithoutBound() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Req r = new Req(300 + i);
      r.server("gateway", "gateway", i, 5).status(200).set("identity.request.id", "test");
      lines.addAll(r.json());
    }
    Run run = new Run();
    Correlator c = Correlator.builder().maxEventsPerRequest(10).onVerdict(run.verdicts::add)
        .build();
    for (String l : lines) {
      c.accept(CorrelationEvent.parse(l));
    }
    c.finish();
    assertThat(run.only().hops()).hasSize(10);
    assertThat(c.dropped()).isEqualTo(40);
  }

  @Test
  void theJsonLineHasTheDocumentedShape() throws Exception {
    Req r = new Req(28);
    Line gw = r.server("gateway", "gateway", 0, 45).status(401).authn("success", null)
        .token(TOKEN_A);
    Line gwc = r.client(gw, "backend", 5, 30).status(401).token(TOKEN_B)
        .dependency("failure", "upstream_unauthenticated", "backend");
    String other = r.hex(32);
    r.server("backend", "backend", 7, 20).parent(gwc).status(401).trace(other)
        .authn("failure", "audience_mismatch").token(TOKEN_B).inferred("authn");

    String json = Run.of(r.json()).only().toJson();
    JsonNode n = Line.MAPPER.readTree(json);

    assertThat(json).doesNotContain("\n");
    assertThat(n.get("trace.id").asText()).isEqualTo(r.trace);
    assertThat(n.get("trace.ids")).hasSize(2);
    assertThat(n.get("identity.request.id").asText()).isEqualTo(r.requestId);
    assertThat(n.get("timestamp").asText()).isEqualTo("2026-11-28T09:00:00.000Z");
    assertThat(n.get("verdict").asText()).isEqualTo("token_exchange_failure");
    assertThat(n.get("verdict.hop").asText()).isEqualTo("backend");
    assertThat(n.get("verdict.reason").asText()).isEqualTo("audience_mismatch");
    assertThat(n.get("verdict.evidence").asText()).contains("exchanged by gateway");
    JsonNode hops = n.get("hops");
    assertThat(hops).hasSize(3);
    assertThat(hops.get(0).get("service").asText()).isEqualTo("gateway");
    assertThat(hops.get(0).get("layer").asText()).isEqualTo("gateway");
    assertThat(hops.get(0).get("event").asText()).isEqualTo("server");
    assertThat(hops.get(0).get("status").asText()).isEqualTo("401");
    assertThat(hops.get(0).get("authn").asText()).isEqualTo("success");
    assertThat(hops.get(0).has("trace.id")).isFalse();
    assertThat(hops.get(1).get("event").asText()).isEqualTo("client");
    assertThat(hops.get(1).get("dependency").asText()).isEqualTo("failure");
    assertThat(hops.get(1).get("dependency.reason").asText()).isEqualTo("upstream_unauthenticated");
    assertThat(hops.get(1).get("dependency.name").asText()).isEqualTo("backend");
    assertThat(hops.get(1).get("token.hash").asText()).isEqualTo(TOKEN_B);
    assertThat(hops.get(2).get("trace.id").asText()).isEqualTo(other);
    assertThat(hops.get(2).get("authn.reason").asText()).isEqualTo("audience_mismatch");
    assertThat(hops.get(2).get("authn.inferred").asBoolean()).isTrue();
  }

  @Test
  void nothingThatLooksLikeARawTokenIsRepeated() {
    String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
    Req r = new Req(29);
    r.server("gateway", "gateway", 0, 5).status(401).authn("failure", "token_invalid")
        .set("identity.token.hash", jwt).set("authorization", "Bearer " + jwt);

    String json = Run.of(r.json()).only().toJson();

    assertThat(json).doesNotContain("eyJ").doesNotContain("Bearer");
  }

  @Test
  void controlCharactersNeverBreakTheLine() throws Exception {
    Req r = new Req(30);
    r.server("gate\nway\u2028", "gateway", 0, 5).status(401).authn("failure", "token\u0000bad");

    String json = Run.of(r.json()).only().toJson();

    assertThat(json).doesNotContain("\n").doesNotContain("\u2028").doesNotContain("\u0000");
    assertThat(Line.MAPPER.readTree(json).get("verdict.hop").asText()).startsWith("gate");
  }

  private static List<String> jsonSorted(List<RequestVerdict> verdicts) {
    List<String> out = new ArrayList<>();
    for (RequestVerdict v : verdicts) {
      out.add(v.toJson());
    }
    Collections.sort(out);
    return out;
  }
}
