package dev.identitylog.grpc;

import dev.identitylog.internal.Throwables;
import dev.identitylog.handler.ClientHandler;
import dev.identitylog.protocol.ClientRecord;
import dev.identitylog.protocol.RpcClientResponse;
import dev.identitylog.protocol.ServerRecord;
import io.grpc.ClientCall;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.Map;

/**
 * One call made: its record starts when the call starts (when the metadata the application set is
 * known) and ends when the call closes, before the application's listener hears of it, so the
 * request being served has the failure recorded by the time it reacts to it.
 */
final class RecordedClientCall<ReqT, RespT> extends SimpleForwardingClientCall<ReqT, RespT> {
  private final IdentityClientInterceptor config;
  private final MethodDescriptor<ReqT, RespT> method;
  private final String authority;
  private final ServerRecord parent;
  private final AttemptCounter attempts;

  RecordedClientCall(
      ClientCall<ReqT, RespT> delegate,
      IdentityClientInterceptor config,
      MethodDescriptor<ReqT, RespT> method,
      String authority,
      ServerRecord parent,
      AttemptCounter attempts) {
    super(delegate);
    this.config = config;
    this.method = method;
    this.authority = authority;
    this.parent = parent;
    this.attempts = attempts;
  }

  @Override
  public void start(Listener<RespT> responseListener, Metadata headers) {
    ClientHandler handler = config.handler;
    ClientRecord exchange = null;
    try {
      exchange =
          handler.start(
              GrpcOutboundRequest.of(
                  method, authority, headers, config.keys, config.recordOutboundToken),
              parent);
      if (config.propagate) {
        inject(exchange.propagationHeaders(), headers);
      }
      attempts.exchange(exchange);
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      handler.internalError("starting a gRPC call", t);
    }
    if (exchange == null) {
      super.start(responseListener, headers);
      return;
    }
    try {
      super.start(new RecordedClientListener<>(responseListener, this, exchange, handler), headers);
    } catch (Throwable t) {
      // The listener will never be called: the call ends here.
      try {
        handler.finish(exchange, RpcClientResponse.of(Status.fromThrowable(t).getCode().name(), t));
      } catch (Throwable inner) {
        Throwables.propagateIfFatal(inner);
        handler.internalError("finishing a gRPC call", inner);
      }
      throw t;
    }
  }

  /** Adds each propagation header the application did not set itself. */
  private void inject(Map<String, String> propagation, Metadata headers) {
    for (Map.Entry<String, String> e : propagation.entrySet()) {
      Metadata.Key<String> key = config.keys.get(e.getKey());
      if (key != null && !headers.containsKey(key)) {
        headers.put(key, e.getValue());
      }
    }
  }
}
