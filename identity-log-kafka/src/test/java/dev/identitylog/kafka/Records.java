package dev.identitylog.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Reads what actually reached the broker, with a plain consumer of a throwaway group. */
final class Records {
  private Records() {}

  static List<ConsumerRecord<String, String>> read(KafkaBroker broker, String topic, int n) {
    Map<String, Object> config = broker.consumerConfig("reader-" + UUID.randomUUID());
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(config)) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (out.size() < n && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(100)).forEach(out::add);
      }
    }
    return out;
  }

  /** Every value of {@code name}, in order. */
  static List<String> values(Headers headers, String name) {
    List<String> values = new ArrayList<>();
    for (Header h : headers.headers(name)) {
      values.add(new String(h.value(), StandardCharsets.UTF_8));
    }
    return values;
  }
}
