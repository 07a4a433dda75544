package dev.identitylog.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.event.TraceOrigin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Examples from the AWS X-Ray Developer Guide, "Tracing header"
 * (https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader).
 */
class AmznTraceIdTest {
  @Test
  void rootAndSampled() {
    TraceContext c = AmznTraceId.parse("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1");
    assertThat(c).isNotNull();
    assertThat(c.traceId()).isEqualTo("5759e988bd862e3fe1be46a994272793");
    assertThat(c.parentSpanId()).isNull();
    assertThat(c.sampled()).isTrue();
    assertThat(c.traceState()).isNull();
    assertThat(c.origin()).isEqualTo(TraceOrigin.AWS);
  }

  @Test
  void rootParentAndSampled() {
    TraceContext c = AmznTraceId.parse(
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
    assertThat(c.traceId()).isEqualTo("5759e988bd862e3fe1be46a994272793");
    assertThat(c.parentSpanId()).isEqualTo("53995c3f42cd8ad8");
    assertThat(c.sampled()).isTrue();
  }

  @Test
  void fieldsInAnyOrderWithWhitespace() {
    TraceContext c = AmznTraceId.parse(
        " Sampled=0 ; Parent=53995c3f42cd8ad8;Root=1-5759e988-bd862e3fe1be46a994272793 ;");
    assertThat(c.traceId()).isEqualTo("5759e988bd862e3fe1be46a994272793");
    assertThat(c.parentSpanId()).isEqualTo("53995c3f42cd8ad8");
    assertThat(c.sampled()).isFalse();
  }

  /**
   * The Application Load Balancer examples ("Request tracing for your Application Load Balancer",
   * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-request-tracing.html):
   * the load balancer's own Self field and an application's custom field are ignored.
   */
  @Test
  void loadBalancerExamples() {
    String expected = "67891233abcdef012345678912345678";
    assertThat(AmznTraceId.parse("Root=1-67891233-abcdef012345678912345678").traceId())
        .isEqualTo(expected);
    assertThat(AmznTraceId.parse(
        "Self=1-67891233-12456789abcdef012345678;Root=1-67891233-abcdef012345678912345678")
        .traceId()).isEqualTo(expected);
    TraceContext custom = AmznTraceId.parse("Self=1-67891233-12456789abcdef012345678;"
        + "Root=1-67891233-abcdef012345678912345678;CalledFrom=app");
    assertThat(custom.traceId()).isEqualTo(expected);
    assertThat(custom.parentSpanId()).isNull();
    assertThat(custom.sampled()).isFalse();
  }

  @Test
  void deferredSamplingIsNotSampled() {
    assertThat(AmznTraceId.parse("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=?").sampled())
        .isFalse();
    assertThat(AmznTraceId.parse("Root=1-5759e988-bd862e3fe1be46a994272793").sampled())
        .isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "Sampled=1", "Parent=53995c3f42cd8ad8;Sampled=1", // no Root
      "Root=2-5759e988-bd862e3fe1be46a994272793", // version
      "Root=1-5759E988-bd862e3fe1be46a994272793", // uppercase
      "Root=1-5759e988-bd862e3fe1be46a99427279", // 23 digits
      "Root=1-5759e98-bd862e3fe1be46a994272793",
      "Root=1-5759e988bd862e3fe1be46a994272793", "Root=5759e988bd862e3fe1be46a994272793",
      "Root=1-00000000-000000000000000000000000", // all zero
      "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad", // bad parent
      "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=0000000000000000",
      "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=2",
      "Root=1-5759e988-bd862e3fe1be46a994272793;Root=1-5759e988-bd862e3fe1be46a994272794",
      "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled", // field without '='
      "Root 1-5759e988-bd862e3fe1be46a994272793",
  })
  void invalid(String value) {
    assertThat(AmznTraceId.parse(value)).isNull();
  }

  @Test
  void nullIsAbsent() {
    assertThat(AmznTraceId.parse(null)).isNull();
  }
}
