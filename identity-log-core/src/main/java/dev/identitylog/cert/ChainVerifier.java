package dev.identitylog.cert;

import dev.identitylog.internal.BoundedCache;

import dev.identitylog.outcome.Reason;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Verifies a client's certificate chain against configured trust anchors with the JDK's PKIX
 * validator (revocation checking off). For a server that accepts any client certificate during
 * the handshake (TLS "want" or "optional without CA" mode) and decides trust itself, so that an
 * untrusted certificate becomes a logged reason instead of a failed handshake. Thread-safe; {@link
 * #verify} never throws.
 *
 * <p>Validity dates are checked first, on every call, so an expired or not yet valid certificate
 * gets that precise reason rather than the generic one, and a cached result can never outlive a
 * certificate's expiry. The rest of the PKIX result is cached for a short time (default one
 * minute, bounded), keyed by the leaf certificate (its DER encoding, which is what its SHA-256
 * names) and the rest of the chain as presented.
 */
public final class ChainVerifier {
  /** Chains longer than this are refused without validation. */
  static final int MAX_CHAIN_LENGTH = 16;

  /** Default byte budget of the result cache: 4 MiB. */
  public static final long DEFAULT_MAX_CACHE_BYTES = 4L * 1024 * 1024;

  private static final String EKU_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String EKU_ANY = "2.5.29.37.0";

  private final Set<TrustAnchor> anchors;
  private final Set<X509Certificate> anchorCertificates;
  private final boolean requireClientAuth;
  private final BoundedCache<ChainKey, Verdict> cache; // null when caching is off

  private ChainVerifier(Builder builder) {
    this.anchors = builder.anchors;
    this.anchorCertificates = builder.anchorCertificates;
    this.requireClientAuth = builder.requireClientAuth;
    long ttl = builder.cacheTtl.toNanos();
    this.cache =
        ttl == 0
            ? null
            : BoundedCache.expiring(
                builder.maxCacheEntries,
                builder.maxCacheBytes,
                // The key holds the leaf certificate; the rest of the chain only as a hash.
                (key, verdict) -> CertificateInspector.certificateBytes(key.leaf) + 64,
                ttl,
                builder.nanoClock);
  }

  /**
   * A verifier that trusts chains ending at one of these CA certificates, with the default cache.
   *
   * @throws IllegalArgumentException when there is no trust anchor or one is {@code null}
   */
  public static ChainVerifier create(Collection<X509Certificate> trustAnchors) {
    return builder(trustAnchors).build();
  }

  /**
   * A builder for a verifier that trusts chains ending at one of these CA certificates.
   *
   * @throws IllegalArgumentException when there is no trust anchor or one is {@code null}
   */
  public static Builder builder(Collection<X509Certificate> trustAnchors) {
    return new Builder(trustAnchors);
  }

  /**
   * Whether the chain is trusted at {@code now}.
   *
   * @param chain the presented chain, leaf first, as a servlet container or {@code SSLSession}
   *     gives it; it may end with the trust anchor itself
   * @param now the time to validate at; {@code null} means the current time
   * @return {@code null} when trusted; {@link Reason#CERT_MISSING} for an empty chain; {@link
   *     Reason#CERT_NOT_YET_VALID} or {@link Reason#CERT_EXPIRED} when a certificate of the chain
   *     (leaf first) is outside its validity; {@link Reason#CERT_UNTRUSTED} for any other failure
   */
  public Reason verify(List<X509Certificate> chain, Instant now) {
    try {
      return doVerify(chain, now == null ? Instant.now() : now);
    } catch (RuntimeException | StackOverflowError e) {
      return Reason.CERT_UNTRUSTED;
    }
  }

  private Reason doVerify(List<X509Certificate> chain, Instant now) {
    if (chain == null || chain.isEmpty() || chain.get(0) == null) {
      return Reason.CERT_MISSING;
    }
    int size = chain.size();
    if (size > MAX_CHAIN_LENGTH) {
      return Reason.CERT_UNTRUSTED;
    }
    // The path to validate ends before the first certificate that is itself a trust anchor.
    int pathLength = size;
    for (int i = 0; i < size; i++) {
      X509Certificate cert = chain.get(i);
      if (cert == null) {
        return Reason.CERT_UNTRUSTED;
      }
      if (anchorCertificates.contains(cert)) {
        pathLength = i;
        break;
      }
    }
    int checked = Math.max(pathLength, 1); // a leaf that is itself an anchor is still dated
    for (int i = 0; i < checked; i++) {
      Reason dated = validity(chain.get(i), now);
      if (dated != null) {
        return dated;
      }
    }
    X509Certificate leaf = chain.get(0);
    if (requireClientAuth && !allowsClientAuth(leaf)) {
      return Reason.CERT_UNTRUSTED;
    }
    if (pathLength == 0) {
      return null; // the leaf is a configured anchor
    }
    ChainKey key = cache == null ? null : ChainKey.of(chain, pathLength);
    if (key != null) {
      Verdict cached = cache.get(key);
      if (cached != null) {
        return cached.reason;
      }
    }
    Verdict verdict = validate(chain.subList(0, pathLength), now);
    if (key != null && verdict.cacheable) {
      cache.putIfAbsent(key, verdict);
    }
    return verdict.reason;
  }

  private Verdict validate(List<X509Certificate> path, Instant now) {
    try {
      CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      params.setDate(Date.from(now));
      CertPathValidator.getInstance("PKIX").validate(certPath, params);
      return Verdict.VALID;
    } catch (CertPathValidatorException e) {
      CertPathValidatorException.Reason reason = e.getReason();
      if (reason == CertPathValidatorException.BasicReason.EXPIRED) {
        return Verdict.EXPIRED;
      }
      if (reason == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
        return Verdict.NOT_YET_VALID;
      }
      if (reason == CertPathValidatorException.BasicReason.REVOKED) {
        return Verdict.REVOKED;
      }
      return Verdict.UNTRUSTED;
    } catch (GeneralSecurityException | RuntimeException e) {
      return Verdict.UNTRUSTED;
    }
  }

