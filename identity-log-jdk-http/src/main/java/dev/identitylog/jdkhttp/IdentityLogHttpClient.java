package dev.identitylog.jdkhttp;

import dev.identitylog.IdentityLog;
import dev.identitylog.handler.ClientHandler;
import java.net.http.HttpClient;

/**
 * Makes the calls of a {@link HttpClient} log one {@code identity.client} event each and carry the
 * current request's identity downstream.
 *
 * <pre>{@code
 * HttpClient http = IdentityLogHttpClient.create(identityLog).wrap(HttpClient.newHttpClient());
 * HttpResponse<String> response = http.send(request, BodyHandlers.ofString());
 * }</pre>
 *
 * <p>The returned client captures the request being served ({@code ServerExchange.current()}) when
 * {@code send} or {@code sendAsync} is <em>called</em>, so a {@code sendAsync} made on the request
 * thread reports into that request even though it completes on the client's executor.
 *
 * <p>The client passed in is not modified; the wrapper delegates every method to it. Immutable and
 * thread-safe.
 */
public final class IdentityLogHttpClient {
  private final IdentityLog log;
  private final boolean propagate;
  private final boolean recordOutboundToken;

  private IdentityLogHttpClient(Builder b) {
    this.log = b.log;
    this.propagate = b.propagate;
    this.recordOutboundToken = b.recordOutboundToken;
  }

  /** With the default settings: propagation on, outbound token facts recorded. */
  public static IdentityLogHttpClient create(IdentityLog identityLog) {
    return builder(identityLog).build();
  }

  public static Builder builder(IdentityLog identityLog) {
    if (identityLog == null) {
      throw new NullPointerException("identityLog");
    }
    return new Builder(identityLog);
  }

  /**
   * A client that sends through {@code client}: {@code send} and both {@code sendAsync} overloads
   * log one event per call and add the propagation headers the request lacks; every other method
   * (settings, {@code newWebSocketBuilder}) is the wrapped client's. A client this class already
   * wrapped is returned as it is, so that no call is logged twice.
   */
  public HttpClient wrap(HttpClient client) {
    if (client == null) {
      throw new NullPointerException("client");
    }
    if (client instanceof InstrumentedHttpClient) {
      // Wrapped twice, every call would be logged twice: the client is instrumented already.
      return client;
    }
    return new InstrumentedHttpClient(client, new Calls(ClientHandler.create(log), propagate, recordOutboundToken));
  }

  @Override
  public String toString() {
    return "IdentityLogHttpClient{propagate=" + propagate + ", recordOutboundToken="
        + recordOutboundToken + "}";
  }

  /** Configures an {@link IdentityLogHttpClient}. */
  public static final class Builder {
    private final IdentityLog log;
    private boolean propagate = true;
    private boolean recordOutboundToken = true;

    Builder(IdentityLog log) {
      this.log = log;
    }

    /**
     * Whether calls carry {@code traceparent}, {@code tracestate}, the request-id header and (when
     * configured on the {@link IdentityLog}) {@code Client-Cert}. Default true. Turn it off for a
     * client that only talks to third parties that should not learn internal ids; the calls are
     * still logged.
     */
    public Builder propagate(boolean propagate) {
      this.propagate = propagate;
      return this;
    }

    /**
     * Whether the event records the facts of the bearer token the call sends (issuer, audience,
     * scopes, hash; never the token). Default true: an exchanged token shows its audience.
     */
    public Builder recordOutboundToken(boolean record) {
      this.recordOutboundToken = record;
      return this;
    }

    public IdentityLogHttpClient build() {
      return new IdentityLogHttpClient(this);
    }
  }
}
