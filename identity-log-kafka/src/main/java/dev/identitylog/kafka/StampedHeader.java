package dev.identitylog.kafka;

import dev.identitylog.protocol.ClientRecord;
import org.apache.kafka.common.header.Header;

/**
 * The {@code traceparent} header this library wrote on one send, carrying that send's record. Kafka
 * hands the record's headers back to {@code onAcknowledgement} (KIP-512) on its I/O thread, with
 * the same header objects (a read-only copy of the list keeps them), so finding this instance there
 * names the send exactly: no map keyed by record or id, nothing to leak when an acknowledgement
 * never comes. Identity equality on purpose: two sends never share one.
 */
final class StampedHeader implements Header {
  private final String key;
  private final byte[] value;
  private final ClientRecord record;

  StampedHeader(String key, byte[] value, ClientRecord record) {
    this.key = key;
    this.value = value;
    this.record = record;
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public byte[] value() {
    return value;
  }

  ClientRecord record() {
    return record;
  }

  @Override
  public String toString() {
    return "StampedHeader{" + key + "}";
  }
}
