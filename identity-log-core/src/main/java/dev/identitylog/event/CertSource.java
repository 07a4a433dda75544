package dev.identitylog.event;

import dev.identitylog.outcome.Coded;

/** Where the client certificate facts came from ({@code identity.cert.source}). */
public enum CertSource implements Coded {
  /** This hop's own TLS handshake. */
  TLS("tls"),
  /** Envoy's {@code x-forwarded-client-cert}. */
  XFCC("xfcc"),
  /** RFC 9440 {@code Client-Cert}. */
  CLIENT_CERT("client-cert"),
  /** Cloudflare's {@code cf-cert-*} headers. */
  CF_HEADERS("cf-headers"),
  /** A proxy header carrying a PEM, e.g. NGINX {@code $ssl_client_escaped_cert}. */
  SSL_HEADER("ssl-header"),
  /**
   * 1.1: record headers of a consumed message, as the producer reported them; not verified by the
   * consumer's own handshake.
   */
  MESSAGE("message");

  private final String code;

  CertSource(String code) {
    this.code = code;
  }

  @Override
  public String code() {
    return code;
  }
}
