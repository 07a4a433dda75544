package dev.identitylog.correlate;

import dev.identitylog.event.Field;
import dev.identitylog.event.Fields;
import java.util.HashMap;
import java.util.Map;

/**
 * The keys correlation reads. Their names come from the core's {@link Fields}, so they cannot
 * drift from what the emitters write; two are the spellings of access logs, not of the standard.
 */
enum EventKey {
  TIMESTAMP(Fields.TIMESTAMP),
  AT_TIMESTAMP("@timestamp"),
  EVENT_NAME(Fields.EVENT_NAME),
  SERVICE_NAME(Fields.SERVICE_NAME),
  HOP_LAYER(Fields.HOP_LAYER),
  TRACE_ID(Fields.TRACE_ID),
  SPAN_ID(Fields.SPAN_ID),
  SPAN_PARENT_ID(Fields.SPAN_PARENT_ID),
  TRACEPARENT("traceparent"),
  TRACE_ORIGIN(Fields.TRACE_ORIGIN),
  REQUEST_ID(Fields.REQUEST_ID),
  REQUEST_EDGE_ID(Fields.REQUEST_EDGE_ID),
  HTTP_RESPONSE_STATUS_CODE(Fields.HTTP_RESPONSE_STATUS_CODE),
  RPC_GRPC_STATUS_CODE(Fields.RPC_GRPC_STATUS_CODE),
  EVENT_DURATION(Fields.EVENT_DURATION),
  EVENT_OUTCOME(Fields.EVENT_OUTCOME),
  ERROR_TYPE(Fields.ERROR_TYPE),
  AUTHN_OUTCOME(Fields.AUTHN_OUTCOME),
  AUTHN_REASON(Fields.AUTHN_REASON),
  AUTHN_INFERRED(Fields.AUTHN_INFERRED),
  AUTHZ_OUTCOME(Fields.AUTHZ_OUTCOME),
  AUTHZ_REASON(Fields.AUTHZ_REASON),
  AUTHZ_INFERRED(Fields.AUTHZ_INFERRED),
  DEPENDENCY_OUTCOME(Fields.DEPENDENCY_OUTCOME),
  DEPENDENCY_REASON(Fields.DEPENDENCY_REASON),
  DEPENDENCY_NAME(Fields.DEPENDENCY_NAME),
  DEPENDENCY_STATUS(Fields.DEPENDENCY_STATUS),
  DEPENDENCY_INFERRED(Fields.DEPENDENCY_INFERRED),
  TOKEN_HASH(Fields.TOKEN_HASH),
  TOKEN_AUDIENCE(Fields.TOKEN_AUDIENCE),
  TOKEN_ACTOR_CHAIN(Fields.TOKEN_ACTOR_CHAIN),
  FORWARDED_UNTRUSTED(Fields.FORWARDED_UNTRUSTED),
  CLIENT_ATTEMPTS(Fields.CLIENT_ATTEMPTS),
  SERVER_ADDRESS(Fields.SERVER_ADDRESS),
  RPC_SERVICE(Fields.RPC_SERVICE),
  HTTP_ROUTE(Fields.HTTP_ROUTE),
  TLS_CLIENT_HASH(Fields.TLS_CLIENT_HASH_SHA256),
  TLS_CLIENT_SERIAL(Fields.TLS_CLIENT_SERIAL_NUMBER),
  TLS_CLIENT_SUBJECT(Fields.TLS_CLIENT_SUBJECT),
  MESSAGING_DESTINATION_NAME(Fields.MESSAGING_DESTINATION_NAME),
  MESSAGING_PARTITION(Fields.MESSAGING_DESTINATION_PARTITION_ID),
  MESSAGING_KAFKA_OFFSET(Fields.MESSAGING_KAFKA_OFFSET),
  MESSAGING_CONSUMER_GROUP(Fields.MESSAGING_CONSUMER_GROUP_NAME),
  MESSAGE_REDELIVERED(Fields.MESSAGE_REDELIVERED),
  LINKS(Fields.LINKS);

  final String key;

  EventKey(Field<?> field) {
    this(field.key());
  }

  EventKey(String name) {
    this.key = name;
  }

  private static final Map<String, EventKey> BY_NAME = new HashMap<>();

  static {
    for (EventKey k : values()) {
      BY_NAME.put(k.key, k);
    }
  }

  /** The key of this name, or null: a key correlation does not read (or a layer's raw fact). */
  static EventKey of(String name) {
    return BY_NAME.get(name);
  }
}
