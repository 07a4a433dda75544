package dev.identitylog.otelit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The assertions every way of running OpenTelemetry must pass, on plain views of identity events
 * and exported spans (so the in-process SDK and the agent's exported JSON are checked alike): one
 * request through the front service, which made one call.
 */
final class Agreement {
  /** An identity event, reduced to what the comparison needs. */
  record Ev(String name, String service, String traceId, String spanId, String parentId,
      String requestId) {}

  /** An exported span. */
  record Sp(String traceId, String spanId, String parentId, String kind, Map<String, ?> attributes) {}

  /**
   * How the request arrived at the front service. Each request gets a trace id of its own, derived
   * from its request id, so that requests never share a trace.
   */
  enum Incoming {
    NONE(null),
    SAMPLED("01"),
    UNSAMPLED("00");

    private static final String PARENT = "00f067aa0ba902b7";
    private final String flags;

    Incoming(String flags) {
      this.flags = flags;
    }

    /** The traceparent to send for this request, or null. */
    String traceparent(String requestId) {
      return flags == null ? null : "00-" + traceId(requestId) + "-" + PARENT + "-" + flags;
    }

    static String traceId(String requestId) {
      try {
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
            .digest(requestId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return java.util.HexFormat.of().formatHex(digest, 0, 16);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Whether the trace is recorded (a new trace is, by the default sampler). */
    boolean sampled() {
      return this != UNSAMPLED;
    }
  }

  /** Never a span attribute: each is what the span already is. */
  static final Set<String> REDUNDANT = Set.of("service.name", "trace.id", "span.id", "timestamp",
      "span.parent.id");

  private Agreement() {}

  /**
   * Checks one request: its three events (front server, front client, callee server) link up, and,
   * when the trace is sampled, each is the exported span of the same id, with identity attributes
   * on the span each describes when the front service writes them ({@code frontOtel}).
   */
  static void check(String requestId, Incoming incoming, List<Ev> allEvents, List<Sp> allSpans,
      boolean frontOtel) {
    check(requestId, incoming, allEvents, allSpans, frontOtel, true);
  }

  /** As above; {@code traced} false when no OpenTelemetry runs at all (no span to compare). */
  static void check(String requestId, Incoming incoming, List<Ev> allEvents, List<Sp> allSpans,
      boolean frontOtel, boolean traced) {
    List<Ev> events =
        allEvents.stream().filter(e -> requestId.equals(e.requestId())).collect(Collectors.toList());
    assertThat(events).as("events of %s", requestId).hasSize(3);
    Ev client = only(events, e -> e.name().equals("identity.client"), requestId + " client");
    Ev front = only(events, e -> e.name().equals("identity.server") && e.service().startsWith("front"),
        requestId + " front");
    Ev back = only(events, e -> e.name().equals("identity.server") && !e.service().startsWith("front"),
        requestId + " back");
    String traceId = front.traceId();
    assertThat(events).allSatisfy(e -> assertThat(e.traceId()).as("trace.id").isEqualTo(traceId));
    if (incoming != Incoming.NONE) {
      assertThat(traceId).isEqualTo(Incoming.traceId(requestId));
      assertThat(front.parentId()).isEqualTo(Incoming.PARENT);
    }
    // The call's span is its own, a child of the request's, and the callee's parent.
    assertThat(client.parentId()).as("client span.parent.id").isEqualTo(front.spanId());
    assertThat(client.spanId()).as("client span.id").isNotEqualTo(client.parentId());
    assertThat(back.parentId()).as("callee span.parent.id").isEqualTo(client.spanId());

    if (!traced) {
      return;
    }
    List<Sp> spans =
        allSpans.stream().filter(s -> traceId.equals(s.traceId())).collect(Collectors.toList());
    if (!incoming.sampled()) {
      assertThat(spans).as("an unsampled trace exports no span").isEmpty();
      return; // the events above were still written: security evidence
    }
    Sp frontSpan = span(spans, front.spanId(), "front SERVER");
    Sp clientSpan = span(spans, client.spanId(), "CLIENT");
    Sp backSpan = span(spans, back.spanId(), "callee SERVER");
    assertThat(frontSpan.kind()).isEqualTo("SERVER");
    assertThat(clientSpan.kind()).isEqualTo("CLIENT");
    assertThat(clientSpan.parentId()).isEqualTo(front.spanId());
    assertThat(backSpan.kind()).isEqualTo("SERVER");
    assertThat(backSpan.parentId()).isEqualTo(client.spanId());

    for (Sp s : spans) {
      assertThat(s.attributes().keySet()).as("span attributes").doesNotContainAnyElementsOf(REDUNDANT);
    }
    if (frontOtel) {
      // Not event.outcome: a per-attempt CLIENT span (OkHttp library) ends before the call does.
      assertThat(clientSpan.attributes()).containsKeys(
          "identity.client.attempts", "tls.server.subject", "identity.request.id");
      assertThat(frontSpan.attributes()).containsKey("identity.request.id")
          .doesNotContainKeys("identity.client.attempts", "tls.server.subject");
    } else {
      for (Sp s : spans) {
        assertThat(s.attributes().keySet()).noneMatch(k -> k.startsWith("identity."));
      }
    }
  }

  private static Ev only(List<Ev> events, java.util.function.Predicate<Ev> p, String what) {
    List<Ev> found = events.stream().filter(p).collect(Collectors.toList());
    assertThat(found).as(what).hasSize(1);
    return found.get(0);
  }

  private static Sp span(List<Sp> spans, String spanId, String what) {
    List<Sp> found =
        spans.stream().filter(s -> spanId.equals(s.spanId())).collect(Collectors.toList());
    assertThat(found).as("%s span %s among %s", what, spanId, spans).hasSize(1);
    return found.get(0);
  }
}
