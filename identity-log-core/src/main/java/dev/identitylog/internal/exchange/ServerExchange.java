package dev.identitylog.internal.exchange;

import dev.identitylog.IdentityLog;
import dev.identitylog.RequestIdentity;
import dev.identitylog.context.ContextRecord;
import dev.identitylog.context.RequestContext;
import dev.identitylog.context.Scope;
import dev.identitylog.internal.InternalErrors;
import dev.identitylog.internal.Throwables;
import dev.identitylog.event.Field;
import dev.identitylog.protocol.HttpServerRequest;
import dev.identitylog.protocol.MessageConsumerRequest;
import dev.identitylog.protocol.RpcServerRequest;
import dev.identitylog.protocol.ServerRecord;
import dev.identitylog.protocol.ServerRequest;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.TokenBinding;
import dev.identitylog.event.TraceOrigin;
import dev.identitylog.forwarded.ClientCertHeader;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import dev.identitylog.propagation.HeaderGetter;
import dev.identitylog.propagation.Ids;
import dev.identitylog.propagation.TraceContext;
import dev.identitylog.propagation.TraceContextExtractor;
import dev.identitylog.redact.Limits;
import dev.identitylog.redact.Sanitizer;
import dev.identitylog.token.Credentials;
import dev.identitylog.token.TokenFacts;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.security.cert.X509Certificate;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.List;
import org.slf4j.MDC;

/**
 * The record of one request this hop received, from its start to its one event. The server
 * handler starts it, the adapter makes it current with {@link #makeCurrent()}, and the handler
 * ends it exactly once with one of the {@code finish} methods; a second finish is ignored.
 *
 * <p>Every method is safe to call from any thread and never throws into the caller.
 */
public final class ServerExchange implements ServerRecord {
  /** MDC keys set while the request is bound to a thread, so the application's logs join. */
  public static final String MDC_TRACE_ID = "trace.id";

  public static final String MDC_SPAN_ID = "span.id";
  public static final String MDC_REQUEST_ID = "identity.request.id";

  private final IdentityLog log;
  private final InternalErrors errors;
  private final long startNanos = System.nanoTime();
  private final IdentityEvent.Builder event; // guarded by this
  /**
   * Created by the first recording (most requests record none: their outcomes are inferred), and
   * {@link Decisions#NONE} once the record ended without any. Guarded by this.
   */
  private Decisions decisions;
  /** 1 once a finish method ran; a field and a handle rather than an AtomicBoolean per request. */
  @SuppressWarnings("UnusedVariable") // written and read through FINISHED
  private volatile int finished;

  private static final VarHandle FINISHED;

