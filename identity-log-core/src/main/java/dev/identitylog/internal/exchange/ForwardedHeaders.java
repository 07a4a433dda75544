package dev.identitylog.internal.exchange;

import dev.identitylog.protocol.ServerRequest;

import dev.identitylog.redact.Limits;

/**
 * The forwarded-identity headers of one request (SPEC section 6), read once. Whether they are
 * believed is decided by the trust policy; this only collects them.
 *
 * <p>Identity-bearing headers (XFCC, RFC 9440, {@code cf-cert-*}, the configured PEM header) are
 * told apart from {@code Forwarded} / {@code X-Forwarded-For}: strict forwarding refuses only the
 * former (SPEC 1.1), since ordinary load balancers add the latter. A value above the header size
 * limit counts as received (it is still flagged or refused) but is dropped here, so it is never
 * parsed nor used as a cache key.
 */
final class ForwardedHeaders {
  String xfcc;
  String clientCert;
  String clientCertChain;
  String sslHeader;
  String forwarded;
  String xForwardedFor;
  boolean cfPresented;
  String cfSubject;
  String cfIssuer;
  String cfSha256;
  String cfSerial;
  private boolean identity;
  private boolean addresses;
  private final Limits limits;

  private ForwardedHeaders(Limits limits) {
    this.limits = limits;
  }

  static ForwardedHeaders read(ServerRequest request, String sslClientCertHeader, Limits limits) {
    ForwardedHeaders h = new ForwardedHeaders(limits);
    h.xfcc = h.identity(request.header("x-forwarded-client-cert"));
    h.clientCert = h.identity(request.header("Client-Cert"));
    h.clientCertChain = h.identity(request.header("Client-Cert-Chain"));
    h.sslHeader =
        sslClientCertHeader == null ? null : h.identity(request.header(sslClientCertHeader));
    h.forwarded = h.address(request.header("Forwarded"));
    h.xForwardedFor = h.address(request.header("X-Forwarded-For"));
    // Every cf-cert-* header is identity-bearing, with or without cf-cert-presented: an untrusted
    // peer sending any of them is flagged (and refused in strict mode). They are believed only
    // from a trusted peer that also says a certificate was presented.
    String presented = h.identity(request.header("cf-cert-presented"));
    h.cfPresented = "true".equalsIgnoreCase(presented) || "1".equals(presented);
    String subject = h.identity(request.header("cf-cert-subject-dn-rfc2253"));
    String subjectLegacy = h.identity(request.header("cf-cert-subject-dn"));
    h.cfSubject = subject != null ? subject : subjectLegacy;
    String issuer = h.identity(request.header("cf-cert-issuer-dn-rfc2253"));
    String issuerLegacy = h.identity(request.header("cf-cert-issuer-dn"));
    h.cfIssuer = issuer != null ? issuer : issuerLegacy;
    h.cfSha256 = h.identity(request.header("cf-cert-fingerprint-sha256"));
    h.cfSerial = h.identity(request.header("cf-cert-serial"));
    return h;
  }

  private String identity(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    identity = true;
    return limits.headerTooLarge(value) ? null : value;
  }

  private String address(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    addresses = true;
    return limits.headerTooLarge(value) ? null : value;
  }

  /** Whether any forwarded header arrived, identity-bearing or address. */
  boolean any() {
    return identity || addresses;
  }

  /** Whether an identity-bearing header arrived (what strict forwarding refuses). */
  boolean identityBearing() {
    return identity;
  }
}
