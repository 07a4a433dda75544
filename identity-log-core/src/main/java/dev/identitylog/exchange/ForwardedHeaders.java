package dev.identitylog.exchange;

/**
 * The forwarded-identity headers of one request (SPEC section 6), read once. Whether they are
 * believed is decided by the trust policy; this only collects them.
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
  private boolean any;

  static ForwardedHeaders read(InboundRequest request, String sslClientCertHeader) {
    ForwardedHeaders h = new ForwardedHeaders();
    h.xfcc = h.note(request.header("x-forwarded-client-cert"));
    h.clientCert = h.note(request.header("Client-Cert"));
    h.clientCertChain = h.note(request.header("Client-Cert-Chain"));
    h.sslHeader = sslClientCertHeader == null ? null : h.note(request.header(sslClientCertHeader));
    h.forwarded = h.note(request.header("Forwarded"));
    h.xForwardedFor = h.note(request.header("X-Forwarded-For"));
    String presented = h.note(request.header("cf-cert-presented"));
    h.cfPresented = "true".equalsIgnoreCase(presented) || "1".equals(presented);
    String subject = request.header("cf-cert-subject-dn-rfc2253");
    h.cfSubject = subject != null ? subject : request.header("cf-cert-subject-dn");
    String issuer = request.header("cf-cert-issuer-dn-rfc2253");
    h.cfIssuer = issuer != null ? issuer : request.header("cf-cert-issuer-dn");
    h.cfSha256 = h.note(request.header("cf-cert-fingerprint-sha256"));
    h.cfSerial = request.header("cf-cert-serial");
    return h;
  }

  private String note(String value) {
    if (value != null && !value.isEmpty()) {
      any = true;
      return value;
    }
    return null;
  }

  /** Whether any forwarded-identity header arrived. */
  boolean any() {
    return any;
  }
}
