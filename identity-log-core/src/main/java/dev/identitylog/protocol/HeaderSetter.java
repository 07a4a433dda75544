package dev.identitylog.protocol;

/**
 * Writes one header (a Kafka record header, an AMQP property, ...) on an outgoing message. The
 * adapter supplies it to {@code ProducerHandler.start}; values are ASCII.
 */
@FunctionalInterface
public interface HeaderSetter {
  void set(String name, String value);
}
