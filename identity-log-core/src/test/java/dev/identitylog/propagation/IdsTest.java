package dev.identitylog.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {
  @Test
  void traceIdsAre32LowercaseHexAndUnique() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = Ids.newTraceId();
      assertThat(id).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
      assertThat(Ids.isTraceId(id)).isTrue();
      assertThat(seen.add(id)).isTrue();
    }
  }

  @Test
  void spanIdsAre16LowercaseHexAndUnique() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = Ids.newSpanId();
      assertThat(id).matches("[0-9a-f]{16}").isNotEqualTo("0".repeat(16));
      assertThat(Ids.isSpanId(id)).isTrue();
      assertThat(seen.add(id)).isTrue();
    }
  }

  @Test
  void requestIdsAreVersion4Uuids() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = Ids.newRequestId();
      assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
      UUID uuid = UUID.fromString(id);
      assertThat(uuid.version()).isEqualTo(4);
      assertThat(uuid.variant()).isEqualTo(2);
      assertThat(uuid.toString()).isEqualTo(id);
      assertThat(seen.add(id)).isTrue();
    }
  }

  @Test
  void validation() {
    assertThat(Ids.isTraceId("4bf92f3577b34da6a3ce929d0e0e4736")).isTrue();
    assertThat(Ids.isTraceId("4BF92F3577B34DA6A3CE929D0E0E4736")).isFalse();
    assertThat(Ids.isTraceId("0".repeat(32))).isFalse();
    assertThat(Ids.isTraceId("4bf92f3577b34da6a3ce929d0e0e473")).isFalse();
    assertThat(Ids.isTraceId("4bf92f3577b34da6a3ce929d0e0e4736a")).isFalse();
    assertThat(Ids.isTraceId("4bf92f3577b34da6a3ce929d0e0e473g")).isFalse();
    assertThat(Ids.isTraceId(null)).isFalse();
    assertThat(Ids.isSpanId("00f067aa0ba902b7")).isTrue();
    assertThat(Ids.isSpanId("00F067AA0BA902B7")).isFalse();
    assertThat(Ids.isSpanId("0".repeat(16))).isFalse();
    assertThat(Ids.isSpanId("00f067aa0ba902b")).isFalse();
    assertThat(Ids.isSpanId(null)).isFalse();
  }
}
