package dev.identitylog.grpc;

import dev.identitylog.IdentityLog;
import dev.identitylog.exchange.ClientExchange;
import io.grpc.ClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.Status;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLSession;

/** Reads the server's certificate once the stream exists, and ends the record on close. */
final class RecordedClientListener<RespT> extends SimpleForwardingClientCallListener<RespT> {
  private final ClientCall<?, ?> call;
  private final ClientExchange exchange;
  private final IdentityLog log;
  private volatile boolean tlsRead;

  RecordedClientListener(
      ClientCall.Listener<RespT> delegate,
      ClientCall<?, ?> call,
      ClientExchange exchange,
      IdentityLog log) {
    super(delegate);
    this.call = call;
    this.exchange = exchange;
    this.log = log;
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
      exchange.finishGrpc(status.getCode().name(), status.getCause());
    } catch (Throwable t) {
      log.internalError("finishing a gRPC call", t);
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
      X509Certificate[] chain = TlsSessions.peerCertificates(session, log);
      if (chain != null) {
        exchange.serverCertificate(chain[0]);
      }
      exchange.tls(session.getProtocol(), session.getCipherSuite());
    } catch (Throwable t) {
      log.internalError("reading the TLS session of a gRPC call", t);
    }
  }
}
