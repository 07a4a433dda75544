package dev.identitylog.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated multi-hop stories, each with one injected fault, written as 1.0 or 1.1 emitters
 * write them, with clock skew between hosts, retries, duplicate lines and any arrival order: the
 * verdict, its hop and its reason are the fault's, for every story.
 */
class StoryPropertiesTest {
  private static final String[] OUTER_LAYERS = {"cdn", "proxy", "gateway", "mesh"};

  enum Fault { NONE, AUTHN, AUTHZ, EXCHANGE, DEPENDENCY }

  /** One story: its lines and the verdict it must get. */
  static final class Story {
    final List<String> lines = new ArrayList<>();
    String requestId;
    Verdict verdict;
    String hop;
    String reason;
    String shape;

    @Override
    public String toString() {
      return shape;
    }
  }

  @Property(tries = 300)
  void everyStoryGetsItsFaultsVerdict(@ForAll("inputs") List<Story> stories,
      @ForAll Random random) {
    List<String> lines = new ArrayList<>();
    for (Story s : stories) {
      lines.addAll(s.lines);
    }
    Collections.shuffle(lines, random);

    Map<String, RequestVerdict> byRequest = new HashMap<>();
    for (RequestVerdict v : Run.of(lines).verdicts) {
      assertThat(v.requestIds()).hasSize(1);
      assertThat(byRequest.put(v.requestIds().get(0), v)).as("split request").isNull();
    }
    assertThat(byRequest).hasSize(stories.size());
    for (Story s : stories) {
      RequestVerdict v = byRequest.get(s.requestId);
      assertThat(v.verdict()).as(s.shape + ": " + v.evidence()).isEqualTo(s.verdict);
      assertThat(v.verdictHop()).as(s.shape + ": " + v.evidence()).isEqualTo(s.hop);
      assertThat(v.verdictReason()).as(s.shape + ": " + v.evidence()).isEqualTo(s.reason);
    }
  }

  /** The shape that went wrong: exchanged token refused behind 1.0 hops that answered 401. */
  @Property(tries = 100)
  void exchangeBehindRelayingHopsIsATokenExchangeFailure(@ForAll("exchanges") Story s) {
    RequestVerdict v = Run.of(s.lines).only();
    assertThat(v.verdict()).as(s.shape + ": " + v.evidence())
        .isEqualTo(Verdict.TOKEN_EXCHANGE_FAILURE);
    assertThat(v.verdictHop()).isEqualTo(s.hop);
  }

  @Provide
  Arbitrary<List<Story>> inputs() {
    // Distinct seeds: two equal seeds would make two stories with one request id. java.util.Random
    // keeps only the low 48 bits of a seed, so the seeds are drawn from those bits alone.
    return Arbitraries.longs().between(0, (1L << 48) - 1).list().ofMinSize(1).ofMaxSize(4)
        .uniqueElements().map(seeds -> {
      List<Story> stories = new ArrayList<>();
      Map<String, Long> skews = new HashMap<>();
      Random hosts = new Random(seeds.get(0));
      for (int i = 0; i < seeds.size(); i++) {
        Random r = new Random(seeds.get(i));
        stories.add(story(r, Fault.values()[r.nextInt(Fault.values().length)], i, skews, hosts));
      }
      return stories;
    });
  }

  @Provide
  Arbitrary<Story> exchanges() {
    return Arbitraries.longs().map(seed -> {
      Random r = new Random(seed);
      Story s = story(r, Fault.EXCHANGE, 0, new HashMap<>(), r);
      return s;
    });
  }

