package dev.identitylog.event;

import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every field of the identity-event standard, version {@value #SCHEMA_VERSION}, in canonical order
 * (the order of the standard's field table, which is also the order of keys in a JSON line).
 */
public final class Fields {
  /** The value of {@code identity.schema} this library writes. */
  public static final String SCHEMA_VERSION = "1.1";

  /** Every version of the standard this library reads (SPEC section 1: 1.1 only adds to 1.0). */
  public static final List<String> VERSIONS = List.of("1.0", "1.1");

  /** Prefix of allowlisted extra token claims, e.g. {@code identity.token.claim.tenant}. */
  public static final String CLAIM_PREFIX = "identity.token.claim.";

  private static int next;

  public static final Field<Instant> TIMESTAMP =
      new Field<>("timestamp", Field.Kind.TIME, Instant.class, next++);
  public static final Field<EventName> EVENT_NAME =
      new Field<>("event.name", Field.Kind.CODE, EventName.class, next++);
  public static final Field<String> SCHEMA =
      new Field<>("identity.schema", Field.Kind.STRING, String.class, next++);
  public static final Field<String> SERVICE_NAME =
      new Field<>("service.name", Field.Kind.STRING, String.class, next++);
  public static final Field<HopLayer> HOP_LAYER =
      new Field<>("identity.hop.layer", Field.Kind.CODE, HopLayer.class, next++);
  public static final Field<String> TRACE_ID =
      new Field<>("trace.id", Field.Kind.STRING, String.class, next++);
  public static final Field<String> SPAN_ID =
      new Field<>("span.id", Field.Kind.STRING, String.class, next++);
  public static final Field<String> SPAN_PARENT_ID =
      new Field<>("span.parent.id", Field.Kind.STRING, String.class, next++);
  public static final Field<TraceOrigin> TRACE_ORIGIN =
      new Field<>("identity.trace.origin", Field.Kind.CODE, TraceOrigin.class, next++);
  public static final Field<String> REQUEST_ID =
      new Field<>("identity.request.id", Field.Kind.STRING, String.class, next++);
  public static final Field<String> REQUEST_EDGE_ID =
      new Field<>("identity.request.edge_id", Field.Kind.STRING, String.class, next++);
  public static final Field<String> HTTP_REQUEST_METHOD =
      new Field<>("http.request.method", Field.Kind.STRING, String.class, next++);
  public static final Field<String> URL_PATH =
      new Field<>("url.path", Field.Kind.STRING, String.class, next++);
  public static final Field<String> HTTP_ROUTE =
      new Field<>("http.route", Field.Kind.STRING, String.class, next++);
  public static final Field<Long> HTTP_RESPONSE_STATUS_CODE =
      new Field<>("http.response.status_code", Field.Kind.LONG, Long.class, next++);
  public static final Field<String> SERVER_ADDRESS =
      new Field<>("server.address", Field.Kind.STRING, String.class, next++);
  public static final Field<Long> SERVER_PORT =
      new Field<>("server.port", Field.Kind.LONG, Long.class, next++);
  public static final Field<String> URL_FULL =
      new Field<>("url.full", Field.Kind.STRING, String.class, next++);
  public static final Field<String> RPC_SYSTEM =
      new Field<>("rpc.system", Field.Kind.STRING, String.class, next++);
  public static final Field<String> RPC_SERVICE =
      new Field<>("rpc.service", Field.Kind.STRING, String.class, next++);
  public static final Field<String> RPC_METHOD =
      new Field<>("rpc.method", Field.Kind.STRING, String.class, next++);
  public static final Field<String> RPC_GRPC_STATUS_CODE =
      new Field<>("rpc.grpc.status_code", Field.Kind.STRING, String.class, next++);
  public static final Field<String> NETWORK_PEER_ADDRESS =
      new Field<>("network.peer.address", Field.Kind.STRING, String.class, next++);
  public static final Field<String> CLIENT_ADDRESS =
      new Field<>("client.address", Field.Kind.STRING, String.class, next++);
  public static final Field<Long> EVENT_DURATION =
      new Field<>("event.duration", Field.Kind.LONG, Long.class, next++);
  public static final Field<EventOutcome> EVENT_OUTCOME =
      new Field<>("event.outcome", Field.Kind.CODE, EventOutcome.class, next++);
  public static final Field<Reason> ERROR_TYPE =
      new Field<>("error.type", Field.Kind.CODE, Reason.class, next++);
  public static final Field<String> TLS_CLIENT_SUBJECT =
      new Field<>("tls.client.subject", Field.Kind.STRING, String.class, next++);
  public static final Field<String> TLS_CLIENT_ISSUER =
      new Field<>("tls.client.issuer", Field.Kind.STRING, String.class, next++);
  public static final Field<String> TLS_CLIENT_HASH_SHA256 =
      new Field<>("tls.client.hash.sha256", Field.Kind.STRING, String.class, next++);
  public static final Field<Instant> TLS_CLIENT_NOT_BEFORE =
      new Field<>("tls.client.not_before", Field.Kind.TIME, Instant.class, next++);
  public static final Field<Instant> TLS_CLIENT_NOT_AFTER =
      new Field<>("tls.client.not_after", Field.Kind.TIME, Instant.class, next++);
  public static final Field<String> TLS_CLIENT_SERIAL_NUMBER =
      new Field<>("tls.client.x509.serial_number", Field.Kind.STRING, String.class, next++);
  public static final Field<List<String>> TLS_CLIENT_ALTERNATIVE_NAMES =
      new Field<>("tls.client.x509.alternative_names", Field.Kind.STRINGS, List.class, next++);
  public static final Field<String> TLS_PROTOCOL_VERSION =
      new Field<>("tls.protocol.version", Field.Kind.STRING, String.class, next++);
  public static final Field<String> TLS_CIPHER =
      new Field<>("tls.cipher", Field.Kind.STRING, String.class, next++);
  public static final Field<String> TLS_SERVER_SUBJECT =
      new Field<>("tls.server.subject", Field.Kind.STRING, String.class, next++);
  public static final Field<String> TLS_SERVER_HASH_SHA256 =
      new Field<>("tls.server.hash.sha256", Field.Kind.STRING, String.class, next++);
  public static final Field<Instant> TLS_SERVER_NOT_AFTER =
      new Field<>("tls.server.not_after", Field.Kind.TIME, Instant.class, next++);
  public static final Field<CertSource> CERT_SOURCE =
      new Field<>("identity.cert.source", Field.Kind.CODE, CertSource.class, next++);
  public static final Field<String> CERT_FORWARDED_BY =
      new Field<>("identity.cert.forwarded_by", Field.Kind.STRING, String.class, next++);
  public static final Field<Boolean> FORWARDED_UNTRUSTED =
      new Field<>("identity.forwarded.untrusted", Field.Kind.BOOLEAN, Boolean.class, next++);
  public static final Field<TokenType> TOKEN_TYPE =
      new Field<>("identity.token.type", Field.Kind.CODE, TokenType.class, next++);
  public static final Field<String> TOKEN_HASH =
      new Field<>("identity.token.hash", Field.Kind.STRING, String.class, next++);
  public static final Field<String> TOKEN_ISSUER =
      new Field<>("identity.token.issuer", Field.Kind.STRING, String.class, next++);
  public static final Field<String> TOKEN_SUBJECT =
      new Field<>("identity.token.subject", Field.Kind.STRING, String.class, next++);
  public static final Field<String> TOKEN_ID =
      new Field<>("identity.token.id", Field.Kind.STRING, String.class, next++);
  public static final Field<String> TOKEN_CLIENT_ID =
      new Field<>("identity.token.client_id", Field.Kind.STRING, String.class, next++);
  public static final Field<List<String>> TOKEN_AUDIENCE =
      new Field<>("identity.token.audience", Field.Kind.STRINGS, List.class, next++);
  public static final Field<List<String>> TOKEN_SCOPES =
      new Field<>("identity.token.scopes", Field.Kind.STRINGS, List.class, next++);
  public static final Field<Instant> TOKEN_ISSUED_AT =
      new Field<>("identity.token.issued_at", Field.Kind.TIME, Instant.class, next++);
  public static final Field<Instant> TOKEN_NOT_BEFORE =
      new Field<>("identity.token.not_before", Field.Kind.TIME, Instant.class, next++);
  public static final Field<Instant> TOKEN_EXPIRES_AT =
      new Field<>("identity.token.expires_at", Field.Kind.TIME, Instant.class, next++);
  public static final Field<String> TOKEN_ALG =
      new Field<>("identity.token.alg", Field.Kind.STRING, String.class, next++);
  public static final Field<String> TOKEN_KID =
      new Field<>("identity.token.kid", Field.Kind.STRING, String.class, next++);
  public static final Field<String> TOKEN_CNF_X5T_S256 =
      new Field<>("identity.token.cnf.x5t_s256", Field.Kind.STRING, String.class, next++);
  public static final Field<TokenBinding> TOKEN_BINDING =
      new Field<>("identity.token.binding", Field.Kind.CODE, TokenBinding.class, next++);
  public static final Field<List<String>> TOKEN_ACTOR_CHAIN =
      new Field<>("identity.token.actor_chain", Field.Kind.STRINGS, List.class, next++);
  public static final Field<Boolean> TOKEN_VERIFIED =
      new Field<>("identity.token.verified", Field.Kind.BOOLEAN, Boolean.class, next++);
  public static final Field<String> WORKLOAD_ID =
      new Field<>("identity.workload.id", Field.Kind.STRING, String.class, next++);
  public static final Field<Outcome> AUTHN_OUTCOME =
      new Field<>("identity.authn.outcome", Field.Kind.CODE, Outcome.class, next++);
  public static final Field<Reason> AUTHN_REASON =
      new Field<>("identity.authn.reason", Field.Kind.CODE, Reason.class, next++);
  public static final Field<Boolean> AUTHN_INFERRED =
      new Field<>("identity.authn.inferred", Field.Kind.BOOLEAN, Boolean.class, next++);
  public static final Field<Outcome> AUTHZ_OUTCOME =
      new Field<>("identity.authz.outcome", Field.Kind.CODE, Outcome.class, next++);
  public static final Field<Reason> AUTHZ_REASON =
      new Field<>("identity.authz.reason", Field.Kind.CODE, Reason.class, next++);
  public static final Field<String> AUTHZ_POLICY =
      new Field<>("identity.authz.policy", Field.Kind.STRING, String.class, next++);
  public static final Field<Boolean> AUTHZ_INFERRED =
      new Field<>("identity.authz.inferred", Field.Kind.BOOLEAN, Boolean.class, next++);
  public static final Field<Outcome> DEPENDENCY_OUTCOME =
      new Field<>("identity.dependency.outcome", Field.Kind.CODE, Outcome.class, next++);
  public static final Field<Reason> DEPENDENCY_REASON =
      new Field<>("identity.dependency.reason", Field.Kind.CODE, Reason.class, next++);
  public static final Field<String> DEPENDENCY_NAME =
      new Field<>("identity.dependency.name", Field.Kind.STRING, String.class, next++);
  public static final Field<String> DEPENDENCY_STATUS =
      new Field<>("identity.dependency.status", Field.Kind.STRING, String.class, next++);
  public static final Field<Boolean> DEPENDENCY_INFERRED =
      new Field<>("identity.dependency.inferred", Field.Kind.BOOLEAN, Boolean.class, next++);
  public static final Field<Long> CLIENT_ATTEMPTS =
      new Field<>("identity.client.attempts", Field.Kind.LONG, Long.class, next++);
  // 1.1: message events (OpenTelemetry messaging conventions), then the identity.* additions.
  public static final Field<String> MESSAGING_SYSTEM =
      new Field<>("messaging.system", Field.Kind.STRING, String.class, next++, "1.1");
  public static final Field<String> MESSAGING_DESTINATION_NAME =
      new Field<>("messaging.destination.name", Field.Kind.STRING, String.class, next++, "1.1");
  public static final Field<String> MESSAGING_DESTINATION_PARTITION_ID =
      new Field<>(
          "messaging.destination.partition.id", Field.Kind.STRING, String.class, next++, "1.1");
  public static final Field<Long> MESSAGING_KAFKA_OFFSET =
      new Field<>("messaging.kafka.offset", Field.Kind.LONG, Long.class, next++, "1.1");
  public static final Field<String> MESSAGING_CONSUMER_GROUP_NAME =
      new Field<>("messaging.consumer.group.name", Field.Kind.STRING, String.class, next++, "1.1");
  public static final Field<String> MESSAGING_MESSAGE_ID =
      new Field<>("messaging.message.id", Field.Kind.STRING, String.class, next++, "1.1");
  public static final Field<Boolean> MESSAGE_REDELIVERED =
      new Field<>("identity.message.redelivered", Field.Kind.BOOLEAN, Boolean.class, next++, "1.1");
  public static final Field<Long> MESSAGE_DELIVERY_COUNT =
      new Field<>("identity.message.delivery_count", Field.Kind.LONG, Long.class, next++, "1.1");
  public static final Field<List<String>> LINKS =
      new Field<>("identity.links", Field.Kind.STRINGS, List.class, next++, "1.1");
  public static final Field<List<String>> HEADERS_OVERSIZED =
      new Field<>("identity.headers.oversized", Field.Kind.STRINGS, List.class, next++, "1.1");
  public static final Field<List<String>> HYGIENE =
      new Field<>("identity.hygiene", Field.Kind.STRINGS, List.class, next++, "1.1");

  /** All fields, in canonical order; {@code ALL.get(f.index()) == f}. */
  public static final List<Field<?>> ALL =
      Collections.unmodifiableList(
          Arrays.asList(
              TIMESTAMP,
              EVENT_NAME,
              SCHEMA,
              SERVICE_NAME,
              HOP_LAYER,
              TRACE_ID,
              SPAN_ID,
              SPAN_PARENT_ID,
              TRACE_ORIGIN,
              REQUEST_ID,
              REQUEST_EDGE_ID,
              HTTP_REQUEST_METHOD,
              URL_PATH,
              HTTP_ROUTE,
              HTTP_RESPONSE_STATUS_CODE,
              SERVER_ADDRESS,
              SERVER_PORT,
              URL_FULL,
              RPC_SYSTEM,
              RPC_SERVICE,
              RPC_METHOD,
              RPC_GRPC_STATUS_CODE,
              NETWORK_PEER_ADDRESS,
              CLIENT_ADDRESS,
              EVENT_DURATION,
              EVENT_OUTCOME,
              ERROR_TYPE,
              TLS_CLIENT_SUBJECT,
              TLS_CLIENT_ISSUER,
              TLS_CLIENT_HASH_SHA256,
              TLS_CLIENT_NOT_BEFORE,
              TLS_CLIENT_NOT_AFTER,
              TLS_CLIENT_SERIAL_NUMBER,
              TLS_CLIENT_ALTERNATIVE_NAMES,
              TLS_PROTOCOL_VERSION,
              TLS_CIPHER,
              TLS_SERVER_SUBJECT,
              TLS_SERVER_HASH_SHA256,
              TLS_SERVER_NOT_AFTER,
              CERT_SOURCE,
              CERT_FORWARDED_BY,
              FORWARDED_UNTRUSTED,
              TOKEN_TYPE,
              TOKEN_HASH,
              TOKEN_ISSUER,
              TOKEN_SUBJECT,
              TOKEN_ID,
              TOKEN_CLIENT_ID,
              TOKEN_AUDIENCE,
              TOKEN_SCOPES,
              TOKEN_ISSUED_AT,
              TOKEN_NOT_BEFORE,
              TOKEN_EXPIRES_AT,
              TOKEN_ALG,
              TOKEN_KID,
              TOKEN_CNF_X5T_S256,
              TOKEN_BINDING,
              TOKEN_ACTOR_CHAIN,
              TOKEN_VERIFIED,
              WORKLOAD_ID,
              AUTHN_OUTCOME,
              AUTHN_REASON,
              AUTHN_INFERRED,
              AUTHZ_OUTCOME,
              AUTHZ_REASON,
              AUTHZ_POLICY,
              AUTHZ_INFERRED,
              DEPENDENCY_OUTCOME,
              DEPENDENCY_REASON,
              DEPENDENCY_NAME,
              DEPENDENCY_STATUS,
              DEPENDENCY_INFERRED,
              CLIENT_ATTEMPTS,
              MESSAGING_SYSTEM,
              MESSAGING_DESTINATION_NAME,
              MESSAGING_DESTINATION_PARTITION_ID,
              MESSAGING_KAFKA_OFFSET,
              MESSAGING_CONSUMER_GROUP_NAME,
              MESSAGING_MESSAGE_ID,
              MESSAGE_REDELIVERED,
              MESSAGE_DELIVERY_COUNT,
              LINKS,
              HEADERS_OVERSIZED,
              HYGIENE));

  private static final Map<String, Field<?>> BY_KEY = new HashMap<>();

  static {
    for (Field<?> f : ALL) {
      BY_KEY.put(f.key(), f);
    }
  }

  private Fields() {}

  /** The number of fields of the standard. */
  public static int count() {
    return ALL.size();
  }

  /**
   * The fields of one version of the standard, in canonical order: the 1.0 fields for {@code
   * "1.0"}, all of them for {@code "1.1"}; empty for a version this library does not know.
   */
  public static List<Field<?>> ofVersion(String version) {
    if (!VERSIONS.contains(version)) {
      return List.of();
    }
    List<Field<?>> out = new ArrayList<>();
    for (Field<?> f : ALL) {
      if (f.since().compareTo(version) <= 0) {
        out.add(f);
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** The field with this key, or {@code null} for a key outside the standard. */
  public static Field<?> byKey(String key) {
    return BY_KEY.get(key);
  }
}
