package dev.identitylog.protocol;

/**
 * A message this hop sends to a broker ({@code identity.producer}). A producer is a client of the
 * broker: {@link #serverAddress()} is the broker host, when known.
 */
public interface MessageProducerRequest extends ClientRequest {
  /** {@code messaging.system}, e.g. {@code kafka}, {@code rabbitmq}. */
  String messagingSystem();

  /** {@code messaging.destination.name}: the topic or queue. */
  String destinationName();

  /** {@code messaging.message.id}, when the producer assigns one. */
  default String messageId() {
    return null;
  }
}
