package dev.identitylog.spring.boot;

import dev.identitylog.IdentityLog;
import dev.identitylog.emit.RestrictedFields;
import dev.identitylog.event.HopLayer;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/**
 * The {@code identity-log.*} properties. Every one has the library's own default, so an
 * application needs none of them to get one event per request.
 */
@ConfigurationProperties(prefix = "identity-log")
public class IdentityLogProperties {
  /** Whether identity-log is configured at all. */
  private boolean enabled = true;

  /** {@code service.name} of every event. Default: {@code spring.application.name}. */
  private String serviceName;

  /** {@code identity.hop.layer}: what this application is in the request path. */
  private HopLayer hopLayer = HopLayer.BACKEND;

  /**
   * Peers whose forwarded identity headers ({@code X-Forwarded-Client-Cert}, {@code Client-Cert},
   * {@code Forwarded}, ...) are believed: address ranges ({@code 10.0.0.0/8}), SPIFFE IDs and
   * {@code sha256:} certificate thumbprints. Default: nobody.
   */
  private List<String> trustedProxies = new ArrayList<>();

  /**
   * Declares that the server requires and verifies client certificates ({@code
   * server.ssl.client-auth=need} with a real trust store), so trusted proxies may be named by
   * SPIFFE ID or thumbprint. Declaring it for a server that does not verify lets any client pose as
   * a trusted proxy.
   */
  private boolean peerCertificatesVerified;

  /** The header carrying the request id. */
  private String requestIdHeader = IdentityLog.DEFAULT_REQUEST_ID_HEADER;

  /** Answer 400 to forwarded identity headers from an untrusted peer, instead of ignoring them. */
  private boolean strictForwarding;

  /** A header in which a trusted proxy forwards the client certificate as URL-escaped PEM. */
  private String sslClientCertHeader;

  private final ClientCert clientCert = new ClientCert();
  private final Token token = new Token();
  private final Limits limits = new Limits();
  private final Async async = new Async();
  private final Restricted restricted = new Restricted();
  private final Filter filter = new Filter();
  private final Security security = new Security();
  private final TaskDecorator taskDecorator = new TaskDecorator();
  private final OpenTelemetry openTelemetry = new OpenTelemetry();
  private final RestClient restClient = new RestClient();
  private final OkHttp okhttp = new OkHttp();
  private final Grpc grpc = new Grpc();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getServiceName() {
    return serviceName;
  }

  public void setServiceName(String serviceName) {
    this.serviceName = serviceName;
  }

  public HopLayer getHopLayer() {
    return hopLayer;
  }

  public void setHopLayer(HopLayer hopLayer) {
    this.hopLayer = hopLayer;
  }

  public List<String> getTrustedProxies() {
    return trustedProxies;
  }

  public void setTrustedProxies(List<String> trustedProxies) {
    this.trustedProxies = trustedProxies;
  }

  public boolean isPeerCertificatesVerified() {
    return peerCertificatesVerified;
  }

  public void setPeerCertificatesVerified(boolean peerCertificatesVerified) {
    this.peerCertificatesVerified = peerCertificatesVerified;
  }

  public String getRequestIdHeader() {
    return requestIdHeader;
  }

  public void setRequestIdHeader(String requestIdHeader) {
    this.requestIdHeader = requestIdHeader;
  }

  public boolean isStrictForwarding() {
    return strictForwarding;
  }

  public void setStrictForwarding(boolean strictForwarding) {
    this.strictForwarding = strictForwarding;
  }

  public String getSslClientCertHeader() {
    return sslClientCertHeader;
  }

  public void setSslClientCertHeader(String sslClientCertHeader) {
    this.sslClientCertHeader = sslClientCertHeader;
  }

  public ClientCert getClientCert() {
    return clientCert;
  }

  public Token getToken() {
    return token;
  }

  public Limits getLimits() {
    return limits;
  }

  public Async getAsync() {
    return async;
  }

  public Restricted getRestricted() {
    return restricted;
  }

  public Filter getFilter() {
    return filter;
  }

  public Security getSecurity() {
    return security;
  }

  public TaskDecorator getTaskDecorator() {
    return taskDecorator;
  }

  public OpenTelemetry getOpenTelemetry() {
    return openTelemetry;
  }

  public RestClient getRestClient() {
    return restClient;
  }

  public OkHttp getOkhttp() {
    return okhttp;
  }

  public Grpc getGrpc() {
    return grpc;
  }

  /** Client certificates the TLS layer accepted without verifying them ("want" mode). */
  public static class ClientCert {
    /**
     * PEM file of trust anchors: each presented chain is verified against them, and a failure is
     * recorded as {@code cert_untrusted}, {@code cert_expired} or {@code cert_not_yet_valid}.
     */
    private Resource trustAnchors;

    public Resource getTrustAnchors() {
      return trustAnchors;
    }

    public void setTrustAnchors(Resource trustAnchors) {
      this.trustAnchors = trustAnchors;
    }
  }

  /** How bearer tokens are read into the event. */
  public static class Token {
    /**
     * Hex key for HMAC-SHA256 of {@code identity.token.hash} (at least 16 bytes), shared by every
     * hop that must join on it. Default: plain SHA-256.
     */
    private String hashKey;

    /**
     * JWK set URI whose public keys check token signatures ({@code identity.token.verified}),
     * read once at startup; when it cannot be read, tokens are logged unverified and a warning
     * says so.
     */
    private String jwkSetUri;

