package dev.identitylog.propagation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitylog.event.TraceOrigin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Examples from W3C Trace Context (https://www.w3.org/TR/trace-context/, section 3.2 "Examples of
 * HTTP traceparent Headers", section 3.1 "Relationship Between the Headers", section 3.2.4
 * "Versioning of traceparent") and the cases of the W3C test suite (w3c/trace-context,
 * test/test.py).
 */
class TraceParentTest {
  private static final String TRACE = "12345678901234567890123456789012";
  private static final String PARENT = "1234567890123456";

  @Test
  void specExampleSampled() {
    TraceContext c = TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        null);
    assertThat(c).isNotNull();
    assertThat(c.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(c.parentSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(c.sampled()).isTrue();
    assertThat(c.traceState()).isNull();
    assertThat(c.origin()).isEqualTo(TraceOrigin.TRACEPARENT);
  }

  @Test
  void specExampleNotSampled() {
    TraceContext c = TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
        null);
    assertThat(c).isNotNull();
    assertThat(c.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(c.parentSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(c.sampled()).isFalse();
  }

  @Test
  void specRelationshipExamplesWithTracestate() {
    TraceContext congo = TraceParent.parse(
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "congo=t61rcWkgMzE");
    assertThat(congo.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(congo.parentSpanId()).isEqualTo("b7ad6b7169203331");
    assertThat(congo.traceState()).isEqualTo("congo=t61rcWkgMzE");

    TraceContext rojo = TraceParent.parse(
        "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01",
        "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    assertThat(rojo.parentSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(rojo.traceState()).isEqualTo("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");

    TraceContext back = TraceParent.parse(
        "00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01",
        "congo=ucfJifl5GOE,rojo=00f067aa0ba902b7");
    assertThat(back.parentSpanId()).isEqualTo("b9c7c989f97918e1");
    assertThat(back.traceState()).isEqualTo("congo=ucfJifl5GOE,rojo=00f067aa0ba902b7");
  }

  @Test
  void specTracestateExamples() {
    String tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    assertThat(TraceParent.parse(tp, "rojo=00f067aa0ba902b7").traceState())
        .isEqualTo("rojo=00f067aa0ba902b7");
    assertThat(TraceParent.parse(tp, "vendorname1=opaqueValue1,vendorname2=opaqueValue2")
        .traceState()).isEqualTo("vendorname1=opaqueValue1,vendorname2=opaqueValue2");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // uppercase hex anywhere
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A",
      "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      // all-zero ids
      "00-00000000000000000000000000000000-1234567890123456-01",
      "00-12345678901234567890123456789012-0000000000000000-01",
      // version ff, even well-formed
      "ff-12345678901234567890123456789012-1234567890123456-01",
      // version characters, length
      ".0-12345678901234567890123456789012-1234567890123456-01",
      "0.-12345678901234567890123456789012-1234567890123456-01",
      "000-12345678901234567890123456789012-1234567890123456-01",
      "0000-12345678901234567890123456789012-1234567890123456-01",
      "0-12345678901234567890123456789012-1234567890123456-01",
      // trace id characters, length
      "00-.2345678901234567890123456789012-1234567890123456-01",
      "00-1234567890123456789012345678901.-1234567890123456-01",
      "00-123456789012345678901234567890123-1234567890123456-01",
      "00-1234567890123456789012345678901-1234567890123456-01",
      // parent id characters, length
      "00-12345678901234567890123456789012-.234567890123456-01",
      "00-12345678901234567890123456789012-123456789012345.-01",
      "00-12345678901234567890123456789012-12345678901234567-01",
      "00-12345678901234567890123456789012-123456789012345-01",
      // flags characters, length
      "00-12345678901234567890123456789012-1234567890123456-.0",
      "00-12345678901234567890123456789012-1234567890123456-0.",
      "00-12345678901234567890123456789012-1234567890123456-001",
      "00-12345678901234567890123456789012-1234567890123456-1",
      // version 00 with anything after the 55 characters
      "00-12345678901234567890123456789012-1234567890123456-01.",
      "00-12345678901234567890123456789012-1234567890123456-01-what-the-future-will-be-like",
      // a future version whose extra part does not start with a dash
      "cc-12345678901234567890123456789012-1234567890123456-01.what-the-future-will-be-like",
      // two traceparent headers joined by an adapter
      "00-12345678901234567890123456789011-1234567890123456-01,"
          + "00-12345678901234567890123456789012-1234567890123456-01",
      // wrong separators, empty
      "00_12345678901234567890123456789012-1234567890123456-01",
      "00-12345678901234567890123456789012_1234567890123456-01",
      "00-12345678901234567890123456789012-1234567890123456_01",
      "",
      " ",
  })
  void invalidTraceparents(String value) {
    assertThat(TraceParent.parse(value, "foo=1")).isNull();
  }

  @Test
  void nullIsAbsent() {
    assertThat(TraceParent.parse(null, "foo=1")).isNull();
  }

  @Test
  void futureVersionsAreReadForwardCompatibly() {
    TraceContext plain = TraceParent.parse("cc-" + TRACE + "-" + PARENT + "-01", null);
    assertThat(plain).isNotNull();
    assertThat(plain.traceId()).isEqualTo(TRACE);
    assertThat(plain.parentSpanId()).isEqualTo(PARENT);
    assertThat(plain.sampled()).isTrue();

    TraceContext extra = TraceParent.parse(
        "cc-" + TRACE + "-" + PARENT + "-01-what-the-future-will-be-like", null);
    assertThat(extra).isNotNull();
    assertThat(extra.traceId()).isEqualTo(TRACE);

    // a future version still needs lowercase hex and non-zero ids
    assertThat(TraceParent.parse("01-4BF92F3577B34DA6A3CE929D0E0E4736-" + PARENT + "-01", null))
        .isNull();
    assertThat(TraceParent.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-" + PARENT + "-01", null))
        .isNotNull();
    assertThat(TraceParent.parse("01-" + "0".repeat(32) + "-" + PARENT + "-01-x", null))
        .isNull();
  }

  @Test
  void optionalWhitespaceAroundTheValueIsIgnored() {
    for (String v : new String[] {" 00-" + TRACE + "-" + PARENT + "-01",
        "\t00-" + TRACE + "-" + PARENT + "-01", "00-" + TRACE + "-" + PARENT + "-01 ",
        "00-" + TRACE + "-" + PARENT + "-01\t", "\t 00-" + TRACE + "-" + PARENT + "-01 \t"}) {
      assertThat(TraceParent.parse(v, null)).as(v).isNotNull()
          .extracting(TraceContext::traceId).isEqualTo(TRACE);
    }
  }

  @Test
  void onlyTheSampledBitOfTheFlagsIsRead() {
    assertThat(TraceParent.parse("00-" + TRACE + "-" + PARENT + "-09", null).sampled()).isTrue();
    assertThat(TraceParent.parse("00-" + TRACE + "-" + PARENT + "-02", null).sampled()).isFalse();
    assertThat(TraceParent.parse("00-" + TRACE + "-" + PARENT + "-ff", null).sampled()).isTrue();
    assertThat(TraceParent.parse("00-" + TRACE + "-" + PARENT + "-fe", null).sampled()).isFalse();
  }

  @Test
  void tracestateIsDroppedButTraceparentKeptWhenOnlyTracestateIsInvalid() {
    TraceContext c = TraceParent.parse("00-" + TRACE + "-" + PARENT + "-00", "foo=1,foo=2");
    assertThat(c).isNotNull();
    assertThat(c.traceId()).isEqualTo(TRACE);
    assertThat(c.traceState()).isNull();
  }

  @Test
  void headerAboveTheSizeLimitIsNotParsed() {
    String huge = "cc-" + TRACE + "-" + PARENT + "-01-" + "a".repeat(16 * 1024);
    assertThat(TraceParent.parse(huge, null)).isNull();
  }

  @Test
  void formatWritesVersion00() {
    assertThat(TraceParent.format("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true))
        .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assertThat(TraceParent.format("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", false))
        .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  }

  @Test
  void formatRefusesMalformedIds() {
    assertThatThrownBy(() -> TraceParent.format("0".repeat(32), PARENT, true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TraceParent.format(TRACE, "ABCDEF0123456789", true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TraceParent.format(TRACE, null, true))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void formatThenParseRoundTrips() {
    for (int n = 0; n < 100; n++) {
      String trace = Ids.newTraceId();
      String span = Ids.newSpanId();
      boolean sampled = n % 2 == 0;
      TraceContext c = TraceParent.parse(TraceParent.format(trace, span, sampled), null);
      assertThat(c.traceId()).isEqualTo(trace);
      assertThat(c.parentSpanId()).isEqualTo(span);
      assertThat(c.sampled()).isEqualTo(sampled);
    }
  }
}
