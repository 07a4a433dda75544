package dev.identitylog.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.event.TraceOrigin;
import dev.identitylog.redact.Limits;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TraceContextExtractorTest {
  private static final String TP_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String TRACEPARENT = "00-" + TP_TRACE + "-00f067aa0ba902b7-01";
  private static final String B3_TRACE = "80f198ee56343ba864fe8b2a57d3eff7";
  private static final String B3_SINGLE = B3_TRACE + "-e457b5a2e4d86bd1-1";
  private static final String AWS = "Root=1-5759e988-bd862e3fe1be46a994272793;"
      + "Parent=53995c3f42cd8ad8;Sampled=1";
  private static final String AWS_TRACE = "5759e988bd862e3fe1be46a994272793";

  /** A case-insensitive header map, as an adapter would provide. */
  private static HeaderGetter headers(String... nameValues) {
    Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < nameValues.length; i += 2) {
      map.put(nameValues[i], nameValues[i + 1]);
    }
    return map::get;
  }

  @Test
  void nothingReceivedGeneratesANewTrace() {
    TraceContext c = TraceContextExtractor.extract(headers());
    assertThat(c.origin()).isEqualTo(TraceOrigin.GENERATED);
    assertThat(Ids.isTraceId(c.traceId())).isTrue();
    assertThat(c.parentSpanId()).isNull();
    assertThat(c.sampled()).as("the trace this hop starts is sampled").isTrue();
    assertThat(c.traceState()).isNull();
    assertThat(TraceContextExtractor.extract(headers()).traceId())
        .as("each generated trace is new").isNotEqualTo(c.traceId());
  }

  @Test
  void traceparentComesFirst() {
    TraceContext c = TraceContextExtractor.extract(headers("Traceparent", TRACEPARENT,
        "TraceState", "congo=t61rcWkgMzE", "b3", B3_SINGLE, "X-Amzn-Trace-Id", AWS));
    assertThat(c.origin()).isEqualTo(TraceOrigin.TRACEPARENT);
    assertThat(c.traceId()).isEqualTo(TP_TRACE);
    assertThat(c.parentSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(c.traceState()).isEqualTo("congo=t61rcWkgMzE");
  }

  @Test
  void b3SingleWhenTraceparentIsInvalid() {
    TraceContext c = TraceContextExtractor.extract(headers("traceparent",
        TRACEPARENT.toUpperCase(Locale.ROOT), "b3", B3_SINGLE, "X-B3-TraceId",
        "463ac35c9f6413ad48485a3953bb6124", "X-B3-SpanId", "a2fb4a1d1a96d312",
        "X-Amzn-Trace-Id", AWS));
    assertThat(c.origin()).isEqualTo(TraceOrigin.B3);
    assertThat(c.traceId()).isEqualTo(B3_TRACE);
    assertThat(c.traceState()).isNull();
  }

  @Test
  void b3SingleBeforeB3Multi() {
    TraceContext c = TraceContextExtractor.extract(headers("b3", B3_SINGLE, "X-B3-TraceId",
        "463ac35c9f6413ad48485a3953bb6124", "X-B3-SpanId", "a2fb4a1d1a96d312"));
    assertThat(c.traceId()).isEqualTo(B3_TRACE);
  }

  @Test
  void b3MultiWhenThereIsNoSingle() {
    TraceContext c = TraceContextExtractor.extract(headers("X-B3-TraceId", "463ac35c9f6413ad",
        "X-B3-SpanId", "a2fb4a1d1a96d312", "X-B3-Sampled", "1", "X-Amzn-Trace-Id", AWS));
    assertThat(c.origin()).isEqualTo(TraceOrigin.B3);
    assertThat(c.traceId()).isEqualTo("0000000000000000463ac35c9f6413ad");
    assertThat(c.parentSpanId()).isEqualTo("a2fb4a1d1a96d312");
    assertThat(c.sampled()).isTrue();
  }

  @Test
  void b3DebugFlagMeansSampled() {
    TraceContext c = TraceContextExtractor.extract(headers("X-B3-TraceId", "463ac35c9f6413ad",
        "X-B3-SpanId", "a2fb4a1d1a96d312", "X-B3-Flags", "1"));
    assertThat(c.sampled()).isTrue();
  }

  @Test
  void awsLast() {
    TraceContext c = TraceContextExtractor.extract(headers("traceparent", "garbage", "b3",
        "nonsense", "X-Amzn-Trace-Id", AWS));
    assertThat(c.origin()).isEqualTo(TraceOrigin.AWS);
    assertThat(c.traceId()).isEqualTo(AWS_TRACE);
    assertThat(c.parentSpanId()).isEqualTo("53995c3f42cd8ad8");
    assertThat(c.sampled()).isTrue();
  }

  @Test
  void receivedButAllInvalidIsMarkedInvalid() {
    TraceContext c = TraceContextExtractor.extract(headers("traceparent",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "X-B3-TraceId", "xyz",
        "X-Amzn-Trace-Id", "Root=2-5759e988-bd862e3fe1be46a994272793"));
    assertThat(c.origin()).isEqualTo(TraceOrigin.INVALID);
    assertThat(Ids.isTraceId(c.traceId())).isTrue();
    assertThat(c.parentSpanId()).isNull();
    assertThat(c.traceState()).isNull();
  }

  @Test
  void eachHeaderAloneInvalidIsMarkedInvalid() {
    assertThat(TraceContextExtractor.extract(headers("traceparent", "00-zz")).origin())
        .isEqualTo(TraceOrigin.INVALID);
    assertThat(TraceContextExtractor.extract(headers("b3", "abc-def")).origin())
        .isEqualTo(TraceOrigin.INVALID);
    assertThat(TraceContextExtractor.extract(headers("X-B3-SpanId", "a2fb4a1d1a96d312")).origin())
        .as("a span id without a trace id").isEqualTo(TraceOrigin.INVALID);
    assertThat(TraceContextExtractor.extract(headers("X-Amzn-Trace-Id", "Root=")).origin())
        .isEqualTo(TraceOrigin.INVALID);
  }

  @Test
  void tracestateAloneIsNotATrace() {
    TraceContext c = TraceContextExtractor.extract(headers("tracestate", "foo=1"));
    assertThat(c.origin()).isEqualTo(TraceOrigin.GENERATED);
    assertThat(c.traceState()).isNull();
  }

  @Test
  void blankValuesCountAsAbsent() {
    assertThat(TraceContextExtractor.extract(headers("traceparent", "", "b3", "  ",
        "X-Amzn-Trace-Id", "\t")).origin()).isEqualTo(TraceOrigin.GENERATED);
  }

  @Test
  void aB3SamplingDecisionAloneIsKeptForTheGeneratedTrace() {
    TraceContext single = TraceContextExtractor.extract(headers("b3", "1"));
    assertThat(single.origin()).isEqualTo(TraceOrigin.GENERATED);
    assertThat(single.sampled()).isTrue();
    TraceContext deny = TraceContextExtractor.extract(headers("b3", "0"));
    assertThat(deny.origin()).isEqualTo(TraceOrigin.GENERATED);
    assertThat(deny.sampled()).isFalse();
    TraceContext multi = TraceContextExtractor.extract(headers("X-B3-Sampled", "d"));
    assertThat(multi.origin()).isEqualTo(TraceOrigin.GENERATED);
    assertThat(multi.sampled()).isTrue();
    // a sampling decision does not hide an invalid traceparent
    TraceContext withBadTraceparent =
        TraceContextExtractor.extract(headers("traceparent", "bad", "b3", "1"));
    assertThat(withBadTraceparent.origin()).isEqualTo(TraceOrigin.INVALID);
    assertThat(withBadTraceparent.sampled()).isTrue();
  }

  @Test
  void valuesAboveTheLimitAreNotParsedAndCountAsInvalid() {
    Limits small = Limits.of(64, 32, 256);
    String longButValid = "cc-" + TP_TRACE + "-00f067aa0ba902b7-01-" + "x".repeat(300);
    assertThat(TraceContextExtractor.extract(headers("traceparent", longButValid)).origin())
        .as("within the default 16 KiB").isEqualTo(TraceOrigin.TRACEPARENT);
    TraceContext c = TraceContextExtractor.extract(headers("traceparent", longButValid), small);
    assertThat(c.origin()).isEqualTo(TraceOrigin.INVALID);
    assertThat(c.traceId()).isNotEqualTo(TP_TRACE);

    // a valid header below the limit still wins over an oversized earlier one
    TraceContext next = TraceContextExtractor.extract(
        headers("traceparent", longButValid, "X-Amzn-Trace-Id", AWS), small);
    assertThat(next.origin()).isEqualTo(TraceOrigin.AWS);

    String awsTooLong = AWS + ";Pad=" + "x".repeat(300);
    assertThat(TraceContextExtractor.extract(headers("X-Amzn-Trace-Id", awsTooLong), small)
        .origin()).isEqualTo(TraceOrigin.INVALID);
    assertThat(TraceContextExtractor.extract(headers("X-Amzn-Trace-Id", awsTooLong)).origin())
        .isEqualTo(TraceOrigin.AWS);
  }

  @Test
  void anOversizedTracestateIsDroppedNotTheTraceparent() {
    Limits small = Limits.of(64, 32, 256);
    TraceContext c = TraceContextExtractor.extract(
        headers("traceparent", TRACEPARENT, "tracestate", "a=" + "b".repeat(300)), small);
    assertThat(c.origin()).isEqualTo(TraceOrigin.TRACEPARENT);
    assertThat(c.traceState()).isNull();
  }

  @Test
  void aGetterThatThrowsIsTreatedAsNoHeaders() {
    TraceContext c = TraceContextExtractor.extract(name -> {
      throw new IllegalStateException("request already recycled");
    });
    assertThat(c.origin()).isEqualTo(TraceOrigin.GENERATED);
  }

  @Test
  void headerNamesAreAskedForInLowercase() {
    java.util.List<String> asked = new java.util.ArrayList<>();
    TraceContextExtractor.extract(name -> {
      asked.add(name);
      return null;
    });
    assertThat(asked).isNotEmpty().allSatisfy(n -> assertThat(n).isLowerCase())
        .contains("traceparent", "b3", "x-b3-traceid", "x-b3-spanid", "x-b3-sampled",
            "x-amzn-trace-id");
  }
}
