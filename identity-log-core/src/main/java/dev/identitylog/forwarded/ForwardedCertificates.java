package dev.identitylog.forwarded;

import dev.identitylog.internal.BoundedCache;
import dev.identitylog.internal.Weights;
import dev.identitylog.cert.CertificateFacts;
import dev.identitylog.cert.Certificates;
import dev.identitylog.cert.SpiffeId;
import dev.identitylog.event.CertSource;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import java.util.ArrayList;
import java.util.Locale;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Client certificates forwarded in headers by proxies (XFCC, RFC 9440, an escaped-PEM header),
 * turned into facts. Whether a header is believed is the trust policy's decision, made before this
 * is called. Parsed once per distinct header value:
 * the same client sends the same certificate on every request, and parsing X.509 is the most
 * expensive thing the library could do per request. Bounded in entries and in bytes ({@value
 * #MAX_BYTES} bytes: each entry weighs its header value, the key, plus the facts), with lock-free
 * reads. Unreadable values are not remembered: a client choosing what fills the cache could
 * otherwise push out every real certificate with garbage, at no cost to itself.
 */
public final class ForwardedCertificates {
  private static final int MAX_ENTRIES = 2048;
  static final long MAX_BYTES = 4L * 1024 * 1024;
  private static final CertificateFacts UNPARSEABLE = null;
  private static final BoundedCache<String, CertificateFacts> CACHE =
      BoundedCache.create(
          MAX_ENTRIES, MAX_BYTES, (value, facts) -> Weights.of(value) + facts.retainedBytes());

  private ForwardedCertificates() {}

  static BoundedCache<String, CertificateFacts> cache() {
    return CACHE;
  }

  /** From a PEM text (XFCC {@code Cert}, already URL-decoded); {@code null} when unreadable. */
  public static CertificateFacts fromPem(String pem) {
    return cached("pem:", pem, () -> parse(pem.getBytes(StandardCharsets.US_ASCII)));
  }

  /** From an RFC 9440 {@code Client-Cert} value; {@code null} when unreadable. */
  public static CertificateFacts fromClientCertHeader(String value) {
    return cached(
        "rfc9440:",
        value,
        () -> {
          byte[] der = ClientCertHeader.parseCert(value);
          return der == null ? UNPARSEABLE : parse(der);
        });
  }

  /** From a URL-escaped PEM such as NGINX's {@code $ssl_client_escaped_cert}. */
  public static CertificateFacts fromEscapedPem(String value) {
    return cached(
        "escaped:",
        value,
        () -> {
          String pem = URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
          return parse(pem.getBytes(StandardCharsets.US_ASCII));
        });
  }

  /**
   * Sets the client-certificate fields of one XFCC element: every fact of its {@code Cert} when
   * present and readable, else what the element states itself ({@code Hash}, {@code Subject},
   * {@code URI} and {@code DNS}); the source, and {@code By} (or {@code fallbackBy}) as the proxy
   * that forwarded it.
   */
  public static void applyXfcc(IdentityEvent.Builder b, XfccElement e, String fallbackBy) {
    CertificateFacts facts = e.cert() != null ? fromPem(e.cert()) : null;
    if (facts != null) {
      facts.applyClient(b);
    } else {
      b.set(Fields.TLS_CLIENT_HASH_SHA256, sha256Hex(e.hash()));
      // Envoy may write OpenSSL's slash form; the edge that saw the handshake wrote RFC 2253.
      b.set(Fields.TLS_CLIENT_SUBJECT, DistinguishedNames.toRfc2253(e.subject()));
      List<String> sans = new ArrayList<>(e.uris());
      sans.addAll(e.dns());
      b.set(Fields.TLS_CLIENT_ALTERNATIVE_NAMES, sans);
      b.set(Fields.WORKLOAD_ID, SpiffeId.fromAlternativeNames(e.uris()));
    }
    b.set(Fields.CERT_SOURCE, CertSource.XFCC);
    b.set(Fields.CERT_FORWARDED_BY, e.by() != null ? e.by() : fallbackBy);
  }

  /** A SHA-256 fingerprint as the standard writes it (64 uppercase hex), or {@code null}. */
  public static String sha256Hex(String hex) {
    String h = upperHex(hex);
    return h != null && h.length() == 64 ? h : null;
  }

  /** A serial number as the standard writes it: uppercase hex without leading zeros. */
  public static String serialHex(String hex) {
    String h = upperHex(hex);
    if (h == null) {
      return null;
    }
    int i = 0;
    while (i < h.length() - 1 && h.charAt(i) == '0') {
      i++;
    }
    return h.substring(i);
  }

  /**
   * A hex fingerprint as the standard writes it (uppercase, no separators), or {@code null} when
   * the value is not hex: proxies write SHA-256 in lowercase (Envoy) or with colons (OpenSSL).
   */
  public static String upperHex(String hex) {
    if (hex == null) {
      return null;
    }
    String h = hex.trim().replace(":", "").toUpperCase(Locale.ROOT);
    for (int i = 0; i < h.length(); i++) {
      char c = h.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) {
        return null;
      }
    }
    return h.isEmpty() ? null : h;
  }

  private interface Parser {
    CertificateFacts parse() throws Exception;
  }

  private static CertificateFacts cached(String kind, String value, Parser parser) {
    String key = kind + value;
    CertificateFacts hit = CACHE.get(key);
    if (hit != null) {
      return hit;
    }
    CertificateFacts facts;
    try {
      facts = parser.parse();
    } catch (Exception | LinkageError e) {
      facts = UNPARSEABLE;
    }
    if (facts == null || facts.problem() != null) {
      return facts;
    }
    return CACHE.putIfAbsent(key, facts);
  }

  private static CertificateFacts parse(byte[] bytes) throws Exception {
    List<X509Certificate> certs = Certificates.parse(bytes);
    return certs.isEmpty() ? null : CertificateFacts.of(certs.get(0));
  }
}
