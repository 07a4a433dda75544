package dev.identitylog.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.handler.ProducerHandler;
import dev.identitylog.outcome.Reason;
import dev.identitylog.protocol.ClientRecord;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/**
 * Every way Kafka reports a failed send becomes the dependency reason SPEC section 4 names; the
 * broker answers that a test broker cannot easily be made to give (ACLs, SASL, lost leaders) are
 * checked here with the exceptions kafka-clients itself raises for them.
 */
class SendOutcomesTest {
  private final IdentityLog log = IdentityLog.builder().serviceName("orders").build();
  private final ProducerHandler producers = ProducerHandler.create(log);

  @Test
  void brokerErrorsBecomeDependencyReasons() {
    Map<Exception, Reason> cases = new LinkedHashMap<>();
    cases.put(new TimeoutException("Topic t not present in metadata after 300 ms."), Reason.TIMEOUT);
    cases.put(new BufferExhaustedException("buffer full"), Reason.TIMEOUT);
    cases.put(new TopicAuthorizationException(Set.of("orders")), Reason.UPSTREAM_FORBIDDEN);
    cases.put(new ClusterAuthorizationException("no"), Reason.UPSTREAM_FORBIDDEN);
    cases.put(new SaslAuthenticationException("bad credentials"), Reason.UPSTREAM_UNAUTHENTICATED);
    cases.put(new SslAuthenticationException("handshake",
        new SSLHandshakeException("PKIX path building failed")), Reason.UPSTREAM_TLS_FAILURE);
    cases.put(new NotEnoughReplicasException("isr"), Reason.UPSTREAM_UNAVAILABLE);
    cases.put(new NotLeaderOrFollowerException("moved"), Reason.UPSTREAM_UNAVAILABLE);
    cases.put(new NetworkException("disconnected"), Reason.UPSTREAM_UNAVAILABLE);
    cases.put(new RecordTooLargeException("too large"), Reason.UPSTREAM_ERROR);
    cases.put(new SerializationException("bad value"), Reason.UPSTREAM_ERROR);
    cases.put(new KafkaException("closed", new IOException("Connection reset by peer")),
        Reason.PROTOCOL_ERROR);
    for (Map.Entry<Exception, Reason> c : cases.entrySet()) {
      ClientRecord send = producers.start(new ProducerRecordRequest("orders"), null);
      IdentityEvent e = producers.finish(send, SendOutcomes.of(null, c.getKey()));
      assertThat(e.get(Fields.DEPENDENCY_REASON)).as(c.getKey().toString()).isEqualTo(c.getValue());
    }
  }

  @Test
  void anAcknowledgementCarriesPartitionAndOffset() {
    ClientRecord send = producers.start(new ProducerRecordRequest("orders"), null);
    RecordMetadata metadata = new RecordMetadata(new TopicPartition("orders", 3), 40, 2, 0, 1, 1);
    IdentityEvent e = producers.finish(send, SendOutcomes.of(metadata, null));
    assertThat(e.get(Fields.MESSAGING_DESTINATION_PARTITION_ID)).isEqualTo("3");
    assertThat(e.get(Fields.MESSAGING_KAFKA_OFFSET)).isEqualTo(42L);
    assertThat(e.get(Fields.DEPENDENCY_REASON)).isNull();
  }
}
