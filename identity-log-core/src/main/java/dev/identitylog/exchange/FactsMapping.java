package dev.identitylog.exchange;

import dev.identitylog.cert.CertificateFacts;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.token.TokenFacts;
import java.util.Map;

/** Copies extracted facts into event fields; the one place that knows which fact goes where. */
final class FactsMapping {
  private FactsMapping() {}

  static void clientCertificate(IdentityEvent.Builder b, CertificateFacts c) {
    b.set(Fields.TLS_CLIENT_SUBJECT, c.subject());
    b.set(Fields.TLS_CLIENT_ISSUER, c.issuer());
    b.set(Fields.TLS_CLIENT_HASH_SHA256, c.sha256());
    b.set(Fields.TLS_CLIENT_NOT_BEFORE, c.notBefore());
    b.set(Fields.TLS_CLIENT_NOT_AFTER, c.notAfter());
    b.set(Fields.TLS_CLIENT_SERIAL_NUMBER, c.serialNumber());
    b.set(Fields.TLS_CLIENT_ALTERNATIVE_NAMES, c.alternativeNames());
    b.set(Fields.WORKLOAD_ID, c.spiffeId());
  }

  static void serverCertificate(IdentityEvent.Builder b, CertificateFacts c) {
    b.set(Fields.TLS_SERVER_SUBJECT, c.subject());
    b.set(Fields.TLS_SERVER_HASH_SHA256, c.sha256());
    b.set(Fields.TLS_SERVER_NOT_AFTER, c.notAfter());
  }

  static void token(IdentityEvent.Builder b, TokenFacts t) {
    b.set(Fields.TOKEN_TYPE, t.type());
    b.set(Fields.TOKEN_HASH, t.hash());
    b.set(Fields.TOKEN_ISSUER, t.issuer());
    b.set(Fields.TOKEN_SUBJECT, t.subject());
    b.set(Fields.TOKEN_ID, t.id());
    b.set(Fields.TOKEN_CLIENT_ID, t.clientId());
    b.set(Fields.TOKEN_AUDIENCE, t.audience());
    b.set(Fields.TOKEN_SCOPES, t.scopes());
    b.set(Fields.TOKEN_ISSUED_AT, t.issuedAt());
    b.set(Fields.TOKEN_NOT_BEFORE, t.notBefore());
    b.set(Fields.TOKEN_EXPIRES_AT, t.expiresAt());
    b.set(Fields.TOKEN_ALG, t.alg());
    b.set(Fields.TOKEN_KID, t.kid());
    b.set(Fields.TOKEN_CNF_X5T_S256, t.cnfX5tS256());
    b.set(Fields.TOKEN_ACTOR_CHAIN, t.actorChain());
    b.set(Fields.TOKEN_VERIFIED, t.verified());
    for (Map.Entry<String, String> e : t.claims().entrySet()) {
      b.claim(e.getKey(), e.getValue());
    }
  }

  /** {@code url.full} without query and fragment, which may carry secrets. */
  static String stripQuery(String url) {
    if (url == null) {
      return null;
    }
    int q = url.indexOf('?');
    int f = url.indexOf('#');
    int cut = q < 0 ? f : (f < 0 ? q : Math.min(q, f));
    String s = cut < 0 ? url : url.substring(0, cut);
    // user:password@ in the authority is a secret too
    int scheme = s.indexOf("://");
    if (scheme > 0) {
      int start = scheme + 3;
      int slash = s.indexOf('/', start);
      int at = s.lastIndexOf('@', slash < 0 ? s.length() : slash);
      if (at >= start) {
        s = s.substring(0, start) + s.substring(at + 1);
      }
    }
    return s;
  }
}