  int cacheSize() {
    return cache == null ? 0 : cache.size();
  }

  private static Reason validity(X509Certificate cert, Instant now) {
    if (now.isBefore(cert.getNotBefore().toInstant())) {
      return Reason.CERT_NOT_YET_VALID;
    }
    if (now.isAfter(cert.getNotAfter().toInstant())) {
      return Reason.CERT_EXPIRED;
    }
    return null;
  }

  private static boolean allowsClientAuth(X509Certificate leaf) {
    try {
      List<String> usages = leaf.getExtendedKeyUsage();
      return usages == null || usages.contains(EKU_CLIENT_AUTH) || usages.contains(EKU_ANY);
    } catch (CertificateParsingException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "ChainVerifier{anchors=" + anchors.size() + ", requireClientAuth=" + requireClientAuth
        + "}";
  }

  /** Configures a {@link ChainVerifier}. */
  public static final class Builder {
    private final Set<TrustAnchor> anchors;
    private final Set<X509Certificate> anchorCertificates;
    private boolean requireClientAuth;
    private Duration cacheTtl = Duration.ofMinutes(1);
    private int maxCacheEntries = 1024;
    private long maxCacheBytes = DEFAULT_MAX_CACHE_BYTES;
    private LongSupplier nanoClock = System::nanoTime;

    private Builder(Collection<X509Certificate> trustAnchors) {
      if (trustAnchors == null || trustAnchors.isEmpty()) {
        throw new IllegalArgumentException("at least one trust anchor is needed");
      }
      Set<TrustAnchor> set = new LinkedHashSet<>();
      Set<X509Certificate> certs = new HashSet<>();
      for (X509Certificate cert : trustAnchors) {
        if (cert == null) {
          throw new IllegalArgumentException("a trust anchor is null");
        }
        if (certs.add(cert)) {
          set.add(new TrustAnchor(cert, null));
        }
      }
      this.anchors = Set.copyOf(set);
      this.anchorCertificates = Set.copyOf(certs);
    }

    /**
     * Also require that the leaf may be used for TLS client authentication: when it has an
     * extended key usage extension, that lists {@code clientAuth} or {@code anyExtendedKeyUsage},
     * as the JDK's own trust manager requires of client certificates. Off by default.
     */
    public Builder requireClientAuth(boolean require) {
      this.requireClientAuth = require;
      return this;
    }

    /**
     * How long a chain's trust result is reused; {@link Duration#ZERO} turns caching off. Validity
     * dates are checked on every call regardless. Default one minute.
     */
    public Builder cacheTtl(Duration ttl) {
      if (ttl == null || ttl.isNegative()) {
        throw new IllegalArgumentException("cacheTtl must be zero or positive: " + ttl);
      }
      this.cacheTtl = ttl;
      return this;
    }

    /** How many chain results are cached at most. Default 1024. */
    public Builder maxCacheEntries(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxCacheEntries must be at least 1: " + max);
      }
      this.maxCacheEntries = max;
      return this;
    }

    /**
     * How many bytes the cached results may retain together, each weighed as its leaf certificate
     * (estimated as {@link CertificateInspector} does). Default 4 MiB.
     */
    public Builder maxCacheBytes(long max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxCacheBytes must be at least 1: " + max);
      }
      this.maxCacheBytes = max;
      return this;
    }

    /** The clock the cache measures its time-to-live with; for tests. */
    Builder nanoClock(LongSupplier clock) {
      this.nanoClock = clock;
      return this;
    }

    public ChainVerifier build() {
      return new ChainVerifier(this);
    }
  }

  /** The result of PKIX validation, and whether it may be reused. */
  private enum Verdict {
    VALID(null, true),
    UNTRUSTED(Reason.CERT_UNTRUSTED, true),
    // Dates are checked before validation on each call; should PKIX still disagree about them,
    // the answer depends on the time and is not reused.
    EXPIRED(Reason.CERT_EXPIRED, false),
    NOT_YET_VALID(Reason.CERT_NOT_YET_VALID, false),
    REVOKED(Reason.CERT_REVOKED, false);

    final Reason reason;
    final boolean cacheable;

    Verdict(Reason reason, boolean cacheable) {
      this.reason = reason;
      this.cacheable = cacheable;
    }
  }

  /**
   * The leaf and a digest of the certificates presented after it. Two chains whose rest merely
   * collides in this digest share a result; that is sound for a valid result, because whether a
   * leaf chains to an anchor rests on the leaf's own signature and the anchors, not on the extra
   * certificates sent with it (and each certificate sent is still dated on every call).
   */
  private static final class ChainKey {
    private final X509Certificate leaf;
    private final int restHash;
    private final int length;

    private ChainKey(X509Certificate leaf, int restHash, int length) {
      this.leaf = leaf;
      this.restHash = restHash;
      this.length = length;
    }

    static ChainKey of(List<X509Certificate> chain, int length) {
      // Certificate.hashCode hashes the DER and is cached per object, so this is cheap on repeats.
      int h = 1;
      for (int i = 1; i < length; i++) {
        h = 31 * h + chain.get(i).hashCode();
      }
      return new ChainKey(chain.get(0), h, length);
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof ChainKey)) {
        return false;
      }
      ChainKey that = (ChainKey) o;
      return restHash == that.restHash && length == that.length && leaf.equals(that.leaf);
    }

    @Override
    public int hashCode() {
      return 31 * leaf.hashCode() + restHash;
    }
  }
}