  /** A chain of hops svc0 → svc1 → … → svcF, the fault at the innermost (svcF). */
  static Story story(Random r, Fault fault, int index, Map<String, Long> skews, Random hosts) {
    boolean v11 = r.nextBoolean();
    int f = fault == Fault.EXCHANGE ? 1 + r.nextInt(4) : r.nextInt(5);
    int exchanger = fault == Fault.EXCHANGE ? r.nextInt(f) : -1;
    Req q = new Req(r.nextLong(), Req.T0.plusSeconds(10L * index));
    Story s = new Story();
    s.requestId = q.requestId;
    s.shape = fault + (v11 ? " 1.1" : " 1.0") + " hops=" + (f + 1)
        + (exchanger >= 0 ? " exchanger=svc" + exchanger : "");
    String tokenA = q.hex(32);
    String tokenB = q.hex(32);

    // Layers outermost first: a sorted pick of the outer layers, then backends.
    List<String> layers = new ArrayList<>();
    for (String l : OUTER_LAYERS) {
      if (layers.size() < f && r.nextBoolean()) {
        layers.add(l);
      }
    }
    while (layers.size() <= f) {
      layers.add("backend");
    }

    int status = switch (fault) {
      case NONE -> 200;
      case AUTHN, EXCHANGE -> 401;
      case AUTHZ -> 403;
      case DEPENDENCY -> 503;
    };
    List<Line> servers = new ArrayList<>();
    Line call = null;
    for (int i = 0; i <= f; i++) {
      String svc = "svc" + i;
      Line h = q.server(svc, layers.get(i), 10L * i, 1000 - 20L * i).status(status)
          .set("identity.schema", v11 ? "1.1" : "1.0");
      if (call != null) {
        h.parent(call);
      }
      h.token(exchanger >= 0 && i > exchanger ? tokenB : tokenA);
      servers.add(h);
      boolean innermost = i == f;
      if (innermost) {
        own(h, fault, s, svc);
      } else {
        relay(h, fault, v11, "svc" + (i + 1));
      }
      if (!innermost) {
        if (r.nextInt(4) == 0) {
          // An earlier attempt that was reset; only the last attempt decides.
          q.client(h, "svc" + (i + 1), 10L * i + 1, 2).set("identity.schema", h.get("identity.schema"))
              .dependency("failure", "reset", "svc" + (i + 1)).set("event.outcome", "failure");
        }
        if (r.nextInt(4) == 0) {
          // A healthy side call, which must not be blamed.
          Line side = q.client(h, "cache" + i, 10L * i + 2, 2).status(200);
          q.server("cache" + i, "backend", 10L * i + 2, 1).parent(side).status(200);
        }
        call = q.client(h, "svc" + (i + 1), 10L * i + 5, 990 - 20L * i).status(status)
            .set("identity.schema", v11 ? "1.1" : "1.0")
            .token(exchanger >= 0 && i >= exchanger ? tokenB : tokenA);
        String reason = DependencyStatus.reason(status);
        if (reason != null) {
          call.dependency("failure", reason, "svc" + (i + 1));
        }
      }
    }
    if (fault == Fault.DEPENDENCY) {
      Line db = servers.get(f);
      q.client(db, "db", 10L * f + 5, 100).set("identity.schema", v11 ? "1.1" : "1.0")
          .dependency("failure", "connect_failure", "db").set("event.outcome", "failure");
    }

    // Clock skew per host, shared by the stories of one input; duplicates of some lines.
    for (Line l : q.lines) {
      long skew = skews.computeIfAbsent(l.service(), k -> (long) (hosts.nextInt(6001) - 3000));
      l.skew(skew);
      s.lines.add(l.json());
      if (r.nextInt(8) == 0) {
        s.lines.add(l.json());
      }
    }
    return s;
  }

  /** The innermost hop's own failure, recorded as an application or framework records it. */
  private static void own(Line h, Fault fault, Story s, String svc) {
    switch (fault) {
      case NONE -> {
        s.verdict = Verdict.OK;
        h.authn("success", null);
      }
      case AUTHN -> {
        h.authn("failure", "token_expired");
        s.verdict = Verdict.AUTHN_FAILURE;
        s.hop = svc;
        s.reason = "token_expired";
      }
      case EXCHANGE -> {
        h.authn("failure", "audience_mismatch").audience("other-api");
        s.verdict = Verdict.TOKEN_EXCHANGE_FAILURE;
        s.hop = svc;
        s.reason = "audience_mismatch";
      }
      case AUTHZ -> {
        h.authn("success", null).authz("failure", "policy_denied");
        s.verdict = Verdict.AUTHZ_FAILURE;
        s.hop = svc;
        s.reason = "policy_denied";
      }
      case DEPENDENCY -> {
        h.authn("success", null).dependency("failure", "connect_failure", "db")
            .inferred("dependency");
        s.verdict = Verdict.DEPENDENCY_FAILURE;
        s.hop = svc;
        s.reason = "connect_failure";
      }
    }
  }

  /** A hop that passed its callee's answer on, as a 1.0 or a 1.1 emitter infers it. */
  private static void relay(Line h, Fault fault, boolean v11, String callee) {
    switch (fault) {
      case NONE -> h.authn("success", null);
      case AUTHN, EXCHANGE -> {
        if (v11) {
          h.dependency("failure", "upstream_unauthenticated", callee).inferred("dependency")
              .authn("success", null).inferred("authn");
        } else {
          h.authn("failure", null).inferred("authn"); // 401: authn failure, inferred
        }
      }
      case AUTHZ -> {
        if (v11) {
          h.dependency("failure", "upstream_forbidden", callee).inferred("dependency")
              .authn("success", null).authz("success", null).inferred("authz");
        } else {
          h.authn("success", null).authz("failure", "policy_denied").inferred("authz");
        }
      }
      case DEPENDENCY -> h.authn("success", null)
          .dependency("failure", "upstream_unavailable", callee).inferred("dependency");
    }
  }

  /** The reason a client event records for the status it was answered. */
  static final class DependencyStatus {
    static String reason(int status) {
      var r = dev.identitylog.outcome.DependencyFailures.fromHttpStatus(status);
      return r == null ? null : r.code();
    }
  }
}
