package dev.identitylog.cert;

import dev.identitylog.internal.BoundedCache;

import java.security.cert.CertificateEncodingException;
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
 * evict with a clock (second-chance) sweep, so the cache never exceeds its bounds and recently read
 * certificates stay. Certificates do not change, so entries do not expire.
 *
 * <p>The cache is bounded in bytes as well as entries, because the key is the certificate object
 * itself, which a client chooses: the JDK's certificate keeps its DER encoding and, parsed, its
 * extensions (copies of their bytes) and names, measured at about three to four times the DER
 * length. An entry is weighed as {@value #CERTIFICATE_FACTOR} times the DER length plus {@value
 * #CERTIFICATE_FIXED} bytes, plus its facts ({@link CertificateFacts#retainedBytes()}). A
 * certificate whose facts could not be read is not cached.
 */
public final class CertificateInspector {
  /** Default byte budget of the cache: 8 MiB. */
  public static final long DEFAULT_MAX_BYTES = 8L * 1024 * 1024;

  static final int CERTIFICATE_FACTOR = 4;
  static final int CERTIFICATE_FIXED = 2048;

  private final BoundedCache<X509Certificate, CertificateFacts> cache;

  private CertificateInspector(int maxEntries, long maxBytes) {
    this.cache = BoundedCache.create(maxEntries, maxBytes, CertificateInspector::weigh);
  }

  /**
   * An inspector that caches the facts of at most {@code maxEntries} certificates, within {@link
   * #DEFAULT_MAX_BYTES}.
   *
   * @throws IllegalArgumentException when {@code maxEntries} is below 1
   */
  public static CertificateInspector create(int maxEntries) {
    return new CertificateInspector(maxEntries, DEFAULT_MAX_BYTES);
  }

  /**
   * An inspector that caches the facts of at most {@code maxEntries} certificates retaining at most
   * {@code maxBytes} together (estimated, see the class comment).
   *
   * @throws IllegalArgumentException when {@code maxEntries} or {@code maxBytes} is below 1
   */
  public static CertificateInspector create(int maxEntries, long maxBytes) {
    return new CertificateInspector(maxEntries, maxBytes);
  }

  /** What a cached certificate and its facts retain, estimated. */
  static long weigh(X509Certificate certificate, CertificateFacts facts) {
    return certificateBytes(certificate) + facts.retainedBytes();
  }

  /** What a parsed certificate object retains, estimated from its DER length. */
  static long certificateBytes(X509Certificate certificate) {
    long der;
    try {
      der = certificate.getEncoded().length;
    } catch (CertificateEncodingException | RuntimeException e) {
      return Long.MAX_VALUE / 4; // unknown: too heavy to keep
    }
    return CERTIFICATE_FACTOR * der + CERTIFICATE_FIXED;
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
      CertificateFacts facts = CertificateFacts.of(certificate);
      // A certificate that could not be read is not kept: a client would choose what fills the cache.
      return facts.problem() == null ? cache.putIfAbsent(certificate, facts) : facts;
    } catch (RuntimeException e) {
      // Only a certificate implementation whose equals or hashCode throws gets here.
      return CertificateFacts.of(certificate);
    }
  }

  int size() {
    return cache.size();
  }

  long weightedSize() {
    return cache.weightedSize();
  }

  @Override
  public String toString() {
    return "CertificateInspector{size="
        + cache.size()
        + ", max="
        + cache.maxEntries()
        + ", bytes="
        + cache.weightedSize()
        + ", maxBytes="
        + cache.maxBytes()
        + "}";
  }
}
