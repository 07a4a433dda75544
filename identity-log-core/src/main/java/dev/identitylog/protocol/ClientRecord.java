package dev.identitylog.protocol;

import java.security.cert.X509Certificate;
import java.util.Map;

/**
 * The in-flight record of one logical outbound call (all its attempts, retries and redirects),
 * between {@code ClientHandler.start} and {@code finish}. Every method is thread-safe and never
 * throws.
 */
public interface ClientRecord {
  /** The RFC 9440 header that carries a forwarded client certificate. */
  String CLIENT_CERT_HEADER = "Client-Cert";

  /**
   * The headers to add to every attempt, in order: {@code traceparent}, {@code tracestate} when
   * one was received, the request-id header, and {@code Client-Cert} when forwarding is
   * configured for this host. The adapter must not overwrite a header the application set.
   */
  Map<String, String> propagationHeaders();

  String traceId();

  /** This call's span id: the parent-id sent in its {@code traceparent}. */
  String spanId();

  String requestId();

  /** The request this call is made for, or {@code null}. */
  ServerRecord parent();

  /**
   * Reports the {@code traceparent} actually on the outgoing request, read after every
   * interceptor that may write one has run; once per attempt. What went on the wire becomes this
   * event's {@code span.id}.
   */
  void traceParentSent(String traceparent);

  /** The request-id header this hop sends ({@code X-Request-ID} unless configured otherwise). */
  String requestIdHeader();

  /**
   * Reports the request-id header actually on the outgoing request, read where {@link
   * #traceParentSent} is: an id the application set itself is the one the callee logs, so it
   * becomes this event's {@code identity.request.id}. Absent, empty or over-long values change
   * nothing.
   */
  void requestIdSent(String requestId);

  /** Counts one attempt (the first, a retry, or a redirect). */
  void attempt();

  /** The called server's certificate, from the handshake. */
  void serverCertificate(X509Certificate certificate);

  /** The negotiated TLS protocol and cipher, when known. */
  void tls(String protocol, String cipher);

  boolean isFinished();
}
