package dev.identitylog.propagation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitylog.event.TraceOrigin;
import org.junit.jupiter.api.Test;

class TraceContextTest {
  @Test
  void ofKeepsTheValues() {
    TraceContext c = TraceContext.of("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true,
        "rojo=1", TraceOrigin.OTEL);
    assertThat(c.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(c.parentSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(c.sampled()).isTrue();
    assertThat(c.traceState()).isEqualTo("rojo=1");
    assertThat(c.origin()).isEqualTo(TraceOrigin.OTEL);
    assertThat(c).isEqualTo(TraceContext.of("4bf92f3577b34da6a3ce929d0e0e4736",
        "00f067aa0ba902b7", true, "rojo=1", TraceOrigin.OTEL));
    assertThat(c.hashCode()).isEqualTo(TraceContext.of("4bf92f3577b34da6a3ce929d0e0e4736",
        "00f067aa0ba902b7", true, "rojo=1", TraceOrigin.OTEL).hashCode());
    assertThat(c).isNotEqualTo(TraceContext.of("4bf92f3577b34da6a3ce929d0e0e4736",
        "00f067aa0ba902b7", false, "rojo=1", TraceOrigin.OTEL));
  }

  @Test
  void emptyTraceStateBecomesNull() {
    assertThat(TraceContext.of("4bf92f3577b34da6a3ce929d0e0e4736", null, false, "",
        TraceOrigin.OTEL).traceState()).isNull();
  }

  @Test
  void ofRefusesMalformedIds() {
    assertThatThrownBy(() -> TraceContext.of("0".repeat(32), null, false, null, TraceOrigin.OTEL))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TraceContext.of("4bf92f3577b34da6a3ce929d0e0e4736", "xyz", false,
        null, TraceOrigin.OTEL)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TraceContext.of(null, null, false, null, TraceOrigin.OTEL))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> TraceContext.of("4bf92f3577b34da6a3ce929d0e0e4736", null, false,
        null, null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void generated() {
    TraceContext c = TraceContext.generated(true);
    assertThat(Ids.isTraceId(c.traceId())).isTrue();
    assertThat(c.parentSpanId()).isNull();
    assertThat(c.sampled()).isTrue();
    assertThat(c.traceState()).isNull();
    assertThat(c.origin()).isEqualTo(TraceOrigin.GENERATED);
    assertThat(TraceContext.generated(false).sampled()).isFalse();
  }
}
