package dev.identitylog.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitylog.IdentityLog;
import dev.identitylog.testing.CollectingSink;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The configuration helper and what the interceptor does when it was not configured. */
class IdentityLogKafkaTest {
  private static final String OURS = IdentityLogProducerInterceptor.class.getName();

  private final CollectingSink sink = new CollectingSink();
  private final IdentityLogKafka kafka =
      IdentityLogKafka.create(IdentityLog.builder().serviceName("orders").addSink(sink).build());

  @Test
  void producerConfigAppendsTheInterceptorToTheApplicationsOwnOnce() {
    assertThat(kafka.producerConfig(null))
        .containsEntry(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, OURS)
        .containsEntry(IdentityLogKafka.CONFIG_KEY, kafka);
    assertThat(kafka.producerConfig(Map.of(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, "a.B, c.D")))
        .containsEntry(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, "a.B,c.D," + OURS);
    assertThat(kafka.producerConfig(Map.of(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG,
            List.of(String.class, OURS))))
        .containsEntry(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, "java.lang.String," + OURS);
    Map<String, Object> twice = kafka.producerConfig(kafka.producerConfig(Map.of("acks", "all")));
    assertThat(twice).containsEntry(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, OURS)
        .containsEntry("acks", "all");
  }

  @Test
  void anInterceptorWithoutItsConfigurationLeavesRecordsAlone() {
    IdentityLogProducerInterceptor<String, String> interceptor =
        new IdentityLogProducerInterceptor<>();
    interceptor.configure(Map.of("acks", "all"));
    ProducerRecord<String, String> record = new ProducerRecord<>("orders", "v");
    assertThat(interceptor.onSend(record)).isSameAs(record);
    assertThat(record.headers().toArray()).isEmpty();
    interceptor.onAcknowledgement(null, null, null);
    assertThat(sink.events()).isEmpty();
  }

  @Test
  void nullsAreRefusedAtConfigurationTime() {
    assertThatThrownBy(() -> IdentityLogKafka.create(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> kafka.wrap(null)).isInstanceOf(NullPointerException.class);
  }
}
