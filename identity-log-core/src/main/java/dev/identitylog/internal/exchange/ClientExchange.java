package dev.identitylog.internal.exchange;

import dev.identitylog.IdentityLog;
import dev.identitylog.cert.CertificateFacts;
import dev.identitylog.emit.OpenTelemetryEventSink;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.TraceOrigin;
import dev.identitylog.internal.InternalErrors;
import dev.identitylog.internal.Throwables;
import dev.identitylog.protocol.ClientRecord;
import dev.identitylog.protocol.ClientRequest;
import dev.identitylog.protocol.HttpClientRequest;
import dev.identitylog.protocol.MessageProducerRequest;
import dev.identitylog.protocol.MessageProducerResult;
import dev.identitylog.protocol.RpcClientRequest;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Phase;
import dev.identitylog.outcome.Reason;
import dev.identitylog.propagation.Ids;
import dev.identitylog.propagation.TraceContext;
import dev.identitylog.propagation.TraceParent;
import dev.identitylog.redact.Sanitizer;
import dev.identitylog.token.Credentials;
import dev.identitylog.token.TokenFacts;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The record of one logical outbound call (all its attempts, retries and redirects), from its
 * start to its one {@code identity.client} event. Created by the client handler;
 * the adapter injects {@link #propagationHeaders()}, counts {@link #attempt()}s, reports the
 * server certificate, and ends it once with a {@code finish} method. When the call was made while
 * serving a request, its outcome is also reported into that request's record, so a 503 there can
 * name the dependency that failed.
 */
public final class ClientExchange implements ClientRecord {
  private final IdentityLog log;
  private final InternalErrors errors;
  private final ServerExchange parent;
  private final long startNanos = System.nanoTime();
  private final IdentityEvent.Builder event; // guarded by this
  private final AtomicInteger attempts = new AtomicInteger();
  private final AtomicBoolean finished = new AtomicBoolean();
  private final Map<String, String> headers;
  private final String dependencyName;
  private volatile String traceId;
  private volatile String spanId;
  private String requestId;
  /** The span an instrumentation made for this call, once its id was seen on the wire. */
  private volatile Span span;

  private ClientExchange(IdentityLog log, ServerExchange parent, String dependencyName) {
    this.log = log;
    this.errors = InternalErrors.of(log);
    this.parent = parent;
    this.event = IdentityEvent.builder(log.limits());
    this.headers = new LinkedHashMap<>(8);
    this.dependencyName = dependencyName;
  }

  /**
   * Starts the record of a call made on behalf of {@code parent} (or of no request); never throws
   * but for fatal errors.
   */
  public static ClientExchange start(IdentityLog log, ClientRequest request, ServerExchange parent) {
    String host = null;
    try {
      host = request.serverAddress();
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      InternalErrors.of(log).record("reading an outbound request", t);
    }
    ClientExchange x = new ClientExchange(log, parent, log.dependencyName(host));
    try {
      x.read(request, host);
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      x.errors.record("reading an outbound request", t);
    }
    x.ensureIds();
    return x;
  }

  private void read(ClientRequest request, String host) {
    readTrace();
    synchronized (this) {
      IdentityEvent.Builder b = event;
      b.set(Fields.EVENT_NAME,
          request instanceof MessageProducerRequest ? EventName.PRODUCER : EventName.CLIENT);
      b.set(Fields.SCHEMA, Fields.SCHEMA_VERSION);
      b.set(Fields.SERVICE_NAME, log.serviceName());
      b.set(Fields.HOP_LAYER, log.hopLayer());
      if (request instanceof HttpClientRequest) {
        HttpClientRequest http = (HttpClientRequest) request;
        b.set(Fields.HTTP_REQUEST_METHOD, http.method());
        b.set(Fields.URL_FULL, UrlRedaction.stripQuery(http.url()));
      }
      b.set(Fields.SERVER_ADDRESS, host);
      int port = request.serverPort();
      b.set(Fields.SERVER_PORT, port > 0 ? Long.valueOf(port) : null);
      if (request instanceof RpcClientRequest) {
        RpcClientRequest rpc = (RpcClientRequest) request;
        b.set(Fields.RPC_SYSTEM, rpc.rpcSystem());
        b.set(Fields.RPC_SERVICE, rpc.rpcService());
        b.set(Fields.RPC_METHOD, rpc.rpcMethod());
      }
      if (request instanceof MessageProducerRequest) {
        MessageEvidence.applyProducer(b, (MessageProducerRequest) request);
      }
      String authorization = request.authorization();
      String raw = authorization == null ? null : Credentials.bearerToken(authorization);
      TokenFacts token = raw == null ? null : log.tokenInspector().inspect(raw);
      if (token != null) {
        token.applyTo(b, null);
        b.remove(Fields.TOKEN_BINDING); // binding is the receiving hop's check
      }
    }
    if (parent != null && request instanceof MessageProducerRequest) {
      MessageEvidence.writeEvidence(parent, headers);
    } else if (parent != null) {
      String cert = parent.clientCertHeaderFor(host);
      if (cert != null) {
        headers.put(CLIENT_CERT_HEADER, cert);
      }
    }
  }

  private void readTrace() {
    OpenTelemetry otel = log.openTelemetry();
    SpanContext current = Span.current().getSpanContext();
    TraceOrigin origin;
    String parentSpan;
    boolean sampled;
    String traceState = null;
    if (otel != null && current.isValid()) {
      // Let OpenTelemetry's propagators write the headers, so both agree on the ids.
      Context context = Context.current();
      if (parent != null && current.getSpanId().equals(parent.spanId())) {
        // The request's own span is current: no instrumentation made a span for this call (yet).
        // The call gets an id of its own, or the callee would take the caller's span for its
        // parent; an instrumentation that does make one later replaces it on the wire, and
        // traceParentSent adopts that one.
        context = context.with(Span.wrap(SpanContext.create(current.getTraceId(), Ids.newSpanId(),
            current.getTraceFlags(), current.getTraceState())));
      }
      Map<String, String> injected = new LinkedHashMap<>();
      otel.getPropagators()
          .getTextMapPropagator()
          .inject(context, injected, (carrier, k, v) -> carrier.put(k, v));
      TraceContext written = TraceParent.parse(injected.get("traceparent"), null);
      if (written != null) {
        headers.putAll(injected);
        traceId = written.traceId();
        spanId = written.parentSpanId();
        String parentSpanId = parent != null ? parent.spanId() : null;
        synchronized (this) {
          event.set(Fields.TRACE_ORIGIN, TraceOrigin.OTEL);
          event.set(Fields.SPAN_PARENT_ID, spanId.equals(parentSpanId) ? null : parentSpanId);
        }
        requestId = parent != null ? parent.requestId() : null;
        return;
      }
    }
    if (parent != null) {
      traceId = parent.traceId();
      parentSpan = parent.spanId();
      sampled = parent.sampled();
      traceState = parent.traceState();
      requestId = parent.requestId();
      origin = null; // the origin is the inbound request's; its event says where it came from
    } else if (current.isValid()) {
      traceId = current.getTraceId();
      parentSpan = current.getSpanId();
      sampled = current.isSampled();
      origin = TraceOrigin.OTEL;
    } else {
      traceId = Ids.newTraceId();
      parentSpan = null;
      sampled = true;
      origin = TraceOrigin.GENERATED;
    }
    spanId = Ids.newSpanId();
    headers.put("traceparent", TraceParent.format(traceId, spanId, sampled));
    if (traceState != null) {
      headers.put("tracestate", traceState);
    }
    synchronized (this) {
      event.set(Fields.TRACE_ORIGIN, origin);
      event.set(Fields.SPAN_PARENT_ID, parentSpan);
    }
  }

  private void ensureIds() {
    if (traceId == null) {
      traceId = Ids.newTraceId();
    }
    if (spanId == null) {
      spanId = Ids.newSpanId();
      headers.put("traceparent", TraceParent.format(traceId, spanId, true));
    }
    if (requestId == null) {
      requestId = Ids.newRequestId();
    }
    headers.put(log.requestIdHeader(), requestId);
    synchronized (this) {
      event.set(Fields.TRACE_ID, traceId);
      event.set(Fields.SPAN_ID, spanId);
      event.set(Fields.REQUEST_ID, requestId);
      if (event.get(Fields.EVENT_NAME) == null) {
        event.set(Fields.EVENT_NAME, EventName.CLIENT);
        event.set(Fields.SCHEMA, Fields.SCHEMA_VERSION);
        event.set(Fields.SERVICE_NAME, log.serviceName());
        event.set(Fields.HOP_LAYER, log.hopLayer());
      }
    }
  }

  /**
   * The headers to add to every attempt of this call, in order: {@code traceparent},
   * {@code tracestate} when one was received, the request-id header, and {@code Client-Cert} when
   * forwarding is configured for this host. The adapter must not overwrite a header the
   * application set itself.
   */
  @Override
  public Map<String, String> propagationHeaders() {
    return Collections.unmodifiableMap(headers);
  }

  @Override
  public String traceId() {
    return traceId;
  }

  /** This call's span id: the parent-id sent in its {@code traceparent}. */
  @Override
  public String spanId() {
    return spanId;
  }

  @Override
  public String requestId() {
    return requestId;
  }

  /** The request this call is made for, or {@code null}. */
  @Override
  public ServerExchange parent() {
    return parent;
  }

  /**
   * Reports the {@code traceparent} actually on the outgoing request, read at the last moment
   * before it is sent, after every interceptor that may write one (an OpenTelemetry
   * instrumentation, the Java agent, the application) has run. The adapter calls it once per
   * attempt; never throws.
   *
   * <p>What went on the wire is what the callee will name as its parent, so it becomes this
   * event's {@code span.id} (and {@code trace.id}, should another trace have been sent), and the
   * span current now is remembered when it is that span: the CLIENT span an instrumentation made,
   * which then receives the client fields. {@code span.parent.id} stays the span of the request
   * that made the call, never this call's own id. A header that is absent or not a valid {@code
   * traceparent} changes nothing.
   */
  @Override
  public void traceParentSent(String traceparent) {
    if (traceparent == null) {
      return;
    }
    try {
      TraceContext wire = TraceParent.parse(traceparent, null);
      if (wire == null) {
        return;
      }
      String wireSpan = wire.parentSpanId();
      Span currentSpan = Span.current();
      boolean instrumented = currentSpan.getSpanContext().getSpanId().equals(wireSpan);
      synchronized (this) {
        if (!wire.traceId().equals(traceId)) {
          traceId = wire.traceId();
          event.set(Fields.TRACE_ID, traceId);
          boolean sameTrace = parent != null && traceId.equals(parent.traceId());
          event.set(Fields.SPAN_PARENT_ID, sameTrace ? parent.spanId() : null);
        }
        spanId = wireSpan;
        event.set(Fields.SPAN_ID, wireSpan);
        if (wireSpan.equals(event.get(Fields.SPAN_PARENT_ID))) {
          event.remove(Fields.SPAN_PARENT_ID);
        }
        if (instrumented) {
          span = currentSpan;
        }
      }
      updateSpan();
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      errors.record("reading the sent traceparent", t);
    }
  }

  /**
   * Writes what is known so far on the instrumentation's CLIENT span, when OpenTelemetry is
   * configured: such a span may end before the call does (one per attempt, or ended by an
   * instrumentation's listener before ours hears of the close), so each fact goes on it as soon as
   * it is known; {@code finish} writes the rest if the span is still open.
   */
  private void updateSpan() {
    Span s = span;
    if (s == null || log.openTelemetry() == null || !s.isRecording()) {
      return;
    }
    IdentityEvent snapshot;
    synchronized (this) {
      event.set(Fields.CLIENT_ATTEMPTS, (long) Math.max(1, attempts.get()));
      snapshot = event.build();
    }
    OpenTelemetryEventSink.writeToSpan(s, snapshot);
  }

  @Override
  public String requestIdHeader() {
    return log.requestIdHeader();
  }

  @Override
  public void requestIdSent(String sent) {
    if (sent == null || sent.length() > 256) {
      return;
    }
    try {
      String id = Sanitizer.clean(sent.trim(), 128);
      if (id == null || id.isEmpty() || id.equals(requestId)) {
        return;
      }
      synchronized (this) {
        requestId = id;
        event.set(Fields.REQUEST_ID, id);
      }
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      errors.record("reading the sent request id", t);
    }
  }

  /** Counts one attempt (the first, a retry, or a redirect). */
  @Override
  public void attempt() {
    attempts.incrementAndGet();
  }

  /** The called server's certificate, from the handshake; never throws. */
  @Override
  public void serverCertificate(X509Certificate certificate) {
    if (certificate == null) {
      return;
    }
    try {
      CertificateFacts facts = log.certificateInspector().inspect(certificate);
      synchronized (this) {
        facts.applyServer(event);
      }
      updateSpan();
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      errors.record("reading a server certificate", t);
    }
  }

  /** The negotiated TLS protocol and cipher, when known. */
  @Override
  public void tls(String protocol, String cipher) {
    synchronized (this) {
      event.set(Fields.TLS_PROTOCOL_VERSION, TlsVersion.of(protocol));
      event.set(Fields.TLS_CIPHER, cipher);
    }
    updateSpan();
  }

  /** Records a failure of the library's own code against this hop's counter; never throws. */
  public void internalError(String where, Throwable t) {
    errors.record(where, t);
  }

  /**
   * Ends an HTTP call: with the final status ({@code error} null), or with the exception that
   * ended it. Emits the event; {@code null} when the call had already ended.
   */
  public IdentityEvent finishHttp(int status, Throwable error) {
    boolean answered = error == null && status >= 100 && status <= 599;
    Reason reason;
    if (error != null) {
      reason = DependencyFailures.fromException(error);
    } else {
      reason = answered ? DependencyFailures.fromHttpStatus(status) : Reason.PROTOCOL_ERROR;
    }
    return finish(answered ? status : -1, null, reason, answered ? Integer.toString(status) : null);
  }

  /** Ends a sent message with the broker's answer. */
  public IdentityEvent finishProducer(MessageProducerResult result) {
    MessageProducerResult.Status status =
        result.status() == null ? MessageProducerResult.Status.FAILED : result.status();
    Reason reason;
    switch (status) {
      case ACKNOWLEDGED:
        reason = null;
        break;
      case REFUSED:
        reason = Reason.UPSTREAM_ERROR;
        break;
      case TIMED_OUT:
        reason = Reason.TIMEOUT;
        break;
      case NOT_AUTHORIZED:
        reason = Reason.UPSTREAM_FORBIDDEN;
        break;
      case UNAUTHENTICATED:
        reason = Reason.UPSTREAM_UNAUTHENTICATED;
        break;
      case UNAVAILABLE:
        reason = Reason.UPSTREAM_UNAVAILABLE;
        break;
      default:
        reason = result.error() != null
            ? DependencyFailures.fromException(result.error())
            : Reason.PROTOCOL_ERROR;
    }
    synchronized (this) {
      String partition = result.partitionId();
      event.set(Fields.MESSAGING_DESTINATION_PARTITION_ID,
          partition == null ? null : dev.identitylog.redact.Sanitizer.clean(partition, 64));
      long offset = result.offset();
      event.set(Fields.MESSAGING_KAFKA_OFFSET, offset >= 0 ? Long.valueOf(offset) : null);
    }
    return finish(-1, null, reason, reason == null ? null : status.name().toLowerCase(java.util.Locale.ROOT));
  }

  /**
   * Ends a gRPC call with its status name; {@code cause} is the status's cause, which tells a
   * connection failure from an unavailable server.
   */
  public IdentityEvent finishGrpc(String statusName, Throwable cause) {
    Reason reason = DependencyFailures.fromGrpcStatus(statusName);
    if ("UNAVAILABLE".equals(statusName) && cause != null) {
      Reason fromCause = DependencyFailures.fromException(cause);
      if (fromCause != Reason.PROTOCOL_ERROR) {
        reason = fromCause; // e.g. connect_failure: nothing answered at all
      }
    }
    return finish(-1, statusName, reason, statusName);
  }

  @Override
  public boolean isFinished() {
    return finished.get();
  }

  private IdentityEvent finish(int status, String grpcStatus, Reason reason, String statusText) {
    if (!finished.compareAndSet(false, true)) {
      return null;
    }
    IdentityEvent built;
    synchronized (this) {
      IdentityEvent.Builder b = event;
      try {
        b.set(Fields.TIMESTAMP, Instant.now(log.clock()));
        b.set(Fields.EVENT_DURATION, System.nanoTime() - startNanos);
        b.set(Fields.CLIENT_ATTEMPTS, (long) Math.max(1, attempts.get()));
        b.set(Fields.HTTP_RESPONSE_STATUS_CODE, status > 0 ? Long.valueOf(status) : null);
        b.set(Fields.RPC_GRPC_STATUS_CODE, grpcStatus);
        boolean cancelled = reason == Reason.CLIENT_ABORT;
        boolean failed = reason != null && !cancelled;
        b.set(Fields.DEPENDENCY_OUTCOME,
            cancelled ? Outcome.UNKNOWN : failed ? Outcome.FAILURE : Outcome.SUCCESS);
        if (cancelled) {
          b.set(Fields.ERROR_TYPE, reason);
        } else if (failed) {
          b.set(Fields.DEPENDENCY_REASON, reason.phase() == Phase.DEPENDENCY ? reason : null);
          b.set(Fields.DEPENDENCY_NAME, dependencyName);
          b.set(Fields.DEPENDENCY_STATUS, statusText);
          b.set(Fields.ERROR_TYPE, reason);
        }
        b.set(Fields.EVENT_OUTCOME, failed || cancelled ? EventOutcome.FAILURE : EventOutcome.SUCCESS);
      } catch (Throwable t) {
        Throwables.propagateIfFatal(t);
        errors.record("finishing an outbound call", t);
      }
      built = b.build();
    }
    if (parent != null) {
      try {
        // A call its own caller cancelled is not a failure of the dependency.
        parent.outboundCallEnded(
            reason == Reason.CLIENT_ABORT ? null : reason, dependencyName, statusText);
      } catch (Throwable t) {
        Throwables.propagateIfFatal(t);
        errors.record("reporting an outbound call", t);
      }
    }
    Span instrumented = span;
    if (instrumented == null) {
      log.sink().emit(built);
    } else {
      // The CLIENT span current while emitting: the OpenTelemetry sink writes the client fields on
      // it and links the log record to it, wherever the adapter's finish runs.
      try (Scope ignored = instrumented.makeCurrent()) {
        log.sink().emit(built);
      }
    }
    return built;
  }

  @Override
  public String toString() {
    return "ClientExchange{trace.id=" + traceId + ", span.id=" + spanId + "}";
  }
}
