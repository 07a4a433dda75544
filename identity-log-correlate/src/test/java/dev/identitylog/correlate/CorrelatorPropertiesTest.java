package dev.identitylog.correlate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class CorrelatorPropertiesTest {
  private static final List<String> KEYS = List.of(
      "timestamp", "@timestamp", "event.name", "service.name", "identity.hop.layer", "trace.id",
      "span.id", "span.parent.id", "traceparent", "identity.request.id",
      "identity.request.edge_id", "http.response.status_code", "rpc.grpc.status_code",
      "event.duration", "event.outcome", "error.type", "identity.authn.outcome",
      "identity.authn.reason", "identity.authn.inferred", "identity.authz.outcome",
      "identity.authz.reason", "identity.dependency.outcome", "identity.dependency.reason",
      "identity.dependency.name", "identity.dependency.status", "identity.token.hash",
      "identity.token.audience", "identity.token.actor_chain", "identity.trace.origin",
      "identity.forwarded.untrusted", "identity.client.attempts", "server.address");

  /** Lines of any bytes never make the stream or the correlator throw. */
  @Property(tries = 300)
  void arbitraryLinesNeverCrash(@ForAll @Size(max = 40) List<String> lines) throws IOException {
    correlate(String.join("\n", lines).getBytes(UTF_8));
  }

  /** Objects made of the keys the correlator reads, with values of any type, never crash it. */
  @Property(tries = 500)
  void arbitraryEventsNeverCrash(@ForAll("objects") List<String> lines)
      throws IOException {
    correlate(String.join("\n", lines).getBytes(UTF_8));
  }

  /** The verdicts do not depend on the order lines arrive in (within the window). */
  @Property(tries = 100)
  void verdictsDoNotDependOnArrivalOrder(@ForAll("scenarios") List<String> lines,
      @ForAll Random random) {
    List<String> shuffled = new ArrayList<>(lines);
    Collections.shuffle(shuffled, random);
    assertThat(sorted(Run.of(shuffled).verdicts)).isEqualTo(sorted(Run.of(lines).verdicts));
  }

  private static void correlate(byte[] input) throws IOException {
    Correlator c = Correlator.builder().build();
    long lines;
    try (EventStream s = EventStream.builder().add("in", new ByteArrayInputStream(input))
        .build()) {
      for (CorrelationEvent e; (e = s.next()) != null; ) {
        c.accept(e);
      }
      lines = s.lines();
      assertThat(s.malformedLines() + s.otherLines() + s.events()).isLessThanOrEqualTo(lines);
    }
    c.finish();
    assertThat(c.analysisFailures()).isZero();
    for (RequestVerdict v : c.drain()) {
      String json = v.toJson();
      assertThat(Line.MAPPER.readTree(json).isObject()).isTrue();
      assertThat(json).doesNotContain("\n");
    }
  }

  @Provide
  Arbitrary<List<String>> objects() {
    Arbitrary<String> ids = Arbitraries.of("t1", "t2", "a3ce929d0e0e4736", "r-1", "s1", "s2",
        "s3", "4bf92f3577b34da6a3ce929d0e0e4736");
    Arbitrary<Object> values = Arbitraries.oneOf(
        ids.map(s -> (Object) s),
        Arbitraries.of("identity.server", "identity.client", "gateway", "backend", "cdn",
            "failure", "success", "error", "token_expired", "connect_failure",
            "upstream_forbidden", "2026-11-28T09:00:00.000Z", "401", "503", "UNAVAILABLE",
            "generated", "-", "", "true").map(s -> (Object) s),
        Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.doubles().map(d -> (Object) d),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.strings().ofMaxLength(20).map(s -> (Object) s),
        Arbitraries.strings().ofMaxLength(5).list().ofMaxSize(3).map(l -> (Object) l));
    return Combinators.combine(Arbitraries.of(KEYS), values).as(Map::entry)
        .list().ofMaxSize(14)
        .map(entries -> {
          Line l = new Line();
          for (Map.Entry<String, Object> e : entries) {
            l.set(e.getKey(), e.getValue());
          }
          return l.json();
        })
        .list().ofMaxSize(30);
  }

  @Provide
  Arbitrary<List<String>> scenarios() {
    return Arbitraries.integers().between(1, 1000).list().ofMinSize(1).ofMaxSize(4)
        .map(seeds -> {
          List<String> lines = new ArrayList<>();
          for (int seed : seeds) {
            Req r = Req.fourHops(seed, Req.T0.plusMillis(seed));
            Random random = new Random(seed);
            // Break something in some of them, drop a hop in others.
            switch (random.nextInt(4)) {
              case 0:
                r.line(3).status(403).authz("failure", "policy_denied");
                r.line(2).status(403);
                r.line(1).status(403);
                r.line(0).status(403);
                break;
              case 1:
                r.lines.remove(random.nextInt(r.lines.size()));
                break;
              case 2:
                r.line(5).trace(r.hex(32)).set("span.parent.id", null);
                break;
              default:
                break;
            }
            lines.addAll(r.json());
          }
          return lines;
        });
  }

  private static List<String> sorted(List<RequestVerdict> verdicts) {
    List<String> out = new ArrayList<>();
    for (RequestVerdict v : verdicts) {
      out.add(v.toJson());
    }
    Collections.sort(out);
    return out;
  }
}
