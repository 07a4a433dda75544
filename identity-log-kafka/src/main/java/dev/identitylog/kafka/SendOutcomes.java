package dev.identitylog.kafka;

import dev.identitylog.protocol.MessageProducerResult;
import dev.identitylog.protocol.MessageProducerResult.Status;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * How a send ended, from what Kafka reports to the callback or to {@code onAcknowledgement}, in the
 * dependency reasons of SPEC section 4 (the broker is this hop's dependency):
 *
 * <ul>
 *   <li>{@link TimeoutException} (no metadata or no acknowledgement within {@code max.block.ms} /
 *       {@code delivery.timeout.ms}, buffer exhausted): {@code timeout}
 *   <li>{@link AuthorizationException} (topic, cluster, transactional id ACLs): {@code
 *       upstream_forbidden}
 *   <li>{@link AuthenticationException} (SASL): {@code upstream_unauthenticated}; an {@link
 *       SslAuthenticationException} is a failed handshake: {@code upstream_tls_failure}
 *   <li>any other {@link RetriableException} that outlived the producer's retries (not enough
 *       replicas, not the leader, ...): {@code upstream_unavailable}
 *   <li>{@link RecordTooLargeException}, {@link RecordBatchTooLargeException}, {@link
 *       InvalidTopicException} and other refusals of the record itself: {@code upstream_error}
 *       ({@link Status#REFUSED})
 *   <li>anything else: classified from the exception and its causes by the core, else {@code
 *       protocol_error}
 * </ul>
 */
final class SendOutcomes {
  private SendOutcomes() {}

  static MessageProducerResult of(RecordMetadata metadata, Exception error) {
    if (error == null) {
      if (metadata == null) {
        return MessageProducerResult.failed(Status.FAILED, null);
      }
      String partition = metadata.partition() >= 0 ? Integer.toString(metadata.partition()) : null;
      return MessageProducerResult.acknowledged(partition, metadata.hasOffset() ? metadata.offset() : -1);
    }
    return MessageProducerResult.failed(status(error), error);
  }

  static Status status(Throwable error) {
    if (error instanceof TimeoutException) {
      return Status.TIMED_OUT;
    }
    if (error instanceof AuthorizationException) {
      return Status.NOT_AUTHORIZED;
    }
    if (error instanceof SslAuthenticationException) {
      return Status.FAILED; // the core finds the SSLException among its causes
    }
    if (error instanceof AuthenticationException) {
      return Status.UNAUTHENTICATED;
    }
    if (error instanceof RecordTooLargeException
        || error instanceof RecordBatchTooLargeException
        || error instanceof InvalidTopicException
        || error instanceof InvalidRecordException
        || error instanceof SerializationException) {
      return Status.REFUSED;
    }
    if (error instanceof RetriableException) {
      return Status.UNAVAILABLE;
    }
    return Status.FAILED;
  }
}
