package dev.identitylog.exchange;

import dev.identitylog.cert.CertificateFacts;
import dev.identitylog.cert.Certificates;
import dev.identitylog.forwarded.ClientCertHeader;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Certificates forwarded in headers by trusted proxies, parsed once per distinct header value:
 * the same client sends the same certificate on every request, and parsing X.509 is the most
 * expensive thing the library could do per request. Bounded; when full, it is cleared, which costs
 * one re-parse per active client and keeps memory fixed without a lock on the read path.
 */
final class HeaderCertificates {
  private static final int MAX_ENTRIES = 2048;
  private static final CertificateFacts UNPARSEABLE = null;
  private static final Map<String, Object> CACHE = new ConcurrentHashMap<>();
  private static final Object NONE = new Object();

  private HeaderCertificates() {}

  /** From a PEM text (XFCC {@code Cert}, already URL-decoded); {@code null} when unreadable. */
  static CertificateFacts fromPem(String pem) {
    return cached("pem:", pem, () -> parse(pem.getBytes(StandardCharsets.US_ASCII)));
  }

  /** From an RFC 9440 {@code Client-Cert} value; {@code null} when unreadable. */
  static CertificateFacts fromClientCertHeader(String value) {
    return cached(
        "rfc9440:",
        value,
        () -> {
          byte[] der = ClientCertHeader.parseCert(value);
          return der == null ? UNPARSEABLE : parse(der);
        });
  }

  /** From a URL-escaped PEM such as NGINX's {@code $ssl_client_escaped_cert}. */
  static CertificateFacts fromEscapedPem(String value) {
    return cached(
        "escaped:",
        value,
        () -> {
          String pem = URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
          return parse(pem.getBytes(StandardCharsets.US_ASCII));
        });
  }

  private interface Parser {
    CertificateFacts parse() throws Exception;
  }

  private static CertificateFacts cached(String kind, String value, Parser parser) {
    String key = kind + value;
    Object hit = CACHE.get(key);
    if (hit == null) {
      CertificateFacts facts;
      try {
        facts = parser.parse();
      } catch (Exception | LinkageError e) {
        facts = UNPARSEABLE;
      }
      hit = facts == null ? NONE : facts;
      if (CACHE.size() >= MAX_ENTRIES) {
        CACHE.clear();
      }
      CACHE.put(key, hit);
    }
    return hit == NONE ? null : (CertificateFacts) hit;
  }

  private static CertificateFacts parse(byte[] bytes) throws Exception {
    List<X509Certificate> certs = Certificates.parse(bytes);
    return certs.isEmpty() ? null : CertificateFacts.of(certs.get(0));
  }
}
