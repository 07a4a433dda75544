package dev.identitylog.cert;

import dev.identitylog.internal.BoundedCache;

import java.security.cert.X509Certificate;

/**
 * Reads {@link CertificateFacts} once per certificate and serves them from a bounded cache
 * afterwards. Thread-safe; {@link #inspect} never throws.
 *
 * <p>The same client certificate arrives with every request of a TLS session, and with every new
 * session of the same client, while reading its facts costs a SHA-256 and a SAN parse. The cache is
 * keyed by the certificate itself: a repeated request hands over the very same object, found by
 * identity at the cost of a hash look-up (the JDK caches a certificate's hash code); a new session
 * hands over an equal object, found by comparing DER encodings.
 *
 * <p>Reads are lock-free ({@code ConcurrentHashMap}); inserts of new certificates take a lock and
 * evict with a clock (second-chance) sweep, so the cache never exceeds its bound and recently read
 * certificates stay. Certificates do not change, so entries do not expire.
 */
public final class CertificateInspector {
  private final BoundedCache<X509Certificate, CertificateFacts> cache;

  private CertificateInspector(int maxEntries) {
    this.cache = BoundedCache.create(maxEntries);
  }

  /**
   * An inspector that caches the facts of at most {@code maxEntries} certificates.
   *
   * @throws IllegalArgumentException when {@code maxEntries} is below 1
   */
  public static CertificateInspector create(int maxEntries) {
    return new CertificateInspector(maxEntries);
  }

  /**
   * The facts of the certificate, from the cache when it was seen before. Never throws; {@code
   * null} gives facts whose problem is {@link dev.identitylog.outcome.Reason#CERT_MISSING}.
   */
  public CertificateFacts inspect(X509Certificate certificate) {
    if (certificate == null) {
      return CertificateFacts.of(null);
    }
    try {
      CertificateFacts cached = cache.get(certificate);
      if (cached != null) {
        return cached;
      }
      return cache.putIfAbsent(certificate, CertificateFacts.of(certificate));
    } catch (RuntimeException e) {
      // Only a certificate implementation whose equals or hashCode throws gets here.
      return CertificateFacts.of(certificate);
    }
  }

  int size() {
    return cache.size();
  }

  @Override
  public String toString() {
    return "CertificateInspector{size=" + cache.size() + ", max=" + cache.maxEntries() + "}";
  }
}
