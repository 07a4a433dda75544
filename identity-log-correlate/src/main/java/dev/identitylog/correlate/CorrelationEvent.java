package dev.identitylog.correlate;

import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.HopLayer;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.TraceOrigin;
import dev.identitylog.outcome.Coded;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.outcome.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The facts of one identity event that correlation needs: who logged it, how it joins other
 * events, and what was decided. Immutable. Made from a JSON line with {@link #parse(String)} (or by
 * an {@link EventStream}), or from an {@link IdentityEvent} with {@link #of(IdentityEvent)}.
 *
 * <p>Every string is already cleaned of control characters and cut to the standard's limits; a
 * token hash that is not hex is dropped, so nothing a log line smuggles in reaches the output.
 */
public final class CorrelationEvent {
  final EventName name;
  final String service;
  final HopLayer layer;
  final String traceId;
  final String spanId;
  final String parentSpanId;
  final TraceOrigin traceOrigin;
  final String requestId;
  final String edgeId;
  /** Epoch milliseconds when the event ended, or {@link Times#NONE}. */
  final long timestamp;
  /** Nanoseconds, or -1. */
  final long durationNanos;
  /** HTTP status, or 0. */
  final int httpStatus;
  final String grpcStatus;
  final EventOutcome eventOutcome;
  final String errorType;
  final Outcome authn;
  final String authnReason;
  final boolean authnInferred;
  final Outcome authz;
  final String authzReason;
  final boolean authzInferred;
  final Outcome dependency;
  final String dependencyReason;
  final String dependencyName;
  final String dependencyStatus;
  final boolean dependencyInferred;
  final String tokenHash;
  final List<String> audience;
  final List<String> actorChain;
  final boolean forwardedUntrusted;
  /** Client attempts, or 0. */
  final int attempts;
  final String serverAddress;
  final String rpcService;
  /**
   * What a layer access log line's inferred outcome was derived from (e.g. {@code Envoy
   * response_code_details jwt_authn_access_denied{Jwt_is_expired}}), for the evidence; or null.
   */
  final String basis;
  /**
   * The trace id is the layer's own (API Gateway's X-Ray trace), which the next hop rightly does
   * not continue when a {@code traceparent} also reached it (SPEC section 6): not a broken trace.
   */
  final boolean layerTrace;
  /**
   * The request id the upstream answered with (a proxy's log of API Gateway's
   * {@code x-amzn-RequestId}): joins like {@link #requestId}; or null.
   */
  final String upstreamRequestId;
  /** {@code tls.client.hash.sha256}, 64 uppercase hex, or null ({@link Certificates}). */
  final String certHash;
  /** {@code tls.client.x509.serial_number}, uppercase hex without leading zeros, or null. */
  final String certSerial;
  /** {@code tls.client.subject} as RFC 2253, or null. */
  final String certSubject;
  /** Id fields ({@code trace.id}, span ids) whose values were malformed and dropped, or null. */
  final String malformedIds;
  // 1.1 message events ({@link MessageFates}).
  /** {@code messaging.destination.name}: the topic, or null. */
  final String topic;
  /** {@code messaging.destination.partition.id}, or null. */
  final String partition;
  /** {@code messaging.kafka.offset}, or -1. */
  final long offset;
  /** {@code messaging.consumer.group.name}, or null. */
  final String consumerGroup;
  /** {@code identity.message.redelivered}: the consumer knew it had seen this record before. */
  final boolean redelivered;
  /** {@code identity.links}: {@code <trace.id>-<span.id>} of the producer contexts processed. */
  final List<String> links;
  /**
   * This is a batch consumer's event placed in the story of one of its other links (trace and
   * parent span are that link's): it joins only on them, not on the consumer's own ids.
   */
  final boolean linked;
  private final int hash;

  CorrelationEvent(Draft d) {
    name = d.name == null ? EventName.SERVER : d.name;
    service = d.service;
    layer = d.layer;
    traceId = d.traceId;
    spanId = d.spanId;
    parentSpanId = d.parentSpanId;
    traceOrigin = d.traceOrigin;
    requestId = d.requestId;
    edgeId = d.edgeId;
    timestamp = d.timestamp;
    durationNanos = d.durationNanos;
    httpStatus = d.httpStatus;
    grpcStatus = d.grpcStatus;
    eventOutcome = d.eventOutcome;
    errorType = d.errorType;
    authn = d.authn;
    authnReason = d.authnReason;
    authnInferred = d.authnInferred;
    authz = d.authz;
    authzReason = d.authzReason;
    authzInferred = d.authzInferred;
    dependency = d.dependency;
    dependencyReason = d.dependencyReason;
    dependencyName = d.dependencyName;
    dependencyStatus = d.dependencyStatus;
    dependencyInferred = d.dependencyInferred;
    tokenHash = d.tokenHash;
    audience = d.audience == null ? Collections.emptyList() : d.audience;
    actorChain = d.actorChain == null ? Collections.emptyList() : d.actorChain;
    forwardedUntrusted = d.forwardedUntrusted;
    attempts = d.attempts;
    serverAddress = d.serverAddress;
    rpcService = d.rpcService;
    basis = d.basis;
    layerTrace = d.layerTrace;
    upstreamRequestId = d.upstreamRequestId;
    certHash = d.certHash;
    certSerial = d.certSerial;
    certSubject = d.certSubject;
    malformedIds = d.malformedIds;
    topic = d.topic;
    partition = d.partition;
    offset = d.offset;
    consumerGroup = d.consumerGroup;
    redelivered = d.redelivered;
    links = d.links == null ? Collections.emptyList() : d.links;
    linked = d.linked;
    hash = computeHash();
  }

  /** A linked story's copy of a consumer event: that story's trace and producer span. */
  private CorrelationEvent(CorrelationEvent e, String traceId, String parentSpanId) {
    name = e.name;
    service = e.service;
    layer = e.layer;
    this.traceId = traceId;
    spanId = null;
    this.parentSpanId = parentSpanId;
    traceOrigin = e.traceOrigin;
    requestId = null;
    edgeId = null;
    timestamp = e.timestamp;
    durationNanos = e.durationNanos;
    httpStatus = e.httpStatus;
    grpcStatus = e.grpcStatus;
    eventOutcome = e.eventOutcome;
    errorType = e.errorType;
    authn = e.authn;
    authnReason = e.authnReason;
    authnInferred = e.authnInferred;
    authz = e.authz;
    authzReason = e.authzReason;
    authzInferred = e.authzInferred;
    dependency = e.dependency;
    dependencyReason = e.dependencyReason;
    dependencyName = e.dependencyName;
    dependencyStatus = e.dependencyStatus;
    dependencyInferred = e.dependencyInferred;
    tokenHash = e.tokenHash;
    audience = e.audience;
    actorChain = e.actorChain;
    forwardedUntrusted = e.forwardedUntrusted;
    attempts = e.attempts;
    serverAddress = e.serverAddress;
    rpcService = e.rpcService;
    basis = e.basis;
    layerTrace = false;
    upstreamRequestId = null;
    certHash = e.certHash;
    certSerial = e.certSerial;
    certSubject = e.certSubject;
    malformedIds = null;
    topic = e.topic;
    partition = e.partition;
    offset = e.offset;
    consumerGroup = e.consumerGroup;
    redelivered = e.redelivered;
    links = Collections.emptyList();
    linked = true;
    hash = computeHash();
  }

  /**
   * For a consumer event that processed several producer contexts ({@code identity.links}, a
   * batch), one copy per link other than its own parent, to join each of those stories: a batch
   * listener that failed failed every record in it. Empty for any other event.
   */
  List<CorrelationEvent> linkedCopies() {
    if (name != EventName.CONSUMER || links.isEmpty()) {
      return Collections.emptyList();
    }
    List<CorrelationEvent> copies = new ArrayList<>(links.size());
    for (String link : links) {
      // <trace.id>-<span.id>: 32 hex, a dash, 16 hex
      if (link.length() != 49 || link.charAt(32) != '-') {
        continue;
      }
      String t = EventParser.traceId(link.substring(0, 32));
      String s = EventParser.spanId(link.substring(33));
      if (t == null || s == null || !EventParser.isHex(t) || !EventParser.isHex(s)
          || (t.equals(traceId) && s.equals(parentSpanId))) {
        continue;
      }
      copies.add(new CorrelationEvent(this, t, s));
    }
    return copies;
  }

  /**
   * The event in one JSON line, or {@code null} when the line is not JSON, not an object, or not
   * an identity event (see {@link EventStream} for what is accepted). Never throws.
   */
  public static CorrelationEvent parse(String jsonLine) {
    if (jsonLine == null) {
      return null;
    }
    char[] chars = jsonLine.toCharArray();
    return new EventParser().parse(chars, 0, chars.length);
  }

  /**
   * The correlation facts of an event built by this library. Returns {@code null} for
   * {@code null}.
   */
  public static CorrelationEvent of(IdentityEvent event) {
    if (event == null) {
      return null;
    }
    Draft d = new Draft();
    d.name = event.get(Fields.EVENT_NAME);
    d.service = event.get(Fields.SERVICE_NAME);
    d.layer = event.get(Fields.HOP_LAYER);
    d.traceId = EventParser.traceId(event.get(Fields.TRACE_ID));
    d.spanId = EventParser.spanId(event.get(Fields.SPAN_ID));
    d.parentSpanId = EventParser.spanId(event.get(Fields.SPAN_PARENT_ID));
    d.traceOrigin = event.get(Fields.TRACE_ORIGIN);
    d.requestId = event.get(Fields.REQUEST_ID);
    d.edgeId = event.get(Fields.REQUEST_EDGE_ID);
    Instant ts = event.get(Fields.TIMESTAMP);
    d.timestamp = ts == null ? Times.NONE : ts.toEpochMilli();
    Long duration = event.get(Fields.EVENT_DURATION);
    d.durationNanos = duration == null || duration < 0 ? -1 : duration;
    Long status = event.get(Fields.HTTP_RESPONSE_STATUS_CODE);
    d.httpStatus = status == null || status < 100 || status > 999 ? 0 : status.intValue();
    d.grpcStatus = EventParser.grpcStatus(event.get(Fields.RPC_GRPC_STATUS_CODE));
    d.eventOutcome = event.get(Fields.EVENT_OUTCOME);
    d.errorType = code(event.get(Fields.ERROR_TYPE));
    d.authn = event.get(Fields.AUTHN_OUTCOME);
    d.authnReason = code(event.get(Fields.AUTHN_REASON));
    d.authnInferred = Boolean.TRUE.equals(event.get(Fields.AUTHN_INFERRED));
    d.authz = event.get(Fields.AUTHZ_OUTCOME);
    d.authzReason = code(event.get(Fields.AUTHZ_REASON));
    d.authzInferred = Boolean.TRUE.equals(event.get(Fields.AUTHZ_INFERRED));
    d.dependency = event.get(Fields.DEPENDENCY_OUTCOME);
    d.dependencyReason = code(event.get(Fields.DEPENDENCY_REASON));
    d.dependencyName = event.get(Fields.DEPENDENCY_NAME);
    d.dependencyStatus = event.get(Fields.DEPENDENCY_STATUS);
    d.dependencyInferred = Boolean.TRUE.equals(event.get(Fields.DEPENDENCY_INFERRED));
    d.tokenHash = EventParser.tokenHash(event.get(Fields.TOKEN_HASH));
    d.audience = event.get(Fields.TOKEN_AUDIENCE);
    d.actorChain = event.get(Fields.TOKEN_ACTOR_CHAIN);
    d.forwardedUntrusted = Boolean.TRUE.equals(event.get(Fields.FORWARDED_UNTRUSTED));
    Long attempts = event.get(Fields.CLIENT_ATTEMPTS);
    d.attempts = attempts == null || attempts < 0 ? 0 : (int) Math.min(attempts, 1_000_000L);
    d.serverAddress = event.get(Fields.SERVER_ADDRESS);
    d.rpcService = event.get(Fields.RPC_SERVICE);
    d.certHash = Certificates.hash(event.get(Fields.TLS_CLIENT_HASH_SHA256));
    d.certSerial = Certificates.serial(event.get(Fields.TLS_CLIENT_SERIAL_NUMBER));
    d.certSubject = Certificates.name(event.get(Fields.TLS_CLIENT_SUBJECT));
    d.topic = event.get(Fields.MESSAGING_DESTINATION_NAME);
    d.partition = event.get(Fields.MESSAGING_DESTINATION_PARTITION_ID);
    Long offset = event.get(Fields.MESSAGING_KAFKA_OFFSET);
    d.offset = offset == null || offset < 0 ? -1 : offset;
    d.consumerGroup = event.get(Fields.MESSAGING_CONSUMER_GROUP_NAME);
    d.redelivered = Boolean.TRUE.equals(event.get(Fields.MESSAGE_REDELIVERED));
    d.links = event.get(Fields.LINKS);
    return new CorrelationEvent(d);
  }

  private static String code(Coded c) {
    return c == null ? null : c.code();
  }

  /**
   * Server (a request this hop received), client (a call it made); 1.1: producer (a message it
   * sent), consumer (a message it processed).
   */
  public EventName eventName() {
    return name;
  }

  /** {@code service.name}, or {@code null}. */
  public String service() {
    return service;
  }

  /** {@code identity.hop.layer}, or {@code null}. */
  public HopLayer layer() {
    return layer;
  }

  /** {@code trace.id}, lowercase, or {@code null}. */
  public String traceId() {
    return traceId;
  }

  /** {@code span.id}, or {@code null}. */
  public String spanId() {
    return spanId;
  }

  /** {@code span.parent.id}, or {@code null}. */
  public String parentSpanId() {
    return parentSpanId;
  }

  /** {@code identity.request.id}, or {@code null}. */
  public String requestId() {
    return requestId;
  }

  /** When the event ended, or {@code null} when the line had no readable time. */
  public Instant timestamp() {
    return timestamp == Times.NONE ? null : Instant.ofEpochMilli(timestamp);
  }

  /** Whether the event carries anything it can be joined on. */
  boolean joinable() {
    return traceId != null || requestId != null || spanId != null || parentSpanId != null
        || edgeId != null;
  }

  /** When the work started: end minus duration, or the end when the duration is unknown. */
  long start() {
    if (timestamp == Times.NONE) {
      return Times.NONE;
    }
    return durationNanos > 0 ? timestamp - durationNanos / 1_000_000L : timestamp;
  }

  boolean isClient() {
    return name == EventName.CLIENT;
  }

  /** A call this hop made: to another hop (client) or to a broker (producer). */
  boolean isCall() {
    return name == EventName.CLIENT || name == EventName.PRODUCER;
  }

  /** How the output names the kind of event: server, client, producer, consumer. */
  String kind() {
    switch (name) {
      case CLIENT:
        return "client";
      case PRODUCER:
        return "producer";
      case CONSUMER:
        return "consumer";
      default:
        return "server";
    }
  }

  boolean isProducer() {
    return name == EventName.PRODUCER;
  }

  boolean isConsumer() {
    return name == EventName.CONSUMER;
  }

  /** The status as written in output: the HTTP code, else the gRPC status name. */
  String statusText() {
    if (httpStatus != 0) {
      return Integer.toString(httpStatus);
    }
    return grpcStatus;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof CorrelationEvent)) {
      return false;
    }
    CorrelationEvent e = (CorrelationEvent) o;
    return hash == e.hash
        && name == e.name
        && timestamp == e.timestamp
        && durationNanos == e.durationNanos
        && httpStatus == e.httpStatus
        && attempts == e.attempts
        && authnInferred == e.authnInferred
        && authzInferred == e.authzInferred
        && dependencyInferred == e.dependencyInferred
        && forwardedUntrusted == e.forwardedUntrusted
        && layer == e.layer
        && traceOrigin == e.traceOrigin
        && eventOutcome == e.eventOutcome
        && authn == e.authn
        && authz == e.authz
        && dependency == e.dependency
        && Objects.equals(service, e.service)
        && Objects.equals(traceId, e.traceId)
        && Objects.equals(spanId, e.spanId)
        && Objects.equals(parentSpanId, e.parentSpanId)
        && Objects.equals(requestId, e.requestId)
        && Objects.equals(edgeId, e.edgeId)
        && Objects.equals(grpcStatus, e.grpcStatus)
        && Objects.equals(errorType, e.errorType)
        && Objects.equals(authnReason, e.authnReason)
        && Objects.equals(authzReason, e.authzReason)
        && Objects.equals(dependencyReason, e.dependencyReason)
        && Objects.equals(dependencyName, e.dependencyName)
        && Objects.equals(dependencyStatus, e.dependencyStatus)
        && Objects.equals(tokenHash, e.tokenHash)
        && audience.equals(e.audience)
        && actorChain.equals(e.actorChain)
        && Objects.equals(serverAddress, e.serverAddress)
        && Objects.equals(rpcService, e.rpcService)
        && offset == e.offset
        && redelivered == e.redelivered
        && linked == e.linked
        && Objects.equals(topic, e.topic)
        && Objects.equals(partition, e.partition)
        && Objects.equals(consumerGroup, e.consumerGroup)
        && links.equals(e.links);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  private int computeHash() {
    int h = name.hashCode();
    h = 31 * h + Long.hashCode(timestamp);
    h = 31 * h + Long.hashCode(durationNanos);
    h = 31 * h + httpStatus;
    h = 31 * h + Objects.hashCode(service);
    h = 31 * h + Objects.hashCode(traceId);
    h = 31 * h + Objects.hashCode(spanId);
    h = 31 * h + Objects.hashCode(parentSpanId);
    h = 31 * h + Objects.hashCode(requestId);
    h = 31 * h + Objects.hashCode(authn);
    h = 31 * h + Objects.hashCode(authnReason);
    h = 31 * h + Objects.hashCode(authz);
    h = 31 * h + Objects.hashCode(dependency);
    h = 31 * h + Objects.hashCode(dependencyReason);
    h = 31 * h + Objects.hashCode(tokenHash);
    h = 31 * h + Long.hashCode(offset);
    h = 31 * h + Objects.hashCode(consumerGroup);
    return h;
  }

  @Override
  public String toString() {
    return "CorrelationEvent{" + name.code() + " " + service + " trace=" + traceId + " span="
        + spanId + " parent=" + parentSpanId + " request=" + requestId + " status="
        + statusText() + "}";
  }

  /** The mutable values of an event while it is read. */
  static final class Draft {
    EventName name;
    String service;
    HopLayer layer;
    String traceId;
    String spanId;
    String parentSpanId;
    TraceOrigin traceOrigin;
    String requestId;
    String edgeId;
    long timestamp = Times.NONE;
    long durationNanos = -1;
    int httpStatus;
    String grpcStatus;
    EventOutcome eventOutcome;
    String errorType;
    Outcome authn;
    String authnReason;
    boolean authnInferred;
    Outcome authz;
    String authzReason;
    boolean authzInferred;
    Outcome dependency;
    String dependencyReason;
    String dependencyName;
    String dependencyStatus;
    boolean dependencyInferred;
    String tokenHash;
    List<String> audience;
    List<String> actorChain;
    boolean forwardedUntrusted;
    int attempts;
    String serverAddress;
    String rpcService;
    /** A {@code traceparent} value, used when the line has no {@code trace.id}. */
    String traceparent;
    String basis;
    int basisRank;
    boolean layerTrace;
    String upstreamRequestId;
    /** The line names a matched route ({@code http.route}). */
    boolean route;
    String certHash;
    String certSerial;
    String certSubject;
    /** The id fields whose values were malformed and left out, comma-separated, or null. */
    String malformedIds;
    String topic;
    String partition;
    long offset = -1;
    String consumerGroup;
    boolean redelivered;
    List<String> links;
    boolean linked;
  }
}
