package dev.identitylog.okhttp;

import dev.identitylog.internal.Throwables;
import dev.identitylog.handler.ClientHandler;
import dev.identitylog.protocol.ClientRecord;
import dev.identitylog.protocol.ServerRecord;
import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import okhttp3.CipherSuite;
import okhttp3.Connection;
import okhttp3.Handshake;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.TlsVersion;

/**
 * The network interceptor: runs once per attempt that reached a connection (the first, each
 * retry, each redirect). It counts the attempt, reads the server's certificate from the
 * handshake, and adds the propagation headers the application did not set itself.
 *
 * <p>Headers are added here rather than in the application interceptor because OkHttp builds a
 * redirect from the application-level request: headers added at this level are never carried to
 * a follow-up, so each attempt gets exactly what is right for its own host. That matters for
 * {@code Client-Cert}, which must not follow a redirect to a host it was not configured for.
 *
 * <p>It also reports the {@code traceparent} the attempt carries to the exchange, so the event's
 * {@code span.id} is the one that went on the wire. That works when every interceptor that writes
 * one runs before this one: OpenTelemetry's OkHttp instrumentation (agent or library) adds its
 * interceptors when the client is built, before ours.
 */
final class AttemptInterceptor implements Interceptor {
  private final ClientHandler log;
  private final boolean propagate;

  AttemptInterceptor(ClientHandler log, boolean propagate) {
    this.log = log;
    this.propagate = propagate;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    Request sent = request;
    try {
      CallRecord record = request.tag(CallRecord.class);
      if (record != null) {
        record.exchange.attempt();
        recordHandshake(record.exchange, chain.connection());
        if (propagate) {
          sent = withPropagationHeaders(request, record);
        }
        // The request as it goes out: an OpenTelemetry interceptor that ran before this one (the
        // agent's, or the library instrumentation's network interceptor) may have written its own
        // CLIENT span's traceparent, which is the one the callee will see.
        record.exchange.traceParentSent(sent.header("traceparent"));
        record.exchange.requestIdSent(sent.header(record.exchange.requestIdHeader()));
      }
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      log.internalError("recording an OkHttp attempt", t);
      sent = request;
    }
    return chain.proceed(sent);
  }

  private static void recordHandshake(ClientRecord exchange, Connection connection) {
    Handshake handshake = connection == null ? null : connection.handshake();
    if (handshake == null) {
      return; // plain HTTP
    }
    List<Certificate> peer = handshake.peerCertificates();
    if (!peer.isEmpty() && peer.get(0) instanceof X509Certificate) {
      exchange.serverCertificate((X509Certificate) peer.get(0));
    }
    TlsVersion version = handshake.tlsVersion();
    CipherSuite cipher = handshake.cipherSuite();
    exchange.tls(version == null ? null : version.javaName(), cipher == null ? null : cipher.javaName());
  }

  /** The request plus each propagation header it does not already carry; never overwrites. */
  private static Request withPropagationHeaders(Request request, CallRecord record) {
    Map<String, String> headers = record.exchange.propagationHeaders();
    Request.Builder builder = null;
    for (Map.Entry<String, String> e : headers.entrySet()) {
      String name = e.getKey();
      if (ClientRecord.CLIENT_CERT_HEADER.equalsIgnoreCase(name)) {
        continue; // decided per attempt below
      }
      builder = addIfAbsent(request, builder, name, e.getValue());
    }
    String host = request.url().host();
    String clientCert;
    if (host.equalsIgnoreCase(record.host)) {
      clientCert = headers.get(ClientRecord.CLIENT_CERT_HEADER);
    } else {
      // Redirected elsewhere: only if forwarding is configured for that host too.
      ServerRecord parent = record.exchange.parent();
      clientCert = parent == null ? null : parent.clientCertHeaderFor(host);
    }
    builder = addIfAbsent(request, builder, ClientRecord.CLIENT_CERT_HEADER, clientCert);
    return builder == null ? request : builder.build();
  }

  private static Request.Builder addIfAbsent(
      Request request, Request.Builder builder, String name, String value) {
    if (value == null || request.header(name) != null || !HeaderSyntax.isValid(name, value)) {
      return builder;
    }
    Request.Builder b = builder != null ? builder : request.newBuilder();
    b.addHeader(name, value);
    return b;
  }
}
