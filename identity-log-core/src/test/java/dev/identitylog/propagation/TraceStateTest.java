package dev.identitylog.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * tracestate rules of W3C Trace Context section 3.3, with the cases of the W3C test suite
 * (w3c/trace-context, test/test.py): tracestate is passed through only when it validates.
 */
class TraceStateTest {
  private static final String TP = "00-12345678901234567890123456789012-1234567890123456-00";

  private static String state(String tracestate) {
    TraceContext c = TraceParent.parse(TP, tracestate);
    assertThat(c).as("the traceparent itself stays valid").isNotNull();
    return c.traceState();
  }

  @Test
  void canonicalValuesPassThroughUnchanged() {
    String v = "foo=1,bar=2";
    assertThat(state(v)).isSameAs(v);
  }

  @Test
  void whitespaceAndEmptyMembersAreRemoved() {
    assertThat(state("foo=1 \t , \t bar=2, \t baz=3")).isEqualTo("foo=1,bar=2,baz=3");
    assertThat(state("foo=1\t \t,\t \tbar=2,\t \tbaz=3")).isEqualTo("foo=1,bar=2,baz=3");
    assertThat(state(" foo=1")).isEqualTo("foo=1");
    assertThat(state("\tfoo=1")).isEqualTo("foo=1");
    assertThat(state("foo=1 ")).isEqualTo("foo=1");
    assertThat(state("foo=1\t")).isEqualTo("foo=1");
    assertThat(state("\t foo=1 \t")).isEqualTo("foo=1");
    // several tracestate headers, one of them empty, joined with commas by the adapter
    assertThat(state("foo=1,")).isEqualTo("foo=1");
    assertThat(state(",foo=1")).isEqualTo("foo=1");
    assertThat(state("foo=1,bar=2,rojo=1,congo=2,baz=3"))
        .isEqualTo("foo=1,bar=2,rojo=1,congo=2,baz=3");
  }

  @Test
  void emptyTracestateIsDropped() {
    assertThat(state("")).isNull();
    assertThat(state(" , ,")).isNull();
    assertThat(state(null)).isNull();
  }

  @Test
  void allAllowedCharacters() {
    String keyWithoutVendor = "abcdefghijklmnopqrstuvwxyz0123456789_-*/";
    String keyWithVendor = keyWithoutVendor + "@a-z0-9_-*/";
    StringBuilder value = new StringBuilder();
    for (char c = 0x20; c <= 0x7e; c++) {
      if (c != ',' && c != '=') {
        value.append(c);
      }
    }
    assertThat(state(keyWithoutVendor + "=" + value)).isEqualTo(keyWithoutVendor + "=" + value);
    assertThat(state(keyWithVendor + "=" + value)).isEqualTo(keyWithVendor + "=" + value);
  }

  @Test
  void keysMayStartWithADigit() {
    assertThat(state("1foo=bar")).isEqualTo("1foo=bar");
    assertThat(state("1tenant@vendor=bar")).isEqualTo("1tenant@vendor=bar");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "foo=1,foo=1", "foo=1,foo=2", // duplicated keys
      "foo =1", "FOO=1", "foo.bar=1", // illegal key characters
      "foo@=1,bar=2", "@foo=1,bar=2", "foo@@bar=1,bar=2", "foo@bar@baz=1,bar=2", // vendor format
      "foo=bar=baz", "foo=,bar=3", // illegal values
      "foo", "=1", "foo=1\u00e9", "foo=a\tb", "foo=1,_bar=2", "t@1v=1",
  })
  void invalidTracestatesAreDropped(String value) {
    assertThat(state(value)).isNull();
  }

  @Test
  void memberCountLimit() {
    String thirtyTwo = IntStream.rangeClosed(1, 32).mapToObj(n -> String.format("bar%02d=%02d", n, n))
        .collect(Collectors.joining(","));
    assertThat(state(thirtyTwo)).isEqualTo(thirtyTwo);
    assertThat(state(thirtyTwo + ",bar33=33")).isNull();
  }

  @Test
  void keyLengthLimits() {
    assertThat(state("foo=1," + "z".repeat(256) + "=1")).isNotNull();
    assertThat(state("foo=1," + "z".repeat(257) + "=1")).isNull();
    assertThat(state("foo=1," + "t".repeat(241) + "@" + "v".repeat(14) + "=1")).isNotNull();
    assertThat(state("foo=1," + "t".repeat(242) + "@v=1")).isNull();
    assertThat(state("foo=1,t@" + "v".repeat(15) + "=1")).isNull();
  }

  @Test
  void valueLengthLimit() {
    assertThat(state("foo=" + "v".repeat(256))).isNotNull();
    assertThat(state("foo=" + "v".repeat(257))).isNull();
    // leading spaces belong to the value, a trailing space is optional whitespace
    assertThat(state("foo=  v")).isEqualTo("foo=  v");
  }

  @Test
  void totalLengthIsBoundedTo512() {
    // members of 256 and 255 characters and a comma: exactly 512
    String a = "a=" + "x".repeat(254);
    String b = "b=" + "y".repeat(253);
    assertThat((a + "," + b).length()).isEqualTo(512);
    assertThat(state(a + "," + b)).isEqualTo(a + "," + b);
    assertThat(state(a + "," + b + "y")).isNull();
    // optional whitespace does not count
    assertThat(state(a + " ,  " + b)).isEqualTo(a + "," + b);
  }
}
