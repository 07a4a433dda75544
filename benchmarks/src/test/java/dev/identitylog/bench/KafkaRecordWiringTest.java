package dev.identitylog.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.bench.jmh.KafkaRecordSmoke;
import org.junit.jupiter.api.Test;

/**
 * That the per-record benchmark is wired up: each method once, one event line per traced record on
 * each side. It measures nothing; the figures come from JMH (docs/performance.md).
 */
class KafkaRecordWiringTest {
  @Test
  void eachTracedRecordWritesOneEvent() throws Exception {
    KafkaRecordSmoke.Counts counts = KafkaRecordSmoke.runEachOnce();
    assertThat(counts.producerLines()).isEqualTo(1);
    assertThat(counts.consumerLines()).isEqualTo(1);
    assertThat(counts.producerBytes()).isGreaterThan(200);
    assertThat(counts.consumerBytes()).isGreaterThan(200);
    assertThat(counts.consumedValue()).contains("widget");
  }
}
