package dev.identitylog.grpc;

import dev.identitylog.IdentityLog;
import dev.identitylog.handler.ClientHandler;
import dev.identitylog.handler.ServerHandler;
import io.grpc.ClientInterceptor;
import io.grpc.ServerInterceptor;

/**
 * Makes gRPC servers log one {@code identity.server} event per call and gRPC clients one {@code
 * identity.client} event per call, and carries the identity of the request being served to the
 * servers it calls.
 *
 * <pre>{@code
 * GrpcIdentityLog grpc = GrpcIdentityLog.create(identityLog);
 *
 * Server server = NettyServerBuilder.forPort(8443)
 *     .sslContext(sslContext)
 *     .addService(new OrdersService())
 *     .intercept(grpc.newServerInterceptor()) // added last: runs first
 *     .build();
 *
 * ManagedChannel channel = NettyChannelBuilder.forTarget("inventory:8443")
 *     .intercept(grpc.newClientInterceptor())
 *     .build();
 * }</pre>
 *
 * <p>The server interceptor reads the client certificate from the call's TLS session, the bearer
 * token, trace context and request id from the metadata, and ends the event with the status the
 * call closed with (or {@code CANCELLED} when the client went away). While a listener callback
 * runs, the call's record is bound to the thread, so {@code RequestIdentity.current()} works in
 * service code, and it is also stored in the call's {@code io.grpc.Context}, so calls made from
 * work that carries that context still report into it.
 *
 * <p>The client interceptor adds {@code traceparent}, {@code tracestate} and the request-id header
 * (never replacing metadata the application set), records the server's certificate and the
 * dependency reason of a failed call, and reports that failure into the request being served,
 * whether a servlet or a gRPC call received it.
 *
 * <p>Nothing the library does can fail a call: its own failures are counted by {@link
 * IdentityLog#internalErrors()}. Immutable and thread-safe; interceptors may be shared by any
 * number of servers and channels.
 */
public final class GrpcIdentityLog {
  private final IdentityLog log;
  private final boolean propagate;
  private final boolean recordOutboundToken;
  private final MetadataKeys keys;

  private GrpcIdentityLog(Builder b) {
    this.log = b.log;
    this.propagate = b.propagate;
    this.recordOutboundToken = b.recordOutboundToken;
    this.keys = new MetadataKeys(log.requestIdHeader());
  }

  /** With the default settings: propagation on, outbound token facts recorded. */
  public static GrpcIdentityLog create(IdentityLog identityLog) {
    return builder(identityLog).build();
  }

  public static Builder builder(IdentityLog identityLog) {
    if (identityLog == null) {
      throw new NullPointerException("identityLog");
    }
    return new Builder(identityLog);
  }

  /**
   * An interceptor that records each call a server receives. Register it so that it runs before
   * any interceptor that may reject a call (with {@code ServerBuilder.intercept}, add it last), or
   * the calls those reject are not logged.
   */
  public ServerInterceptor newServerInterceptor() {
    return new IdentityServerInterceptor(ServerHandler.create(log), keys);
  }

  /**
   * An interceptor that records each call made through a channel. Register it so that it runs
   * after interceptors that add metadata (with {@code ClientInterceptors.intercept(channel, ...)},
   * put it first), so that it sees the {@code authorization} they set.
   */
  public ClientInterceptor newClientInterceptor() {
    return new IdentityClientInterceptor(ClientHandler.create(log), keys, propagate, recordOutboundToken);
  }

  @Override
  public String toString() {
    return "GrpcIdentityLog{propagate=" + propagate + ", recordOutboundToken="
        + recordOutboundToken + "}";
  }

  /** Configures a {@link GrpcIdentityLog}. */
  public static final class Builder {
    private final IdentityLog log;
    private boolean propagate = true;
    private boolean recordOutboundToken = true;

    Builder(IdentityLog log) {
      this.log = log;
    }

    /**
     * Whether client calls carry {@code traceparent}, {@code tracestate}, the request-id header
     * and (when configured on the {@link IdentityLog}) {@code client-cert}. Default true. Turn it
     * off for a channel to third parties that should not learn internal ids; the calls are still
     * logged.
     */
    public Builder propagate(boolean propagate) {
      this.propagate = propagate;
      return this;
    }

    /**
     * Whether client events record the facts of the bearer token a call sends in its {@code
     * authorization} metadata (issuer, audience, scopes, hash; never the token). Default true: an
     * exchanged token shows its audience. Tokens added later by {@code CallCredentials} are not
     * visible to an interceptor.
     */
    public Builder recordOutboundToken(boolean record) {
      this.recordOutboundToken = record;
      return this;
    }

    public GrpcIdentityLog build() {
      return new GrpcIdentityLog(this);
    }
  }
}
