package dev.identitylog.grpc;

import dev.identitylog.internal.Throwables;
import dev.identitylog.handler.ServerHandler;
import dev.identitylog.context.Scope;
import dev.identitylog.protocol.ServerRecord;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/** Starts the record of each received call and hands the call on, wrapped so that it ends once. */
final class IdentityServerInterceptor implements ServerInterceptor {
  /** What a strict hop answers to forwarded identity from an untrusted peer: gRPC's 400. */
  static final Status UNTRUSTED_FORWARDING =
      Status.INVALID_ARGUMENT.withDescription("forwarded identity from an untrusted peer");

  private final ServerHandler handler;
  private final MetadataKeys keys;

  IdentityServerInterceptor(ServerHandler handler, MetadataKeys keys) {
    this.handler = handler;
    this.keys = keys;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    ServerRecord exchange;
    Context context;
    RecordedServerCall<ReqT, RespT> recorded;
    try {
      exchange = handler.start(new GrpcInboundRequest(handler::internalError, keys, call, headers));
      context = Context.current().withValue(ExchangeContext.EXCHANGE, exchange);
      recorded = new RecordedServerCall<>(call, exchange, context, handler);
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      handler.internalError("starting a received gRPC call", t);
      return next.startCall(call, headers);
    }
    if (exchange.shouldReject()) {
      recorded.close(UNTRUSTED_FORWARDING, new Metadata());
      return new ServerCall.Listener<ReqT>() {};
    }

    ServerCall.Listener<ReqT> listener;
    // Streaming handlers run service code right here, so the record is bound already.
    Context previous = context.attach();
    Scope bound = exchange.makeCurrent();
    try {
      listener = next.startCall(recorded, headers);
    } catch (Throwable t) {
      // The server closes the call with this status; record it, since close() will not be seen.
      recorded.end(Status.fromThrowable(t), t);
      throw t;
    } finally {
      bound.close();
      context.detach(previous);
    }
    return new RecordedServerListener<>(listener, recorded);
  }

  @Override
  public String toString() {
    return "IdentityServerInterceptor{" + handler.identityLog().serviceName() + "}";
  }
}
