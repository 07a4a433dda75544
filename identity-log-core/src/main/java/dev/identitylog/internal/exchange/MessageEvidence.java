package dev.identitylog.internal.exchange;

import dev.identitylog.cert.SpiffeId;
import dev.identitylog.event.CertSource;
import dev.identitylog.event.Field;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.propagation.HeaderGetter;
import dev.identitylog.protocol.MessageConsumerRequest;
import dev.identitylog.protocol.MessageHeaders;
import dev.identitylog.protocol.MessageProducerRequest;
import dev.identitylog.redact.Sanitizer;
import java.util.Map;

/**
 * The message side of SPEC section 6 (1.1): which evidence a producer writes into record headers,
 * and how a consumer reads it back. Every value a consumer reads is attacker controlled (anyone
 * who can write to the topic chooses the headers), so each is taken only in its exact format and
 * recorded as {@code identity.cert.source = message}: reported, never verified.
 */
final class MessageEvidence {
  private MessageEvidence() {}

  /** What a consumed record claimed, for the outcome rules: which credentials it carried. */
  static final class Claimed {
    boolean certificate;
    boolean token;
  }

  static void applyProducer(IdentityEvent.Builder b, MessageProducerRequest m) {
    b.set(Fields.MESSAGING_SYSTEM, clean(m.messagingSystem()));
    b.set(Fields.MESSAGING_DESTINATION_NAME, clean(m.destinationName()));
    b.set(Fields.MESSAGING_MESSAGE_ID, clean(m.messageId()));
  }

  /** The evidence headers a producer adds for the request that caused the send. */
  static void writeEvidence(ServerExchange parent, Map<String, String> headers) {
    put(headers, MessageHeaders.WORKLOAD_ID, parent.evidence(Fields.WORKLOAD_ID));
    put(headers, MessageHeaders.CERT_SHA256, parent.evidence(Fields.TLS_CLIENT_HASH_SHA256));
    put(headers, MessageHeaders.TOKEN_HASH, parent.evidence(Fields.TOKEN_HASH));
  }

  private static void put(Map<String, String> headers, String name, String value) {
    if (value != null) {
      headers.put(name, value);
    }
  }

  static Claimed applyConsumer(
      IdentityEvent.Builder b, MessageConsumerRequest m, HeaderGetter headers) {
    b.set(Fields.MESSAGING_SYSTEM, clean(m.messagingSystem()));
    b.set(Fields.MESSAGING_DESTINATION_NAME, clean(m.destinationName()));
    b.set(Fields.MESSAGING_DESTINATION_PARTITION_ID, clean(m.partitionId()));
    long offset = m.offset();
    b.set(Fields.MESSAGING_KAFKA_OFFSET, offset >= 0 ? Long.valueOf(offset) : null);
    b.set(Fields.MESSAGING_CONSUMER_GROUP_NAME, clean(m.consumerGroupName()));
    b.set(Fields.MESSAGING_MESSAGE_ID, clean(m.messageId()));
    b.set(Fields.MESSAGE_REDELIVERED, m.redelivered());
    long count = m.deliveryCount();
    b.set(Fields.MESSAGE_DELIVERY_COUNT, count >= 0 ? Long.valueOf(count) : null);

    Claimed claimed = new Claimed();
    String workload = headers.get(MessageHeaders.WORKLOAD_ID);
    if (workload != null && SpiffeId.isValid(workload)) {
      b.set(Fields.WORKLOAD_ID, workload);
    }
    String cert = headers.get(MessageHeaders.CERT_SHA256);
    if (isHex(cert, 64, true)) { // as the event writes it: uppercase
      b.set(Fields.TLS_CLIENT_HASH_SHA256, cert);
      b.set(Fields.CERT_SOURCE, CertSource.MESSAGE);
      claimed.certificate = true;
    }
    String token = headers.get(MessageHeaders.TOKEN_HASH);
    if (isHex(token, 32, false)) {
      b.set(Fields.TOKEN_HASH, token);
      claimed.token = true;
    }
    return claimed;
  }

  /** Exactly {@code length} hex digits of one case: the only form the event ever writes. */
  static boolean isHex(String s, int length, boolean upper) {
    if (s == null || s.length() != length) {
      return false;
    }
    char first = upper ? 'A' : 'a';
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= first && c <= first + 5))) {
        return false;
      }
    }
    return true;
  }

  private static String clean(String value) {
    return value == null ? null : Sanitizer.clean(value, 256);
  }

  static <T> T read(IdentityEvent.Builder b, Field<T> field) {
    return b.get(field);
  }
}
