package dev.identitylog.okhttp;

import dev.identitylog.protocol.ClientRecord;

/**
 * The exchange of one logical call, tagged onto the request its attempts are made from, so that
 * the network interceptor finds it on every attempt. Immutable; a request tag.
 */
final class CallRecord {
  final ClientRecord exchange;
  /** The host the call was addressed to, for which the propagation headers were computed. */
  final String host;

  CallRecord(ClientRecord exchange, String host) {
    this.exchange = exchange;
    this.host = host;
  }
}
