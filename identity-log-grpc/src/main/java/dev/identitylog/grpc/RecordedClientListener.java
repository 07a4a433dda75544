package dev.identitylog.grpc;

import dev.identitylog.internal.Throwables;
import dev.identitylog.handler.ClientHandler;
import dev.identitylog.protocol.ClientRecord;
import dev.identitylog.protocol.RpcClientResponse;
import io.grpc.ClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.Status;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLSession;

/** Reads the server's certificate once the stream exists, and ends the record on close. */
final class RecordedClientListener<RespT> extends SimpleForwardingClientCallListener<RespT> {
  private final ClientCall<?, ?> call;
  private final ClientRecord exchange;
  private final ClientHandler handler;
  private volatile boolean tlsRead;

  RecordedClientListener(
      ClientCall.Listener<RespT> delegate,
      ClientCall<?, ?> call,
      ClientRecord exchange,
      ClientHandler handler) {
    super(delegate);
    this.call = call;
    this.exchange = exchange;
    this.handler = handler;
  }

  @Override
  public void onHeaders(Metadata headers) {
    readTls();
    super.onHeaders(headers);
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    try {
      // A trailers-only answer (most errors) has no headers: the stream's session is still there.
      readTls();
      handler.finish(exchange, RpcClientResponse.of(status.getCode().name(), status.getCause()));
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      handler.internalError("finishing a gRPC call", t);
    }
    super.onClose(status, trailers);
  }

  private void readTls() {
    if (tlsRead) {
      return;
    }
    tlsRead = true;
    try {
      SSLSession session = TlsSessions.session(call.getAttributes());
      if (session == null) {
        return;
      }
      X509Certificate[] chain = TlsSessions.peerCertificates(session, handler::internalError);
      if (chain != null) {
        exchange.serverCertificate(chain[0]);
      }
      exchange.tls(session.getProtocol(), session.getCipherSuite());
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      handler.internalError("reading the TLS session of a gRPC call", t);
    }
  }
}