  static {
    try {
      FINISHED = MethodHandles.lookup().findVarHandle(ServerExchange.class, "finished", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile String traceId;
  private volatile String spanId;
  private volatile String requestId;
  private volatile String traceState;
  private volatile boolean sampled = true;
  private X509Certificate tlsClientCertificate;
  private TokenFacts token;
  private TokenBinding binding;
  private boolean certificatePresented;
  private boolean otherCredential;
  private Reason certificateProblem;
  private volatile boolean reject;
  /** A processed message ({@code identity.consumer}) rather than a request. */
  private boolean consumer;

  private ServerExchange(IdentityLog log) {
    this.log = log;
    this.errors = InternalErrors.of(log);
    this.event = IdentityEvent.builder(log.limits());
  }

  /** Starts the record of a received request; never throws but for fatal errors. */
  public static ServerExchange start(IdentityLog log, ServerRequest request) {
    ServerExchange exchange = new ServerExchange(log);
    try {
      exchange.read(request);
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      exchange.errors.record("reading an inbound request", t);
    }
    exchange.ensureIds();
    return exchange;
  }

  /** The exchange current here ({@link RequestContext#current()}), or {@code null}. */
  public static ServerExchange current() {
    ContextRecord record = RequestContext.current();
    return record instanceof ServerExchange ? (ServerExchange) record : null;
  }

  @Override
  public Scope makeCurrent() {
    Scope attached = RequestContext.attach(this);
    String prevTrace = MDC.get(MDC_TRACE_ID);
    String prevSpan = MDC.get(MDC_SPAN_ID);
    String prevRequest = MDC.get(MDC_REQUEST_ID);
    putMdc(MDC_TRACE_ID, traceId);
    putMdc(MDC_SPAN_ID, spanId);
    putMdc(MDC_REQUEST_ID, requestId);
    if (prevTrace == null && prevSpan == null && prevRequest == null) {
      return ClearingScope.of(attached); // the usual case: nothing to restore but absence
    }
    return () -> {
      attached.close();
      putMdc(MDC_TRACE_ID, prevTrace);
      putMdc(MDC_SPAN_ID, prevSpan);
      putMdc(MDC_REQUEST_ID, prevRequest);
    };
  }

  /**
   * Closes the storage's scope and removes the three MDC keys: what ends a request bound on an idle
   * pooled thread. The storage restores "nothing current" with one shared scope, so this one is
   * shared too (made again only when that scope changes), rather than a new one per request.
   */
  private static final class ClearingScope implements Scope {
    // Racy on purpose: a stale read only makes a new scope; the final field publishes it safely.
    private static ClearingScope last = new ClearingScope(Scope.NOOP);

    private final Scope attached;

    private ClearingScope(Scope attached) {
      this.attached = attached;
    }

    static Scope of(Scope attached) {
      ClearingScope scope = last;
      if (scope.attached != attached) {
        scope = new ClearingScope(attached);
        last = scope;
      }
      return scope;
    }

    @Override
    public void close() {
      attached.close();
      putMdc(MDC_TRACE_ID, null);
      putMdc(MDC_SPAN_ID, null);
      putMdc(MDC_REQUEST_ID, null);
    }
  }

  private static void putMdc(String key, String value) {
    try {
      if (value == null) {
        MDC.remove(key);
      } else {
        MDC.put(key, value);
      }
    } catch (RuntimeException ignored) {
      // An MDC adapter that refuses is no reason to fail a request.
    }
  }

  // ---------------------------------------------------------------- reading the request

  /**
   * Starts the record of a message this hop processes; it is made current and ended like a
   * request's, so decisions and calls made while processing land in it. Never throws but for
   * fatal errors.
   */
  public static ServerExchange startConsumer(IdentityLog log, MessageConsumerRequest message) {
    return startConsumer(log, message, null);
  }

  /**
   * As {@link #startConsumer(IdentityLog, MessageConsumerRequest)}, for a record processed in a
   * batch: {@code links} are the batch's producer contexts ({@link MessageLinks#of}), written as
   * {@code identity.links} when they name more than this record's own parent.
   */
  public static ServerExchange startConsumer(
      IdentityLog log, MessageConsumerRequest message, List<String> links) {
    ServerExchange exchange = new ServerExchange(log);
    exchange.consumer = true;
    try {
      exchange.readMessage(message);
      if (links != null && !links.isEmpty()) {
        String own = MessageLinks.contextOf(message, log.limits());
        synchronized (exchange) {
          MessageLinks.apply(exchange.event, links, own);
        }
      }
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      exchange.errors.record("reading a consumed message", t);
    }
    exchange.ensureIds();
    return exchange;
  }

  private void readMessage(MessageConsumerRequest message) {
    Limits limits = log.limits();
    // Record headers are input like any request header: an oversized one is not parsed.
    HeaderGetter headers =
        name -> {
          String v = message.header(name);
          return v == null || limits.headerTooLarge(v) ? null : v;
        };
    readTrace(headers, limits);
    String rid = headers.get(log.requestIdHeader());
    if (rid != null && rid.length() <= 256) {
      requestId = Sanitizer.clean(rid.trim(), 128);
    }
    synchronized (this) {
      IdentityEvent.Builder b = event;
      b.set(Fields.EVENT_NAME, EventName.CONSUMER);
      b.set(Fields.SCHEMA, Fields.SCHEMA_VERSION);
      b.set(Fields.SERVICE_NAME, log.serviceName());
      b.set(Fields.HOP_LAYER, log.hopLayer());
      MessageEvidence.Claimed claimed = MessageEvidence.applyConsumer(b, message, headers);
      certificatePresented = claimed.certificate;
      otherCredential = claimed.token; // a token was presented upstream; its facts are not here
    }
  }

  /** A field of this record's event so far, for the evidence a producer passes on. */
  String evidence(Field<String> field) {
    synchronized (this) {
      return event.get(field);
    }
  }

  /**
   * Reads what the request tells. The rare cases (an RPC request, forwarded identity, oversized
   * headers, a request id received) sit in methods of their own, so that the code the JIT compiles
   * into every request is the common path only.
   */
  private void read(ServerRequest received) {
    Limits limits = log.limits();
    // Every header below is read through the size limit: an oversized one is not parsed, only named.
    OversizedHeaders request = new OversizedHeaders(received, limits);

    readTrace(request, limits);
    String rid = request.header(log.requestIdHeader());
    if (rid != null) {
      readRequestId(rid);
    }

    synchronized (this) {
      IdentityEvent.Builder b = event;
      b.set(Fields.EVENT_NAME, EventName.SERVER);
      b.set(Fields.SCHEMA, Fields.SCHEMA_VERSION);
      b.set(Fields.SERVICE_NAME, log.serviceName());
      b.set(Fields.HOP_LAYER, log.hopLayer());
      String edge = request.header("CF-Ray");
      b.set(Fields.REQUEST_EDGE_ID, edge != null ? edge : request.header("X-Amz-Cf-Id"));
      if (received instanceof HttpServerRequest) {
        HttpServerRequest http = (HttpServerRequest) received;
        b.set(Fields.HTTP_REQUEST_METHOD, http.method());
        b.set(Fields.URL_PATH, UrlRedaction.stripPathParameters(http.path()));
        b.set(Fields.HTTP_ROUTE, http.route());
      }
      if (received instanceof RpcServerRequest) {
        readRpc((RpcServerRequest) received, b);
      }
      b.set(Fields.SERVER_ADDRESS, request.serverAddress());
      b.set(Fields.SERVER_PORT, Boxed.port(request.serverPort()));
      b.set(Fields.NETWORK_PEER_ADDRESS, request.peerAddress());
      b.set(Fields.TLS_PROTOCOL_VERSION, TlsVersion.of(request.tlsProtocol()));
      b.set(Fields.TLS_CIPHER, request.tlsCipher());
      readCertificates(request, b);
      readToken(request, b, limits);
      if (request.anyOversized()) {
        readOversized(request, b);
      }
    }
  }

  private void readRequestId(String rid) {
    if (rid.length() <= 256) {
      requestId = Sanitizer.clean(rid.trim(), 128);
    }
  }

  private static void readRpc(RpcServerRequest rpc, IdentityEvent.Builder b) {
    b.set(Fields.RPC_SYSTEM, rpc.rpcSystem());
    b.set(Fields.RPC_SERVICE, rpc.rpcService());
    b.set(Fields.RPC_METHOD, rpc.rpcMethod());
  }

  private void readOversized(OversizedHeaders request, IdentityEvent.Builder b) {
    // A credential too large to read is still a credential: not a missing one.
    otherCredential |= request.oversized("Authorization");
    b.set(Fields.HEADERS_OVERSIZED, request.names());
  }

  private void readTrace(HeaderGetter headers, Limits limits) {
    TraceContext received = TraceContextExtractor.extract(headers, limits);
    SpanContext otel = Span.current().getSpanContext();
    TraceOrigin origin;
    String parent;
    if (otel.isValid()) {
      traceId = otel.getTraceId();
      spanId = otel.getSpanId();
      sampled = otel.isSampled();
      origin = TraceOrigin.OTEL;
      parent = traceId.equals(received.traceId()) ? received.parentSpanId() : null;
    } else {
      traceId = received.traceId();
      spanId = Ids.newSpanId();
      sampled = received.sampled();
      origin = received.origin();
      parent = received.parentSpanId();
    }
    traceState = received.traceState();
    synchronized (this) {
      event.set(Fields.TRACE_ORIGIN, origin);
      event.set(Fields.SPAN_PARENT_ID, parent);
    }
  }

  private void readCertificates(OversizedHeaders request, IdentityEvent.Builder b) {
    ForwardedIdentity.Result found = ForwardedIdentity.read(log, request, b);
    tlsClientCertificate = found.tlsClientCertificate;
    certificatePresented = found.certificatePresented;
    if (found.reject || found.certificateProblem != null) {
      refused(found);
    }
  }

  private void refused(ForwardedIdentity.Result found) {
    if (found.reject) {
      reject = true;
      decisions().authn(Outcome.FAILURE, Reason.IDENTITY_HEADER_UNTRUSTED);
    }
    if (found.certificateProblem != null) {
      certificateProblem = found.certificateProblem;
      decisions().authn(Outcome.FAILURE, found.certificateProblem);
    }
  }

  private void readToken(ServerRequest request, IdentityEvent.Builder b, Limits limits) {
    String authorization = request.header("Authorization");
    if (authorization == null) {
      return;
    }
    long region = Credentials.bearerTokenRegion(authorization);
    if (region < 0) {
      otherCredential = true; // e.g. Basic: a credential, but not one we read
      return;
    }
    // Looked up in the header itself: a warm token is not cut out of it (docs/performance.md).
    token = log.tokenInspector().inspect(authorization, (int) (region >>> 32), (int) region);
    if (token == null) {
      return;
    }
    token.applyTo(b, b.get(Fields.TLS_CLIENT_HASH_SHA256));
    binding = b.get(Fields.TOKEN_BINDING);
    // A claim is an identity only when this library checked the token's signature: without keys
    // (verified absent) or with a failed check, anyone could have written that subject.
    if (b.get(Fields.WORKLOAD_ID) == null && Boolean.TRUE.equals(token.verified())
        && token.subjectIsSpiffeId()) {
      b.set(Fields.WORKLOAD_ID, token.subject());
    }
  }

  private void ensureIds() {
    if (traceId == null) {
      traceId = Ids.newTraceId();
      synchronized (this) {
        event.set(Fields.TRACE_ORIGIN, TraceOrigin.GENERATED);
      }
    }
    if (spanId == null) {
      spanId = Ids.newSpanId();
    }
    if (requestId == null) {
      requestId = Ids.newRequestId();
    }
    synchronized (this) {
      event.set(Fields.TRACE_ID, traceId);
      event.set(Fields.SPAN_ID, spanId);
      event.set(Fields.REQUEST_ID, requestId);
      if (event.get(Fields.EVENT_NAME) == null) {
        event.set(Fields.EVENT_NAME, EventName.SERVER);
        event.set(Fields.SCHEMA, Fields.SCHEMA_VERSION);
        event.set(Fields.SERVICE_NAME, log.serviceName());
        event.set(Fields.HOP_LAYER, log.hopLayer());
      }
    }
  }

  // ---------------------------------------------------------------- in flight

  /**
   * Whether the adapter must answer 400 without running the application: strict forwarding is on
   * and forwarded identity arrived from an untrusted peer.
   */
  @Override
  public boolean shouldReject() {
    return reject;
  }

  /** Sets {@code http.route} once the framework has matched it. */
  @Override
  public void route(String route) {
    synchronized (this) {
      event.set(Fields.HTTP_ROUTE, route);
    }
  }

  @Override
  public boolean isRecording() {
    return true;
  }

  @Override
  public String traceId() {
    return traceId;
  }

  @Override
  public String spanId() {
    return spanId;
  }

  @Override
  public String requestId() {
    return requestId;
  }

  /** The {@code tracestate} received, to be passed on, or {@code null}. */
  @Override
  public String traceState() {
    return traceState;
  }

  @Override
  public boolean sampled() {
    return sampled;
  }

  /**
   * The RFC 9440 {@code Client-Cert} value to send to {@code host}, when this hop terminated
   * mTLS and forwarding to that host is configured; otherwise {@code null}.
   */
  @Override
  public String clientCertHeaderFor(String host) {
    X509Certificate cert = tlsClientCertificate;
    if (cert == null || !log.forwardsClientCertTo(host)) {
      return null;
    }
    try {
      return ClientCertHeader.format(cert.getEncoded());
    } catch (Exception e) {
      return null;
    }
  }

  @Override
  public RequestIdentity authn(Outcome outcome, Reason reason) {
    if (!decisions().authn(outcome, reason)) {
      errors.lateDecision("authn");
    }
    return this;
  }

  @Override
  public RequestIdentity authz(Outcome outcome, Reason reason, String policy) {
    if (!decisions().authz(outcome, reason, policy)) {
      errors.lateDecision("authz");
    }
    return this;
  }

  @Override
  public RequestIdentity dependency(Outcome outcome, Reason reason, String name, String status) {
    if (!decisions().dependency(outcome, reason, name, status)) {
      errors.lateDecision("dependency");
    }
    return this;
  }

  /**
   * An outbound call made while serving this request ended (called by {@link ClientExchange}). A
   * call that ends after this request ended (made by a task that outlived it) changes nothing
   * here: its own client event says what happened to it.
   */
  void outboundCallEnded(Reason failure, String name, String status) {
    decisions().outboundCall(failure, name, status);
  }

  private Decisions decisions() {
    synchronized (this) {
      if (decisions == null) {
        decisions = new Decisions();
      }
      return decisions;
    }
  }

  /** Ends the recording: what arrives later is refused (a closed Decisions refuses it). */
  private Decisions closeDecisions() {
    Decisions d;
    synchronized (this) {
      d = decisions;
      if (d == null) {
        decisions = Decisions.NONE;
        return Decisions.NONE;
      }
    }
    return d.close();
  }

  // ---------------------------------------------------------------- the end

  /** Records a failure of the library's own code against this hop's counter; never throws. */
  public void internalError(String where, Throwable t) {
    errors.record(where, t);
  }

  /**
   * Ends the processing of a consumed message: {@code error} is what the listener threw (then
   * {@code internal_error} unless a recorded decision names the cause), or {@code null}.
   */
  public IdentityEvent finishConsumer(Throwable error) {
    return finish(error != null ? 500 : 200, null, null, false);
  }

  /**
   * Ends an HTTP request and emits its event; {@code null} when it had already ended.
   *
   * @param status the status sent (the adapter computes 500 for an exception that left the
   *     response uncommitted)
   * @param wwwAuthenticate the {@code WWW-Authenticate} response header, or {@code null}
   * @param error what the application threw, or {@code null}; only its presence is used
   */
  public IdentityEvent finishHttp(int status, String wwwAuthenticate, Throwable error) {
    return finish(status, null, WwwAuthenticate.error(wwwAuthenticate), false);
  }

  /** Ends a gRPC call with this status (its name, e.g. {@code UNAUTHENTICATED}). */
  public IdentityEvent finishGrpc(String statusName, Throwable error) {
    return finish(OutcomeInference.httpEquivalent(statusName), statusName, null, false);
  }

  /**
   * Ends a request whose client went away before the answer was sent; {@code status} is what the
   * application had set, or -1.
   */
  public IdentityEvent finishAborted(int status, String grpcStatusName) {
    return finish(status, grpcStatusName, null, true);
  }

  /** Whether a finish method has run. */
  @Override
  public boolean isFinished() {
    return finished != 0;
  }

  private IdentityEvent finish(int status, String grpcStatus, String wwwError, boolean aborted) {
    if (!FINISHED.compareAndSet(this, 0, 1)) {
      return null;
    }
    if (status < 100 || status > 599) {
      status = -1; // not an HTTP status: unknown, rather than a value no reader can interpret
    }
    // From here on what is recorded is dropped and counted: the event is built from this.
    Decisions recorded = closeDecisions();
    IdentityEvent built;
    synchronized (this) {
      IdentityEvent.Builder b = event;
      try {
        Instant now = Instant.now(log.clock());
        b.set(Fields.TIMESTAMP, now);
        b.set(Fields.EVENT_DURATION, System.nanoTime() - startNanos);
        if (grpcStatus != null) {
          b.set(Fields.RPC_GRPC_STATUS_CODE, grpcStatus);
        } else if (status > 0 && !consumer) {
          b.set(Fields.HTTP_RESPONSE_STATUS_CODE, Boxed.status(status));
        }
        OutcomeInference.apply(
            b,
            recorded,
            new OutcomeInference.Ending(status, grpcStatus, wwwError, aborted),
            new OutcomeInference.Credentials(
                token, certificatePresented, otherCredential, certificateProblem),
            binding,
            now);
      } catch (Throwable t) {
        Throwables.propagateIfFatal(t);
        errors.record("finishing an inbound request", t);
      }
      built = b.build();
    }
    log.sink().emit(built);
    return built;
  }

  @Override
  public String toString() {
    return "ServerExchange{trace.id=" + traceId + ", identity.request.id=" + requestId + "}";
  }
}
