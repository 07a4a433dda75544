package dev.identitylog.okhttp;

import dev.identitylog.IdentityLog;
import dev.identitylog.handler.ClientHandler;
import okhttp3.Call;
import okhttp3.OkHttpClient;

/**
 * Makes the calls of an {@link OkHttpClient} log one {@code identity.client} event each and carry
 * the current request's identity downstream.
 *
 * <pre>{@code
 * IdentityLogOkHttp okHttp = IdentityLogOkHttp.create(identityLog);
 * Call.Factory calls = okHttp.newCallFactory(client);
 * Response response = calls.newCall(request).execute();
 * }</pre>
 *
 * <p>The returned factory captures the request being served ({@code ServerHandler.current()})
 * when a call is <em>created</em>, so a call created on the request thread reports into that
 * request even when it runs through {@code enqueue} on OkHttp's dispatcher. Work handed to an
 * application executor keeps the request with {@code RequestContext.wrap(Runnable)}.
 *
 * <p>Works with OkHttp 4.x and 5.x; the client passed in is not modified (the factory derives a
 * client from it that shares its connection pool and dispatcher). Immutable and thread-safe.
 */
public final class IdentityLogOkHttp {
  private final IdentityLog log;
  private final ClientHandler handler;
  private final boolean propagate;
  private final boolean recordOutboundToken;

  private IdentityLogOkHttp(Builder b) {
    this.log = b.log;
    this.handler = ClientHandler.create(b.log);
    this.propagate = b.propagate;
    this.recordOutboundToken = b.recordOutboundToken;
  }

  /** With the default settings: propagation on, outbound token facts recorded. */
  public static IdentityLogOkHttp create(IdentityLog identityLog) {
    return builder(identityLog).build();
  }

  public static Builder builder(IdentityLog identityLog) {
    if (identityLog == null) {
      throw new NullPointerException("identityLog");
    }
    return new Builder(identityLog);
  }

  /**
   * A call factory that makes its calls through {@code client} plus this library's two
   * interceptors: one after the client's own application interceptors (one event per logical
   * call, so it sees the {@code Authorization} header they add) and one network interceptor (per
   * attempt: headers, attempt count, the server's certificate).
   */
  public Call.Factory newCallFactory(OkHttpClient client) {
    return new CapturingCallFactory(handler, newClient(client));
  }

  /**
   * {@code client} plus this library's two interceptors, for a call factory of another library
   * that must wrap the client itself, such as OpenTelemetry's OkHttp library instrumentation:
   * {@code OkHttpTelemetry.create(openTelemetry).createCallFactory(okHttp.newClient(client))}.
   * Its interceptors then run before ours (it puts them first), so the event's {@code span.id} is
   * its CLIENT span's.
   *
   * <p>A client that already has this library's interceptors gets this instance's in their
   * place, never a second set.
   *
   * <p>Calls of such a client find the request they are made for on the thread that runs them:
   * right for {@code execute()} on the request's thread; a call {@code enqueue}d from a request
   * runs on OkHttp's dispatcher and is then logged as a call of its own (use {@link
   * #newCallFactory} for that).
   */
  public OkHttpClient newClient(OkHttpClient client) {
    if (client == null) {
      throw new NullPointerException("client");
    }
    OkHttpClient.Builder builder = client.newBuilder();
    // A client that already carries them (a container instrumented it) gets these instead: two
    // sets would write two events per call.
    builder.interceptors().removeIf(i -> i instanceof CallInterceptor);
    builder.networkInterceptors().removeIf(i -> i instanceof AttemptInterceptor);
    return builder
        .addInterceptor(new CallInterceptor(handler, recordOutboundToken))
        .addNetworkInterceptor(new AttemptInterceptor(handler, propagate))
        .build();
  }

  @Override
  public String toString() {
    return "IdentityLogOkHttp{propagate=" + propagate + ", recordOutboundToken=" + recordOutboundToken + "}";
  }

  /** Configures an {@link IdentityLogOkHttp}. */
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

    public IdentityLogOkHttp build() {
      return new IdentityLogOkHttp(this);
    }
  }
}
