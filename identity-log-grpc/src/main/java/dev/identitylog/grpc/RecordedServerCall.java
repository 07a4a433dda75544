package dev.identitylog.grpc;

import dev.identitylog.internal.Throwables;
import dev.identitylog.handler.ServerHandler;
import dev.identitylog.protocol.RpcServerResponse;
import dev.identitylog.protocol.ServerRecord;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;

/**
 * The call the service sees: closing it ends the record, before the status goes out, so the event
 * is emitted by the time the client learns the outcome.
 */
final class RecordedServerCall<ReqT, RespT> extends SimpleForwardingServerCall<ReqT, RespT> {
  final ServerRecord exchange;
  final Context context;
  private final ServerHandler handler;

  RecordedServerCall(
      ServerCall<ReqT, RespT> delegate,
      ServerRecord exchange,
      Context context,
      ServerHandler handler) {
    super(delegate);
    this.exchange = exchange;
    this.context = context;
    this.handler = handler;
  }

  @Override
  public void close(Status status, Metadata trailers) {
    end(status, status == null ? null : status.getCause());
    super.close(status, trailers);
  }

  /**
   * Ends the record with this status ({@code null}: unknown), unless the client has gone away, in
   * which case the status never reaches it. Later endings are ignored by the exchange.
   */
  void end(Status status, Throwable error) {
    try {
      // The call's context is cancelled as soon as the client cancels or the deadline passes; the
      // call's own flag only once the serialized executor gets to it, after the service returns.
      if (context.isCancelled() || delegate().isCancelled()) {
        aborted();
        return;
      }
      handler.finish(
          exchange, RpcServerResponse.of(status == null ? null : status.getCode().name(), error));
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      handler.internalError("finishing a received gRPC call", t);
    }
  }

  /** The client went away (cancelled, deadline passed, connection lost) before a status was sent. */
  void aborted() {
    try {
      Deadline deadline = context.getDeadline();
      boolean expired = deadline != null && deadline.isExpired();
      handler.finish(
          exchange, RpcServerResponse.aborted(expired ? "DEADLINE_EXCEEDED" : "CANCELLED"));
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      handler.internalError("finishing a received gRPC call", t);
    }
  }
}
