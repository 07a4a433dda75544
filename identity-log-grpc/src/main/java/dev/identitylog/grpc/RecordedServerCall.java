package dev.identitylog.grpc;

import dev.identitylog.IdentityLog;
import dev.identitylog.exchange.ServerExchange;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;

/**
 * The call the service sees: closing it ends the record, before the status goes out, so the event
 * is emitted by the time the client learns the outcome.
 */
final class RecordedServerCall<ReqT, RespT> extends SimpleForwardingServerCall<ReqT, RespT> {
  final ServerExchange exchange;
  final IdentityLog log;

  RecordedServerCall(ServerCall<ReqT, RespT> delegate, ServerExchange exchange, IdentityLog log) {
    super(delegate);
    this.exchange = exchange;
    this.log = log;
  }

  @Override
  public void close(Status status, Metadata trailers) {
    failed(status, status == null ? null : status.getCause());
    super.close(status, trailers);
  }

  /** Ends the record with this status; later endings are ignored by the exchange. */
  void failed(Status status, Throwable error) {
    try {
      exchange.finishGrpc(status == null ? null : status.getCode().name(), error);
    } catch (Throwable t) {
      log.internalError("finishing a received gRPC call", t);
    }
  }

  /** The client went away (cancelled, deadline passed, connection lost) before a status was sent. */
  void aborted(String statusName) {
    try {
      exchange.finishAborted(-1, statusName);
    } catch (Throwable t) {
      log.internalError("finishing a received gRPC call", t);
    }
  }
}
