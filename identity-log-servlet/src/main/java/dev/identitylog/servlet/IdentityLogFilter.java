package dev.identitylog.servlet;

import dev.identitylog.internal.Throwables;
import dev.identitylog.IdentityLog;
import dev.identitylog.RequestIdentity;
import dev.identitylog.context.Scope;
import dev.identitylog.handler.ServerHandler;
import dev.identitylog.protocol.ServerRecord;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Emits one {@code identity.server} event per HTTP request: who called (client certificate of the
 * TLS handshake, or forwarded by a trusted proxy; bearer token), the trace and request ids, the
 * route, the status, and the authn, authz and dependency outcomes (recorded through {@link
 * RequestIdentity} or inferred from the response).
 *
 * <p>Programmatic registration:
 *
 * <pre>{@code
 * FilterRegistration.Dynamic r = servletContext.addFilter("identity-log",
 *     IdentityLogFilter.builder(identityLog).build());
 * r.setAsyncSupported(true);
 * r.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/*");
 * }</pre>
 *
 * <p>From {@code web.xml}, the public no-argument constructor is used and {@link #init} builds the
 * {@link IdentityLog} from the init parameters {@value #SERVICE_NAME}, {@value #HOP_LAYER},
 * {@value #TRUSTED_PROXIES}, {@value #REQUEST_ID_HEADER}, {@value #STRICT_FORWARDING},
 * {@value #ECHO_REQUEST_ID_HEADER}, {@value #SSL_CLIENT_CERT_HEADER} and {@value
 * #CLIENT_CERT_TRUST_ANCHORS}.
 *
 * <p>While the application runs, the request's record is bound to the thread ({@link
 * RequestIdentity#current()}, outbound adapters, the SLF4J MDC keys {@code trace.id}, {@code
 * span.id} and {@code identity.request.id}) and stored in the request attribute {@link
 * RequestIdentity#ATTRIBUTE}.
 *
 * <p>The filter never throws an exception of its own into the application and never changes the
 * response, except for the request-id header it echoes and, with strict forwarding, the 400 it
 * answers to identity-bearing forwarded headers from an untrusted peer.
 */
public final class IdentityLogFilter implements Filter {
  /** Init parameter: {@code service.name}. */
  public static final String SERVICE_NAME = "service-name";

  /** Init parameter: {@code identity.hop.layer} ({@code cdn}, {@code proxy}, ...). */
  public static final String HOP_LAYER = "hop-layer";

  /** Init parameter: comma-separated address ranges, SPIFFE IDs, {@code sha256:} thumbprints. */
  public static final String TRUSTED_PROXIES = "trusted-proxies";

  /** Init parameter: the header carrying the request id. */
  public static final String REQUEST_ID_HEADER = "request-id-header";

  /** Init parameter: {@code true} answers 400 to forwarded identity from an untrusted peer. */
  public static final String STRICT_FORWARDING = "strict-forwarding";

  /**
   * Init parameter: {@code true} declares that the container requires and verifies client
   * certificates ("need" mode with a real trust store), so trusted proxies may be named by SPIFFE
   * ID or thumbprint without {@link #CLIENT_CERT_TRUST_ANCHORS}. Default {@code false}.
   */
  public static final String PEER_CERTIFICATES_VERIFIED = "peer-certificates-verified";

  /** Init parameter: the response header echoing the request id; empty or {@code none}: off. */
  public static final String ECHO_REQUEST_ID_HEADER = "echo-request-id-header";

  /** Init parameter: a header in which a trusted proxy forwards the client certificate as PEM. */
  public static final String SSL_CLIENT_CERT_HEADER = "ssl-client-cert-header";

  /** Init parameter: path of a PEM file of trust anchors for client certificates ('want' mode). */
  public static final String CLIENT_CERT_TRUST_ANCHORS = "client-cert-trust-anchors";

  /**
   * Set only once a request went async: its value is the {@link AsyncCompletion}, which an async
   * dispatch of the same request finds to record what it threw. A request this filter has already
   * started is marked by {@link RequestIdentity#ATTRIBUTE} alone (its value is the {@link
   * ServerRecord}): later passes of the same request (forward, include, async and error
   * dispatches) find it and do not start a second record. One attribute set per request, not two:
   * on Jetty each is a write through its attribute layers.
   */
  static final String STATE_ATTRIBUTE = IdentityLogFilter.class.getName() + ".state";

  /**
   * The {@code ServletContext} attribute holding the {@link IdentityLog} of the web application.
   * A filter created from {@code web.xml} uses the one an application put there (in a {@code
   * ServletContextListener}, before filters start); otherwise it builds one from its init
   * parameters and puts that there, so the application's OkHttp and gRPC adapters log through the
   * same instance. Value: {@code dev.identitylog.IdentityLog}.
   */
  public static final String IDENTITY_LOG_ATTRIBUTE = IdentityLog.class.getName();

  private final boolean builtInCode;
  private volatile IdentityLog identityLog;
  private volatile ServerHandler handler;
  private volatile String echoRequestIdHeader;
  /** The context this filter published its own IdentityLog in, or null when it owns none. */
  private volatile ServletContext published;

  /** For {@code web.xml}: {@link #init} reads the configuration from the init parameters. */
  public IdentityLogFilter() {
    this.builtInCode = false;
  }

  private IdentityLogFilter(Builder builder) {
    this.builtInCode = true;
    this.identityLog = builder.identityLog;
    this.handler = ServerHandler.create(builder.identityLog);
    this.echoRequestIdHeader = builder.echoRequestIdHeader;
  }

  /** Starts configuring a filter that logs through {@code identityLog}. */
  public static Builder builder(IdentityLog identityLog) {
    return new Builder(identityLog);
  }

  /**
   * Reads the init parameters when the filter was created by its no-argument constructor; a
   * filter made by {@link #builder} ignores them. A parameter that cannot be understood fails the
   * deployment, so that a typo is not discovered as missing identity in production logs.
   *
   * <p>When the application already put an {@link IdentityLog} in the context attribute {@link
   * #IDENTITY_LOG_ATTRIBUTE}, that one is used (only {@value #ECHO_REQUEST_ID_HEADER} is still read
   * from the parameters); otherwise the one built here is published there and closed by {@link
   * #destroy()}.
   */
  @Override
  public void init(FilterConfig config) throws ServletException {
    if (builtInCode) {
      return;
    }
    InitParameters parameters;
    try {
      parameters = InitParameters.read(config::getInitParameter);
    } catch (IllegalArgumentException e) {
      throw new ServletException("identity-log filter: " + e.getMessage(), e);
    }
    ServletContext context = config.getServletContext();
    Object shared = context == null ? null : context.getAttribute(IDENTITY_LOG_ATTRIBUTE);
    IdentityLog log;
    String echo = parameters.echoRequestIdHeader();
    if (shared instanceof IdentityLog) {
      log = (IdentityLog) shared;
      if (config.getInitParameter(ECHO_REQUEST_ID_HEADER) == null) {
        echo = log.requestIdHeader(); // the default follows the instance actually used
      }
    } else {
      log = parameters.identityLog();
      if (context != null) {
        context.setAttribute(IDENTITY_LOG_ATTRIBUTE, log);
        published = context;
      }
    }
    this.identityLog = log;
    this.echoRequestIdHeader = echo;
    this.handler = ServerHandler.create(log);
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    ServerHandler log = handler;
    if (log == null
        || !(req instanceof HttpServletRequest)
        || !(res instanceof HttpServletResponse)) {
      chain.doFilter(req, res);
      return;
    }
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;

    ServerRecord started = started(log, request);
    if (started != null) {
      continueStarted(log, started, request, response, chain);
      return;
    }

    ServerRecord exchange = start(log, request, response);
    if (exchange == null) {
      chain.doFilter(request, response);
      return;
    }
    if (exchange.shouldReject()) {
      Completion.reject(log, exchange, response);
      return;
    }

    Throwable error = null;
    Scope scope = bind(log, exchange);
    try {
      chain.doFilter(request, response);
    } catch (Throwable t) {
      error = t;
      throw t;
    } finally {
      unbind(log, scope);
      Completion.afterChain(log, exchange, request, response, error);
    }
  }

  /**
   * Starts the record of a request seen for the first time; {@code null} when that failed. Once
   * the record exists it is returned whatever else fails, so that the request still gets its event.
   */
  private ServerRecord start(
      ServerHandler log, HttpServletRequest request, HttpServletResponse response) {
    ServerRecord exchange;
    try {
      exchange = log.start(new ServletInboundRequest(request));
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      log.internalError("starting a servlet request", t);
      return null;
    }
    try {
      request.setAttribute(RequestIdentity.ATTRIBUTE, exchange);
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      log.internalError("setting a request attribute", t);
    }
    String echo = echoRequestIdHeader;
    if (echo != null) {
      try {
        if (!response.isCommitted()) {
          response.setHeader(echo, exchange.requestId());
        }
      } catch (Throwable t) {
        Throwables.propagateIfFatal(t);
        log.internalError("echoing the request id", t);
      }
    }
    return exchange;
  }

  /**
   * A later pass of a request already started (forward, include, async or error dispatch): binds
   * the record again, so that decisions and outbound calls made there still land in it, and
   * remembers what an async dispatch threw for the event that {@link AsyncCompletion} emits.
   */
  private static void continueStarted(
      ServerHandler log,
      ServerRecord exchange,
      HttpServletRequest request,
      HttpServletResponse response,
      FilterChain chain)
      throws IOException, ServletException {
    AsyncCompletion async = asyncCompletion(log, request, exchange);
    Scope scope = bind(log, exchange);
    try {
      chain.doFilter(request, response);
    } catch (Throwable t) {
      if (async != null) {
        async.failed(t);
      }
      throw t;
    } finally {
      unbind(log, scope);
    }
  }

  /** The async completion of this very record, when the request went async; otherwise null. */
  private static AsyncCompletion asyncCompletion(
      ServerHandler log, HttpServletRequest request, ServerRecord exchange) {
    try {
      Object async = request.getAttribute(STATE_ATTRIBUTE);
      return async instanceof AsyncCompletion && ((AsyncCompletion) async).exchange() == exchange
          ? (AsyncCompletion) async
          : null;
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      log.internalError("reading a request attribute", t);
      return null;
    }
  }

  /**
   * The record of a request already started, or null. Anything else an application may have put
   * under the name does not stop the request from being recorded.
   */
  private static ServerRecord started(ServerHandler log, HttpServletRequest request) {
    try {
      Object state = request.getAttribute(RequestIdentity.ATTRIBUTE);
      return state instanceof ServerRecord ? (ServerRecord) state : null;
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      log.internalError("reading a request attribute", t);
      return null;
    }
  }

  private static Scope bind(ServerHandler log, ServerRecord exchange) {
    try {
      return exchange.makeCurrent();
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      log.internalError("binding a request to its thread", t);
      return null;
    }
  }

  private static void unbind(ServerHandler log, Scope scope) {
    if (scope == null) {
      return;
    }
    try {
      scope.close();
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      log.internalError("unbinding a request from its thread", t);
    }
  }

  /**
   * Releases what {@link #init} built: closes the {@link IdentityLog} it built (draining any
   * queued events) and removes it from the context attribute. An instance the application
   * supplied, through the builder or the attribute, belongs to the application and stays open.
   */
  @Override
  public void destroy() {
    ServletContext context = published;
    published = null;
    if (context == null) {
      return;
    }
    IdentityLog log = identityLog;
    try {
      if (context.getAttribute(IDENTITY_LOG_ATTRIBUTE) == log) {
        context.removeAttribute(IDENTITY_LOG_ATTRIBUTE);
      }
    } catch (RuntimeException e) {
      // A context being torn down may refuse; the instance is closed below all the same.
    }
    log.close();
  }

  @Override
  public String toString() {
    IdentityLog log = identityLog;
    return "IdentityLogFilter{"
        + (log == null ? "not initialized" : "service.name=" + log.serviceName())
        + "}";
  }

  /** Configures an {@link IdentityLogFilter}. */
  public static final class Builder {
    private final IdentityLog identityLog;
    private String echoRequestIdHeader;

    Builder(IdentityLog identityLog) {
      if (identityLog == null) {
        throw new NullPointerException("identityLog");
      }
      this.identityLog = identityLog;
      this.echoRequestIdHeader = identityLog.requestIdHeader();
    }

    /**
     * The response header that carries the request id back to the caller, so that a user who
     * reports a failure can quote it. Default: the request-id header of the {@link IdentityLog}
     * ({@code X-Request-ID}). {@code null} or blank: do not touch the response.
     */
    public Builder echoRequestIdHeader(String header) {
      this.echoRequestIdHeader = header == null || header.trim().isEmpty() ? null : header.trim();
      return this;
    }

    public IdentityLogFilter build() {
      return new IdentityLogFilter(this);
    }
  }
}