    /** JWK set resource (a file or classpath resource), read at startup. */
    private Resource jwkSet;

    /** Claims beyond the standard's that may be written into events. */
    private List<String> allowedClaims = new ArrayList<>();

    public String getHashKey() {
      return hashKey;
    }

    public void setHashKey(String hashKey) {
      this.hashKey = hashKey;
    }

    public String getJwkSetUri() {
      return jwkSetUri;
    }

    public void setJwkSetUri(String jwkSetUri) {
      this.jwkSetUri = jwkSetUri;
    }

    public Resource getJwkSet() {
      return jwkSet;
    }

    public void setJwkSet(Resource jwkSet) {
      this.jwkSet = jwkSet;
    }

    public List<String> getAllowedClaims() {
      return allowedClaims;
    }

    public void setAllowedClaims(List<String> allowedClaims) {
      this.allowedClaims = allowedClaims;
    }
  }

  /** Size limits of event values (SPEC section 7). */
  public static class Limits {
    /** Longest string value; longer ones are truncated. */
    private int maxStringLength = dev.identitylog.redact.Limits.DEFAULT_MAX_STRING_LENGTH;

    /** Most elements of an array value. */
    private int maxArraySize = dev.identitylog.redact.Limits.DEFAULT_MAX_ARRAY_SIZE;

    /** Header values above this many bytes are not parsed, and flagged. */
    private int maxHeaderBytes = dev.identitylog.redact.Limits.DEFAULT_MAX_HEADER_BYTES;

    public int getMaxStringLength() {
      return maxStringLength;
    }

    public void setMaxStringLength(int maxStringLength) {
      this.maxStringLength = maxStringLength;
    }

    public int getMaxArraySize() {
      return maxArraySize;
    }

    public void setMaxArraySize(int maxArraySize) {
      this.maxArraySize = maxArraySize;
    }

    public int getMaxHeaderBytes() {
      return maxHeaderBytes;
    }

    public void setMaxHeaderBytes(int maxHeaderBytes) {
      this.maxHeaderBytes = maxHeaderBytes;
    }
  }

  /** Emission on a background thread, so that no sink can hold up a request. */
  public static class Async {
    /** Emit through a bounded queue; when it is full, events are dropped and counted. */
    private boolean enabled;

    /** Capacity of the queue. */
    private int queueCapacity = 8192;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getQueueCapacity() {
      return queueCapacity;
    }

    public void setQueueCapacity(int queueCapacity) {
      this.queueCapacity = queueCapacity;
    }
  }

  /** Routing the fields that describe a party to a logger of their own (SPEC section 7). */
  public static class Restricted {
    /** Split restricted fields off the general stream. */
    private boolean enabled;

    /** The SLF4J logger that receives the restricted fields. */
    private String logger = RestrictedFields.DEFAULT_LOGGER;

    /**
     * Hex HMAC key (at least 16 bytes) for the pseudonyms written in the general stream. Required
     * when enabled.
     */
    private String pseudonymKey;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getLogger() {
      return logger;
    }

    public void setLogger(String logger) {
      this.logger = logger;
    }

    public String getPseudonymKey() {
      return pseudonymKey;
    }

    public void setPseudonymKey(String pseudonymKey) {
      this.pseudonymKey = pseudonymKey;
    }
  }

  /** The servlet filter that writes one event per request. */
  public static class Filter {
    /** Register the filter. */
    private boolean enabled = true;

    /**
     * Filter order: inside Boot's observation filter (so tracing ids are there) and before Spring
     * Security's chain (-100), so that the security decisions land in the request's event.
     */
    private int order = IdentityLogAutoConfiguration.DEFAULT_FILTER_ORDER;

    /** Response header echoing the request id; empty: leave the response alone. */
    private String echoRequestIdHeader = IdentityLog.DEFAULT_REQUEST_ID_HEADER;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getOrder() {
      return order;
    }

    public void setOrder(int order) {
      this.order = order;
    }

    public String getEchoRequestIdHeader() {
      return echoRequestIdHeader;
    }

    public void setEchoRequestIdHeader(String echoRequestIdHeader) {
      this.echoRequestIdHeader = echoRequestIdHeader;
    }
  }

  /** Recording Spring Security's authentication and authorization decisions. */
  public static class Security {
    /** Record Spring Security's decisions on the request's event. */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** Carrying the request's identity record onto tasks handed to Spring's executors. */
  public static class TaskDecorator {
    /** Provide a {@code TaskDecorator} bean (unless the application has one). */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** Emitting to the application's OpenTelemetry (span attributes and a log record per event). */
  public static class OpenTelemetry {
    /** Use the application's {@code OpenTelemetry} bean, when it has exactly one. */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** One {@code identity.client} event per call of the {@code RestClient}s and {@code RestTemplate}s Boot builds. */
  public static class RestClient {
    /** Add the interceptor through {@code RestClientCustomizer} and {@code RestTemplateCustomizer} beans. */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** One {@code identity.client} event per OkHttp call, when {@code identity-log-okhttp} is there. */
  public static class OkHttp {
    /** Provide an {@code IdentityLogOkHttp} bean and add its interceptors to every {@code OkHttpClient} bean. */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** gRPC interceptors, when {@code identity-log-grpc} and grpc-java are there. */
  public static class Grpc {
    /** Provide {@code GrpcIdentityLog}, {@code ServerInterceptor} and {@code ClientInterceptor} beans. */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }
}
