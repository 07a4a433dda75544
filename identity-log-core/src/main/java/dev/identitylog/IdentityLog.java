package dev.identitylog;

import dev.identitylog.cert.CertificateInspector;
import dev.identitylog.cert.ChainVerifier;
import dev.identitylog.emit.AsyncEventSink;
import dev.identitylog.emit.EventSink;
import dev.identitylog.emit.EventSinks;
import dev.identitylog.emit.GuardedEventSink;
import dev.identitylog.emit.OpenTelemetryEventSink;
import dev.identitylog.emit.RestrictedFields;
import dev.identitylog.emit.Slf4jEventSink;
import dev.identitylog.event.HopLayer;
import dev.identitylog.internal.InternalErrors;
import dev.identitylog.internal.InternalWarnings;
import dev.identitylog.redact.Limits;
import dev.identitylog.token.TokenInspector;
import dev.identitylog.trust.TrustedProxies;
import io.opentelemetry.api.OpenTelemetry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The configured core of identity-log: what this hop is, whom it trusts, how tokens are read and
 * where events go. Build one per application (or per hop) and hand it to every adapter, so that
 * the servlet filter, the OkHttp wrapper and the gRPC interceptors of one process log alike.
 *
 * <pre>{@code
 * IdentityLog identityLog = IdentityLog.builder()
 *     .serviceName("orders")
 *     .hopLayer(HopLayer.BACKEND)
 *     .trustedProxies(TrustedProxies.parse("10.0.0.0/8, spiffe://example.org/ns/edge/sa/envoy"))
 *     .build();
 * }</pre>
 *
 * <p>Adapters start and end records through the protocol handlers built from it ({@code
 * dev.identitylog.handler.ServerHandler.create(identityLog)} and the like); this class is only
 * configuration, the sinks it built, and {@link #close()}, which stops what it started.
 *
 * <p>Immutable (but for being closed) and thread-safe.
 */
public final class IdentityLog implements AutoCloseable {
  static {
    // The library's own packages find the failure counter through this, never through public API.
    InternalErrors.install(o -> o instanceof IdentityLog ? ((IdentityLog) o).errors : null);
  }

  /** The request-id header of the standard, unless configured otherwise. */
  public static final String DEFAULT_REQUEST_ID_HEADER = "X-Request-ID";

  private final String serviceName;
  private final HopLayer hopLayer;
  private final String requestIdHeader;
  private final TrustedProxies trustedProxies;
  private final boolean strictForwarding;
  private final boolean peerCertificatesVerified;
  private final boolean peerIdentityTrustUsable;
  private final String sslClientCertHeader;
  private final ChainVerifier clientCertVerifier;
  private final TokenInspector tokenInspector;
  private final CertificateInspector certificateInspector;
  private final Limits limits;
  private final EventSink sink;
  /** The sinks behind the queue: where events go once the queue is closed. */
  private final EventSink direct;
  private final List<GuardedEventSink> guardedSinks;
  private final AsyncEventSink async;
  private final OpenTelemetry openTelemetry;
  private final Map<String, String> dependencyNames;
  private final Set<String> forwardClientCertTo;
  private final Clock clock;
  private final InternalErrors errors = new InternalErrors();
  private final AtomicBoolean closed = new AtomicBoolean();

  private IdentityLog(Builder b) {
    this.serviceName = b.serviceName;
    this.hopLayer = b.hopLayer;
    this.requestIdHeader = b.requestIdHeader;
    this.trustedProxies = b.trustedProxies;
    this.strictForwarding = b.strictForwarding;
    this.peerCertificatesVerified = b.peerCertificatesVerified;
    this.sslClientCertHeader = b.sslClientCertHeader;
    this.clientCertVerifier =
        b.clientCertTrustAnchors.isEmpty() ? null : ChainVerifier.create(b.clientCertTrustAnchors);
    this.tokenInspector = b.tokenInspector != null ? b.tokenInspector : TokenInspector.defaults();
    this.certificateInspector =
        CertificateInspector.create(b.certificateCacheSize, b.certificateCacheBytes);
    this.limits = b.limits;
    List<EventSink> sinks = new ArrayList<>(b.sinks);
    if (sinks.isEmpty()) {
      sinks.add(Slf4jEventSink.create());
    }
    if (b.openTelemetry != null) {
      sinks.add(OpenTelemetryEventSink.create(b.openTelemetry));
    }
    List<GuardedEventSink> guarded = new ArrayList<>(sinks.size() + 2);
    for (EventSink s : sinks) {
      guarded.add(EventSinks.guarded(s));
    }
    EventSink all = EventSinks.composite(guarded);
    if (b.restrictedFields != null) {
      // The split sits behind the async queue (its HMACs leave the request thread) and in front
      // of every configured sink, so none of them sees a restricted value. Both the restricted
      // destination and the split itself are guarded and counted like any sink.
      GuardedEventSink restricted = EventSinks.guarded(b.restrictedFields.destination());
      GuardedEventSink split =
          EventSinks.guarded(b.restrictedFields.splitting(all, restricted, b.limits));
      guarded.add(restricted);
      guarded.add(split);
      all = split;
    }
    this.guardedSinks = Collections.unmodifiableList(guarded);
    this.direct = all;
    if (b.asyncCapacity > 0) {
      this.async = AsyncEventSink.of(all, b.asyncCapacity);
      this.sink = async;
    } else {
      this.async = null;
      this.sink = all;
    }
    this.openTelemetry = b.openTelemetry;
    this.dependencyNames = Collections.unmodifiableMap(new HashMap<>(b.dependencyNames));
    this.forwardClientCertTo = Collections.unmodifiableSet(new LinkedHashSet<>(b.forwardClientCertTo));
    this.clock = b.clock;
    this.peerIdentityTrustUsable = peerCertificatesVerified || clientCertVerifier != null;
    if (trustedProxies.hasCertificateRules() && !peerIdentityTrustUsable) {
      // Said once, loudly: the configuration reads as if proxies were trusted by identity, but
      // any client can present a self-signed certificate with that SPIFFE ID or be pinned by it.
      InternalWarnings.configuration(
          "trusted proxies by SPIFFE ID or certificate SHA-256 are IGNORED: nothing verifies the"
              + " peer's certificate. Set clientCertTrustAnchors, or peerCertificatesVerified(true)"
              + " when the TLS layer requires and verifies client certificates. Address ranges"
              + " still apply.");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public String serviceName() {
    return serviceName;
  }

  public HopLayer hopLayer() {
    return hopLayer;
  }

  public String requestIdHeader() {
    return requestIdHeader;
  }

  public TrustedProxies trustedProxies() {
    return trustedProxies;
  }

  /** Whether forwarded identity from an untrusted peer makes the request fail with 400. */
  public boolean strictForwarding() {
    return strictForwarding;
  }

  /**
   * Whether the TLS layer in front of this hop is declared to require and verify client
   * certificates, so a certificate in the handshake is proof of the identity it names.
   */
  public boolean peerCertificatesVerified() {
    return peerCertificatesVerified;
  }

  /**
   * Whether trusting a proxy by its SPIFFE ID or certificate thumbprint rests on a verified
   * certificate: the TLS layer verifies it ({@link #peerCertificatesVerified()}) or this library
   * does against {@link Builder#clientCertTrustAnchors}. When false such rules never apply.
   */
  public boolean peerIdentityTrustUsable() {
    return peerIdentityTrustUsable;
  }

  /** The header carrying a URL-escaped PEM from a trusted proxy, or {@code null}. */
  public String sslClientCertHeader() {
    return sslClientCertHeader;
  }

  /** Verifies client certificates this hop accepted without verifying, or {@code null}. */
  public ChainVerifier clientCertVerifier() {
    return clientCertVerifier;
  }

  public TokenInspector tokenInspector() {
    return tokenInspector;
  }

  public CertificateInspector certificateInspector() {
    return certificateInspector;
  }

  public Limits limits() {
    return limits;
  }

  /**
   * Where finished events go; never throws. After {@link #close()} the queue is gone and events
   * are written on the caller's thread, so a request that ends after close still logs.
   */
  public EventSink sink() {
    return closed.get() ? direct : sink;
  }

  /** The configured OpenTelemetry, or {@code null}. */
  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  public Clock clock() {
    return clock;
  }

  /** The dependency name for calls to this host: as configured, else the host itself. */
  public String dependencyName(String host) {
    if (host == null) {
      return null;
    }
    String name = dependencyNames.get(host.toLowerCase(Locale.ROOT));
    return name != null ? name : host;
  }

  /** Whether calls to this host carry the inbound client certificate as RFC 9440 Client-Cert. */
  public boolean forwardsClientCertTo(String host) {
    return host != null && forwardClientCertTo.contains(host.toLowerCase(Locale.ROOT));
  }

  /**
   * How many events a sink failed to take, summed over the sinks (each failure is also logged at
   * WARN on {@code identity.internal}, at most once a minute per sink). With the default SLF4J sink
   * on Logback and the shipped encoder, this includes events an appender lost without throwing
   * (a full disk); those are counted per Logback context, so every {@code IdentityLog} of the
   * process that logs to the same context sees them.
   */
  public long droppedEvents() {
    // Only the queue's own drops: the sinks behind it are counted below, once.
    long total = async == null ? 0 : async.rejected();
    for (GuardedEventSink s : guardedSinks) {
      total += s.dropped();
    }
    return total;
  }

  /** How many times the library caught a failure of its own; each is also logged (rate limited). */
  public long internalErrors() {
    return errors.count();
  }

  /**
   * How many decisions ({@code RequestIdentity.authn/authz/dependency}) arrived after their
   * request's event had been emitted, from a task that outlived the request, and were dropped: an
   * event, once written, never changes. Also logged at WARN on {@code identity.internal}, at most
   * once a minute. Not counted in {@link #internalErrors()}.
   */
  public long lateDecisions() {
    return errors.lateDecisions();
  }

  /**
   * Stops what this instance started and drains what it holds: with {@link
   * Builder#emitAsynchronously} the queued events are written (waiting at most five seconds) and the
   * emitter thread ends. Idempotent; never throws. Events of requests still in flight after this
   * are written on the finishing thread, so none is lost by a late finish.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (async != null) {
      try {
        async.close();
      } catch (RuntimeException e) {
        errors.record("closing the emitter", e);
      }
    }
  }

  /** Whether {@link #close()} has run. */
  public boolean isClosed() {
    return closed.get();
  }

  /** Configures an {@link IdentityLog}. */
  public static final class Builder {
    private String serviceName = "unknown_service";
    private HopLayer hopLayer = HopLayer.BACKEND;
    private String requestIdHeader = DEFAULT_REQUEST_ID_HEADER;
    private TrustedProxies trustedProxies = TrustedProxies.none();
    private boolean strictForwarding;
    private boolean peerCertificatesVerified;
    private String sslClientCertHeader;
    private final List<X509Certificate> clientCertTrustAnchors = new ArrayList<>();
    private TokenInspector tokenInspector;
    private int certificateCacheSize = 4096;
    private long certificateCacheBytes = CertificateInspector.DEFAULT_MAX_BYTES;
    private Limits limits = Limits.defaults();
    private final List<EventSink> sinks = new ArrayList<>();
    private OpenTelemetry openTelemetry;
    private int asyncCapacity;
    private RestrictedFields restrictedFields;
    private final Map<String, String> dependencyNames = new HashMap<>();
    private final Set<String> forwardClientCertTo = new LinkedHashSet<>();
    private Clock clock = Clock.systemUTC();

    Builder() {}

    /** {@code service.name}: the logging component. Default {@code unknown_service}. */
    public Builder serviceName(String serviceName) {
      this.serviceName = requireText(serviceName, "serviceName");
      return this;
    }

    /** {@code identity.hop.layer}. Default {@link HopLayer#BACKEND}. */
    public Builder hopLayer(HopLayer hopLayer) {
      if (hopLayer == null) {
        throw new NullPointerException("hopLayer");
      }
      this.hopLayer = hopLayer;
      return this;
    }

    /** The header carrying the request id. Default {@code X-Request-ID}. */
    public Builder requestIdHeader(String header) {
      this.requestIdHeader = requireText(header, "requestIdHeader");
      return this;
    }

    /** Peers whose forwarded identity headers are believed. Default: nobody. */
    public Builder trustedProxies(TrustedProxies trustedProxies) {
      if (trustedProxies == null) {
        throw new NullPointerException("trustedProxies");
      }
      this.trustedProxies = trustedProxies;
      return this;
    }

    /**
     * When true, a request carrying forwarded identity headers from an untrusted peer is answered
     * with 400 by the adapter, and its event records {@code identity_header_untrusted}. Default
     * false: such headers are ignored and flagged.
     */
    public Builder strictForwarding(boolean strict) {
      this.strictForwarding = strict;
      return this;
    }

    /**
     * Declares that the TLS layer in front of this hop requires a client certificate and verifies
     * it against a trust store before a request reaches the library: a servlet container in
     * "need" client-auth mode with a real trust store, a gRPC server whose Netty {@code
     * SslContext} has {@code ClientAuth.REQUIRE} and a verifying trust manager. Only then (or
     * with {@link #clientCertTrustAnchors}) does a peer's certificate prove the SPIFFE ID or
     * thumbprint that {@link #trustedProxies} trusts. Default false: in "want" mode with a
     * trust-all manager any client can present any certificate, so without trust anchors such
     * rules are ignored (and a warning says so when this is built). Declaring it for a layer that
     * does not verify lets any client pose as a trusted proxy.
     */
    public Builder peerCertificatesVerified(boolean verified) {
      this.peerCertificatesVerified = verified;
      return this;
    }

    /**
     * A header in which a trusted proxy forwards the client certificate as URL-escaped PEM, such
     * as NGINX's {@code $ssl_client_escaped_cert} ({@code identity.cert.source = ssl-header}).
     */
    public Builder sslClientCertHeader(String header) {
      this.sslClientCertHeader = requireText(header, "sslClientCertHeader");
      return this;
    }

    /**
     * Trust anchors for client certificates that the TLS layer accepted without verifying them
     * (TLS "want" mode with a trust-all manager, as CDNs do). When set, the library verifies each
     * presented chain and records {@code cert_untrusted}, {@code cert_expired} or {@code
     * cert_not_yet_valid} as an authentication failure. A trusted proxy identified by SPIFFE ID
     * or certificate thumbprint is then believed only when its certificate verifies against
     * these anchors.
     */
    public Builder clientCertTrustAnchors(Collection<X509Certificate> anchors) {
      this.clientCertTrustAnchors.clear();
      this.clientCertTrustAnchors.addAll(anchors);
      return this;
    }

    /** How tokens are read, hashed and verified. Default {@link TokenInspector#defaults()}. */
    public Builder tokenInspector(TokenInspector tokenInspector) {
      this.tokenInspector = tokenInspector;
      return this;
    }

    /** How many distinct client certificates keep their parsed facts. Default 4096. */
    public Builder certificateCacheSize(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("certificateCacheSize must be positive: " + size);
      }
      this.certificateCacheSize = size;
      return this;
    }

    /**
     * How many bytes the cached certificates and their facts may retain together, estimated (see
     * {@link CertificateInspector}). Default 8 MiB.
     */
    public Builder certificateCacheBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("certificateCacheBytes must be positive: " + bytes);
      }
      this.certificateCacheBytes = bytes;
      return this;
    }

    public Builder limits(Limits limits) {
      if (limits == null) {
        throw new NullPointerException("limits");
      }
      this.limits = limits;
      return this;
    }

    /**
     * Adds a sink. Without any, events go to SLF4J (logger {@code identity.events}). Each sink is
     * guarded: its failures are counted, never thrown.
     */
    public Builder addSink(EventSink sink) {
      if (sink == null) {
        throw new NullPointerException("sink");
      }
      sinks.add(sink);
      return this;
    }

    /**
     * Also emits to OpenTelemetry (span attributes and a log record), and propagates outbound
     * through its propagators so that both agree on the ids.
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = openTelemetry;
      return this;
    }

    /**
     * Emits on a background thread through a queue of this many events, so that no sink can hold up
     * a request; when the queue is full, events are dropped and counted in {@link
     * IdentityLog#droppedEvents()}. Default: emit on the request's thread (then a slow appender should
     * be behind Logback's {@code AsyncAppender} with {@code neverBlock}).
     */
    public Builder emitAsynchronously(int queueCapacity) {
      if (queueCapacity < 1) {
        throw new IllegalArgumentException("queueCapacity must be positive: " + queueCapacity);
      }
      this.asyncCapacity = queueCapacity;
      return this;
    }

    /**
     * Routes the fields that describe a party (SPEC section 7) to a destination of their own and
     * writes keyed pseudonyms for them in every other sink. Default: off, events are written
     * whole. See {@link RestrictedFields}.
     */
    public Builder restrictedFields(RestrictedFields restrictedFields) {
      this.restrictedFields = restrictedFields;
      return this;
    }

    /** Names the dependency reached at {@code host} (default: the host itself). */
    public Builder dependencyName(String host, String name) {
      dependencyNames.put(requireText(host, "host").toLowerCase(Locale.ROOT), requireText(name, "name"));
      return this;
    }

    /**
     * Opt-in: calls to these hosts carry the inbound client certificate (when this hop terminated
     * mTLS) as RFC 9440 {@code Client-Cert}, so the next hop sees the identity this hop saw.
     */
    public Builder forwardClientCertTo(String... hosts) {
      for (String h : hosts) {
        forwardClientCertTo.add(requireText(h, "host").toLowerCase(Locale.ROOT));
      }
      return this;
    }

    /** The clock for timestamps and validity checks. Default UTC system clock. */
    public Builder clock(Clock clock) {
      if (clock == null) {
        throw new NullPointerException("clock");
      }
      this.clock = clock;
      return this;
    }

    public IdentityLog build() {
      return new IdentityLog(this);
    }

    private static String requireText(String value, String name) {
      if (value == null || value.trim().isEmpty()) {
        throw new IllegalArgumentException(name + " must not be empty");
      }
      return value.trim();
    }
  }
}
