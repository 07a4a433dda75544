package dev.identitylog.jdkhttp;

import dev.identitylog.handler.ClientHandler;
import dev.identitylog.internal.Throwables;
import dev.identitylog.protocol.ClientRecord;
import dev.identitylog.protocol.HttpClientResponse;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * One logical call: the request as it is sent, and the one place its record ends. The core's
 * exchange emits once however often (and from whichever thread) an end is reported.
 */
final class OutboundCall {
  /** More redirects than any client follows (the JDK's default limit is 5); guards a cyclic chain. */
  private static final int MAX_ATTEMPTS = 64;

  private final ClientHandler log;
  private final ClientRecord exchange;
  private final HttpRequest request;

  OutboundCall(ClientHandler log, ClientRecord exchange, HttpRequest request) {
    this.log = log;
    this.exchange = exchange;
    this.request = request;
  }

  /** The request to hand to the wrapped client: the application's plus the added headers. */
  HttpRequest request() {
    return request;
  }

  /** For {@code whenComplete}: the call ended with a response or an exception. */
  void completed(HttpResponse<?> response, Throwable error) {
    if (error != null || response == null) {
      failed(error);
    } else {
      answered(response);
    }
  }

  /** The call was answered. Never throws anything but a fatal error. */
  void answered(HttpResponse<?> response) {
    if (response == null) {
      failed(null); // a delegate that broke its contract: still one event, protocol_error
      return;
    }
    int status = -1;
    try {
      status = response.statusCode();
      // The JDK follows redirects itself; each response it followed is linked from the next.
      int attempts = 1;
      Optional<? extends HttpResponse<?>> previous = response.previousResponse();
      while (previous.isPresent() && attempts < MAX_ATTEMPTS) {
        attempts++;
        previous = previous.get().previousResponse();
      }
      for (int i = 0; i < attempts; i++) {
        exchange.attempt();
      }
      recordTls(response.sslSession());
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      log.internalError("reading a java.net.http response", t);
    }
    finish(status, null);
  }

  /** The call ended with {@code error} (the application gets it unchanged, not from here). */
  void failed(Throwable error) {
    Throwable classified;
    try {
      classified = JdkFailures.forClassification(error);
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      log.internalError("classifying a java.net.http failure", t);
      classified = error;
    }
    finish(-1, classified);
  }

  private void finish(int status, Throwable error) {
    try {
      log.finish(exchange, HttpClientResponse.of(status, error));
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      log.internalError("finishing a java.net.http call", t);
    }
  }

  private void recordTls(Optional<SSLSession> session) {
    if (session.isEmpty()) {
      return; // plain HTTP
    }
    SSLSession s = session.get();
    try {
      Certificate[] peer = s.getPeerCertificates();
      if (peer.length > 0 && peer[0] instanceof X509Certificate) {
        exchange.serverCertificate((X509Certificate) peer[0]);
      }
    } catch (javax.net.ssl.SSLPeerUnverifiedException unverified) {
      // No certificate was verified: nothing to report as the server's.
    }
    exchange.tls(s.getProtocol(), s.getCipherSuite());
  }
}
