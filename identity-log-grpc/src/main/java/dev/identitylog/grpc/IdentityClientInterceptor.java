package dev.identitylog.grpc;

import dev.identitylog.internal.Throwables;
import dev.identitylog.handler.ClientHandler;
import dev.identitylog.protocol.ServerRecord;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;

/** Wraps each call made through a channel so that it is recorded once. */
final class IdentityClientInterceptor implements ClientInterceptor {
  final ClientHandler handler;
  final MetadataKeys keys;
  final boolean propagate;
  final boolean recordOutboundToken;

  IdentityClientInterceptor(
      ClientHandler handler, MetadataKeys keys, boolean propagate, boolean recordOutboundToken) {
    this.handler = handler;
    this.keys = keys;
    this.propagate = propagate;
    this.recordOutboundToken = recordOutboundToken;
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
    AttemptCounter attempts;
    ServerRecord parent;
    String authority;
    try {
      // Captured when the call is made, on the thread serving the request it is made for.
      parent = ExchangeContext.current();
      authority = callOptions.getAuthority() != null ? callOptions.getAuthority() : next.authority();
      attempts = new AttemptCounter(keys);
      callOptions = callOptions.withStreamTracerFactory(attempts);
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      handler.internalError("intercepting a gRPC call", t);
      return next.newCall(method, callOptions);
    }
    return new RecordedClientCall<>(
        next.newCall(method, callOptions), this, method, authority, parent, attempts);
  }

  @Override
  public String toString() {
    return "IdentityClientInterceptor{" + handler.identityLog().serviceName() + "}";
  }
}
