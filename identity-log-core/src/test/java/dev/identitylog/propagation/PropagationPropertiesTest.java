package dev.identitylog.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.event.TraceOrigin;
import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every propagation parser, over arbitrary and over nearly-valid input: nothing escapes, and a
 * result is either null or well-formed.
 */
class PropagationPropertiesTest {
  private static final String[] NAMES = {"traceparent", "tracestate", "b3", "x-b3-traceid",
      "x-b3-spanid", "x-b3-sampled", "x-b3-flags", "x-amzn-trace-id"};

  static void assertWellFormed(TraceContext c, TraceOrigin origin) {
    if (c == null) {
      return;
    }
    assertThat(Ids.isTraceId(c.traceId())).as(c.traceId()).isTrue();
    assertThat(c.parentSpanId() == null || Ids.isSpanId(c.parentSpanId())).isTrue();
    assertThat(c.origin()).isEqualTo(origin);
    if (c.traceState() != null) {
      assertThat(c.traceState()).isNotEmpty();
      assertThat(c.traceState().length()).isLessThanOrEqualTo(512);
      assertThat(TraceState.validate(c.traceState())).isEqualTo(c.traceState());
    }
  }

  /** Strings over the characters these headers are made of, so that parsing gets deep. */
  @Provide
  Arbitrary<String> headerish() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("0123456789abcdefABF-=;,@ \t:d").ofMaxLength(80),
        Arbitraries.strings().ofMaxLength(80),
        mutatedValid());
  }

  /** Valid values with one character replaced, inserted or deleted. */
  @Provide
  Arbitrary<String> mutatedValid() {
    Arbitrary<String> valid = Arbitraries.of(
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future",
        "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90",
        "463ac35c9f6413ad-a2fb4a1d1a96d312-d",
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
        "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", "t@v=1, foo= bar");
    return Combinators.combine(valid, Arbitraries.integers().between(0, 200),
        Arbitraries.chars().ascii(), Arbitraries.integers().between(0, 2))
        .as((v, pos, c, op) -> {
          int p = pos % (v.length() + 1);
          switch (op) {
            case 0:
              return p < v.length() ? v.substring(0, p) + c + v.substring(p + 1) : v + c;
            case 1:
              return v.substring(0, p) + c + v.substring(p);
            default:
              return p < v.length() ? v.substring(0, p) + v.substring(p + 1) : v;
          }
        });
  }

  @Property
  void traceparentNeverThrows(@ForAll("headerish") String traceparent,
      @ForAll("headerish") String tracestate) {
    assertWellFormed(TraceParent.parse(traceparent, tracestate), TraceOrigin.TRACEPARENT);
  }

  @Property
  void traceparentOfArbitraryStrings(@ForAll String traceparent, @ForAll String tracestate) {
    assertWellFormed(TraceParent.parse(traceparent, tracestate), TraceOrigin.TRACEPARENT);
  }

  @Property
  void tracestateValidationIsIdempotent(@ForAll("headerish") String tracestate) {
    String once = TraceState.validate(tracestate);
    if (once != null) {
      assertThat(TraceState.validate(once)).isEqualTo(once);
      assertThat(once).doesNotStartWith(" ").doesNotEndWith(" ").doesNotContain(",,");
    }
  }

  @Property
  void b3SingleNeverThrows(@ForAll("headerish") String b3) {
    assertWellFormed(B3.parseSingle(b3), TraceOrigin.B3);
  }

  @Property
  void b3MultiNeverThrows(@ForAll("headerish") String traceId, @ForAll("headerish") String spanId,
      @ForAll("headerish") String sampled) {
    assertWellFormed(B3.parseMulti(traceId, spanId, sampled), TraceOrigin.B3);
  }

  @Property
  void amznNeverThrows(@ForAll("headerish") String value) {
    assertWellFormed(AmznTraceId.parse(value), TraceOrigin.AWS);
  }

  @Property
  void extractorAlwaysAnswersWithAValidTrace(
      @ForAll("headerish") String a, @ForAll("headerish") String b,
      @ForAll("headerish") String c, @ForAll("headerish") String d) {
    Map<String, String> map = new HashMap<>();
    String[] values = {a, b, c, d};
    for (int i = 0; i < values.length; i++) {
      map.put(NAMES[Math.floorMod(values[i].hashCode() + i, NAMES.length)], values[i]);
    }
    TraceContext context = TraceContextExtractor.extract(map::get);
    assertThat(context).isNotNull();
    assertWellFormed(context, context.origin());
    if (context.origin() == TraceOrigin.GENERATED || context.origin() == TraceOrigin.INVALID) {
      assertThat(context.parentSpanId()).isNull();
      assertThat(context.traceState()).isNull();
    }
  }

  @Property(tries = 200)
  void headerValuesAbove16KiBAreNotParsed(@ForAll("headerish") String tail) {
    String pad = " ".repeat(16 * 1024);
    assertThat(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" + pad
        + tail, null)).isNull();
    assertThat(B3.parseSingle("463ac35c9f6413ad-a2fb4a1d1a96d312" + pad + tail)).isNull();
    assertThat(AmznTraceId.parse("Root=1-5759e988-bd862e3fe1be46a994272793;" + pad + tail))
        .isNull();
    Map<String, String> map = Map.of("traceparent",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" + pad + tail);
    assertThat(TraceContextExtractor.extract(map::get).origin()).isEqualTo(TraceOrigin.INVALID);
  }

  @Property
  void formatParseRoundTrip(@ForAll long high, @ForAll long low, @ForAll long span,
      @ForAll boolean sampled) {
    if ((high == 0 && low == 0) || span == 0) {
      return;
    }
    String traceId = String.format("%016x%016x", high, low);
    String spanId = String.format("%016x", span);
    TraceContext c = TraceParent.parse(TraceParent.format(traceId, spanId, sampled), null);
    assertThat(c.traceId()).isEqualTo(traceId);
    assertThat(c.parentSpanId()).isEqualTo(spanId);
    assertThat(c.sampled()).isEqualTo(sampled);
  }

  @Property
  void b3And64BitIdsAgree(@ForAll long trace, @ForAll long span) {
    if (trace == 0 || span == 0) {
      return;
    }
    String t = String.format("%016x", trace);
    String s = String.format("%016x", span);
    TraceContext single = B3.parseSingle(t + "-" + s + "-1");
    TraceContext multi = B3.parseMulti(t, s, "1");
    assertThat(single).isEqualTo(multi);
    assertThat(single.traceId()).isEqualTo("0000000000000000" + t);
  }
}
