package dev.identitylog.internal.exchange;

import dev.identitylog.protocol.ServerRequest;

import dev.identitylog.redact.Limits;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The inbound request as the server side reads it (SPEC section 7): a header value above {@link
 * Limits#maxHeaderBytes()} reads as absent, so no parser (trace context, token, forwarded identity)
 * ever sees it, and its name is remembered for {@code identity.headers.oversized}. One per request,
 * used by the thread that reads the request.
 */
final class OversizedHeaders implements ServerRequest {
  private final ServerRequest request;
  private final Limits limits;
  private List<String> names; // allocated only when a header is oversized

  OversizedHeaders(ServerRequest request, Limits limits) {
    this.request = request;
    this.limits = limits;
  }

  @Override
  public String header(String name) {
    String value = request.header(name);
    if (!limits.headerTooLarge(value)) {
      return value;
    }
    // Lower case, as HTTP/2 and gRPC write header names, so one name reads the same on every hop.
    String key = name.toLowerCase(Locale.ROOT);
    if (names == null) {
      names = new ArrayList<>(2);
    }
    if (!names.contains(key)) {
      names.add(key);
    }
    return null;
  }

  /** Whether this header arrived above the size limit. */
  boolean oversized(String name) {
    return names != null && names.contains(name.toLowerCase(Locale.ROOT));
  }

  /** The names of the oversized headers, in the order they were read, or {@code null}. */
  List<String> names() {
    return names == null ? null : List.copyOf(names);
  }







  @Override
  public String peerAddress() {
    return request.peerAddress();
  }

  @Override
  public String serverAddress() {
    return request.serverAddress();
  }

  @Override
  public int serverPort() {
    return request.serverPort();
  }

  @Override
  public X509Certificate[] peerCertificates() {
    return request.peerCertificates();
  }

  @Override
  public String tlsProtocol() {
    return request.tlsProtocol();
  }

  @Override
  public String tlsCipher() {
    return request.tlsCipher();
  }
}
