package dev.identitylog.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.event.TraceOrigin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Examples from the B3 specification (https://github.com/openzipkin/b3-propagation). */
class B3Test {
  @Test
  void singleWithAllFields() {
    TraceContext c =
        B3.parseSingle("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90");
    assertThat(c).isNotNull();
    assertThat(c.traceId()).isEqualTo("80f198ee56343ba864fe8b2a57d3eff7");
    assertThat(c.parentSpanId()).as("the B3 SpanId is the caller's span")
        .isEqualTo("e457b5a2e4d86bd1");
    assertThat(c.sampled()).isTrue();
    assertThat(c.traceState()).isNull();
    assertThat(c.origin()).isEqualTo(TraceOrigin.B3);
  }

  @Test
  void singleWithoutParent() {
    TraceContext c = B3.parseSingle("80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-1");
    assertThat(c.traceId()).isEqualTo("80f198ee56343ba864fe8b2a57d3eff7");
    assertThat(c.parentSpanId()).isEqualTo("05e3ac9a4f6e3b90");
    assertThat(c.sampled()).isTrue();
  }

  @Test
  void singleDebugIsSampled() {
    assertThat(B3.parseSingle("80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-d").sampled())
        .isTrue();
  }

  @Test
  void singleDenyAndDeferAreNotSampled() {
    assertThat(B3.parseSingle("80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-0").sampled())
        .isFalse();
    TraceContext deferred = B3.parseSingle("80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90");
    assertThat(deferred).isNotNull();
    assertThat(deferred.sampled()).isFalse();
  }

  @Test
  void single64BitTraceIdIsLeftPadded() {
    TraceContext c = B3.parseSingle("463ac35c9f6413ad-a2fb4a1d1a96d312-1-0020000000000001");
    assertThat(c.traceId()).isEqualTo("0000000000000000463ac35c9f6413ad");
    assertThat(c.parentSpanId()).isEqualTo("a2fb4a1d1a96d312");
    assertThat(Ids.isTraceId(c.traceId())).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1", "d", " 1 "})
  void samplingStateAloneCarriesNoIds(String value) {
    assertThat(B3.parseSingle(value)).isNull();
    assertThat(B3.samplingOnly(value)).isIn(0, 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "80F198EE56343BA864FE8B2A57D3EFF7-05e3ac9a4f6e3b90-1", // uppercase
      "80f198ee56343ba864fe8b2a57d3eff7-05E3AC9A4F6E3B90-1",
      "00000000000000000000000000000000-05e3ac9a4f6e3b90-1", // zero trace id
      "0000000000000000-05e3ac9a4f6e3b90-1",
      "80f198ee56343ba864fe8b2a57d3eff7-0000000000000000-1", // zero span id
      "80f198ee56343ba864fe8b2a57d3eff-05e3ac9a4f6e3b90-1", // 31 digits
      "80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b9-1", // 15 digits
      "80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-2", // bad sampling state
      "80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-", // dangling dash
      "80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-11",
      "80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-1-", // bad parent
      "80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-1-e457b5a2e4d86bd",
      "80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-1-0000000000000000",
      "80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-e457b5a2e4d86bd1", // parent, no state
      "80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-1-e457b5a2e4d86bd1-x",
      "80f198ee56343ba864fe8b2a57d3eff7", "", "x", "true",
  })
  void invalidSingle(String value) {
    assertThat(B3.parseSingle(value)).isNull();
  }

  @Test
  void multiFromTheSpecExamples() {
    TraceContext c = B3.parseMulti("463ac35c9f6413ad48485a3953bb6124", "a2fb4a1d1a96d312", "1");
    assertThat(c.traceId()).isEqualTo("463ac35c9f6413ad48485a3953bb6124");
    assertThat(c.parentSpanId()).isEqualTo("a2fb4a1d1a96d312");
    assertThat(c.sampled()).isTrue();
    assertThat(c.origin()).isEqualTo(TraceOrigin.B3);
  }

  @Test
  void multi64BitTraceIdIsLeftPadded() {
    TraceContext c = B3.parseMulti("463ac35c9f6413ad", "a2fb4a1d1a96d312", "0");
    assertThat(c.traceId()).isEqualTo("0000000000000000463ac35c9f6413ad");
    assertThat(c.sampled()).isFalse();
  }

  @Test
  void multiSampledValues() {
    String t = "463ac35c9f6413ad48485a3953bb6124";
    String s = "a2fb4a1d1a96d312";
    assertThat(B3.parseMulti(t, s, null).sampled()).as("absent: deferred").isFalse();
    assertThat(B3.parseMulti(t, s, "d").sampled()).isTrue();
    assertThat(B3.parseMulti(t, s, "true").sampled()).as("legacy").isTrue();
    assertThat(B3.parseMulti(t, s, "false").sampled()).as("legacy").isFalse();
    assertThat(B3.parseMulti(t, s, "yes")).isNull();
    assertThat(B3.parseMulti(t, s, "2")).isNull();
  }

  @Test
  void multiNeedsBothIds() {
    assertThat(B3.parseMulti(null, "a2fb4a1d1a96d312", "1")).isNull();
    assertThat(B3.parseMulti("463ac35c9f6413ad48485a3953bb6124", null, "1")).isNull();
    assertThat(B3.parseMulti(null, null, "1")).isNull();
    assertThat(B3.parseMulti("463ac35c9f6413ad48485a3953bb6124", "", "1")).isNull();
    assertThat(B3.parseMulti("463AC35C9F6413AD48485A3953BB6124", "a2fb4a1d1a96d312", "1"))
        .isNull();
    assertThat(B3.parseMulti("463ac35c9f6413ad4", "a2fb4a1d1a96d312", "1")).isNull();
    assertThat(B3.parseMulti("463ac35c9f6413ad48485a3953bb6124", "a2fb4a1d1a96d3120", "1"))
        .isNull();
  }

  @Test
  void multiToleratesSurroundingWhitespace() {
    TraceContext c = B3.parseMulti(" 463ac35c9f6413ad ", "\ta2fb4a1d1a96d312", " 1");
    assertThat(c).isNotNull();
    assertThat(c.traceId()).isEqualTo("0000000000000000463ac35c9f6413ad");
  }
}
