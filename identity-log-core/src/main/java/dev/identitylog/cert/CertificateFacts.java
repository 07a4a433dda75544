package dev.identitylog.cert;

import dev.identitylog.event.Field;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.PreparedFields;
import dev.identitylog.internal.Weights;
import dev.identitylog.outcome.Reason;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.EdECKey;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;

/**
 * What the standard logs about one certificate ({@code tls.client.*} and {@code
 * identity.workload.id}), read once into an immutable value so that logging never touches the
 * certificate again. {@link #of(X509Certificate)} never throws: whatever cannot be read is left
 * {@code null} and {@link #problem()} says why.
 *
 * <p>Reading costs a SHA-256 over the DER and a parse of the SAN extension; on a request path use
 * {@link CertificateInspector}, which caches these facts per certificate.
 */
public final class CertificateFacts {
  private static final int SAN_EMAIL = 1;
  private static final int SAN_DNS = 2;
  private static final int SAN_URI = 6;
  private static final int SAN_IP = 7;

  private static final CertificateFacts MISSING =
      new CertificateFacts(
          null, null, null, null, null, null, List.of(), null, null, Reason.CERT_MISSING);

  private final String subject;
  private final String issuer;
  private final String sha256;
  private final Instant notBefore;
  private final Instant notAfter;
  private final String serialNumber;
  private final List<String> alternativeNames;
  private final String spiffeId;
  private final String publicKeyAlgorithm;
  private final Reason problem;

  /**
   * The fields {@link #applyClient} and {@link #applyServer} set, cleaned once under the default
   * limits, so that a request with a cached certificate copies them instead of cleaning each
   * again; {@code null} when setting them one by one would also remove a field (a value that
   * cleans to nothing), which a copy cannot do.
   */
  private final PreparedFields client;

  private final PreparedFields server;

  private CertificateFacts(
      String subject,
      String issuer,
      String sha256,
      Instant notBefore,
      Instant notAfter,
      String serialNumber,
      List<String> alternativeNames,
      String spiffeId,
      String publicKeyAlgorithm,
      Reason problem) {
    this.subject = subject;
    this.issuer = issuer;
    this.sha256 = sha256;
    this.notBefore = notBefore;
    this.notAfter = notAfter;
    this.serialNumber = serialNumber;
    this.alternativeNames = alternativeNames;
    this.spiffeId = spiffeId;
    this.publicKeyAlgorithm = publicKeyAlgorithm;
    this.problem = problem;
    this.client = PreparedFields.of(this::putClient);
    this.server = PreparedFields.of(this::putServer);
  }

  /**
   * Reads the facts of a certificate. Never throws: a part that cannot be read (a broken
   * extension, an encoding error, a misbehaving certificate implementation) is left {@code null}
   * and {@link #problem()} is {@link Reason#CREDENTIAL_MALFORMED}; for a {@code null} certificate
   * every fact is absent and the problem is {@link Reason#CERT_MISSING}.
   */
  public static CertificateFacts of(X509Certificate certificate) {
    if (certificate == null) {
      return MISSING;
    }
    boolean malformed = false;

    String subject = null;
    try {
      subject = name(certificate.getSubjectX500Principal());
    } catch (RuntimeException e) {
      malformed = true;
    }
    String issuer = null;
    try {
      issuer = name(certificate.getIssuerX500Principal());
    } catch (RuntimeException e) {
      malformed = true;
    }
    String sha256 = null;
    try {
      sha256 = sha256(certificate.getEncoded());
    } catch (CertificateException | RuntimeException e) {
      malformed = true;
    }
    Instant notBefore = null;
    Instant notAfter = null;
    try {
      notBefore = certificate.getNotBefore().toInstant();
      notAfter = certificate.getNotAfter().toInstant();
    } catch (RuntimeException e) {
      malformed = true;
    }
    String serial = null;
    try {
      serial = serial(certificate.getSerialNumber());
    } catch (RuntimeException e) {
      malformed = true;
    }
    List<String> names = List.of();
    String spiffeId = null;
    try {
      SubjectAltNames sans = sans(certificate);
      if (sans != null) {
        names = sans.names.isEmpty() ? List.of() : Collections.unmodifiableList(sans.names);
        spiffeId = SpiffeId.fromAlternativeNames(sans.uris);
      }
    } catch (CertificateException | RuntimeException e) {
      malformed = true;
    }
    String keyAlgorithm = null;
    try {
      keyAlgorithm = keyAlgorithm(certificate.getPublicKey());
    } catch (RuntimeException e) {
      malformed = true;
    }
    return new CertificateFacts(
        subject,
        issuer,
        sha256,
        notBefore,
        notAfter,
        serial,
        names,
        spiffeId,
        keyAlgorithm,
        malformed ? Reason.CREDENTIAL_MALFORMED : null);
  }

  /**
   * The subject as an RFC 2253 distinguished name (UTF-8 values kept as characters, multi-valued
   * RDNs joined with {@code +}); {@code null} when the subject is empty, as it often is in SPIFFE
   * SVIDs, or could not be read.
   */
  public String subject() {
    return subject;
  }

  /** The issuer as an RFC 2253 distinguished name; {@code null} when empty or unreadable. */
  public String issuer() {
    return issuer;
  }

  /** SHA-256 of the DER encoding, 64 uppercase hex digits; {@code null} when unreadable. */
  public String sha256() {
    return sha256;
  }

  /** Start of validity; {@code null} when unreadable. */
  public Instant notBefore() {
    return notBefore;
  }

  /** End of validity; {@code null} when unreadable. */
  public Instant notAfter() {
    return notAfter;
  }

  /**
   * The serial number in uppercase hex without leading zeros ({@code "0"} for zero); a negative
   * serial, which RFC 5280 forbids but some CAs issued, keeps its sign ({@code "-1F"}), as OpenSSL
   * prints it. {@code null} when unreadable.
   */
  public String serialNumber() {
    return serialNumber;
  }

  /**
   * The URI, DNS, IP address and email subject alternative names in certificate order; other SAN
   * types are skipped. Empty when there are none. Unmodifiable.
   */
  public List<String> alternativeNames() {
    return alternativeNames;
  }

  /**
   * The SPIFFE ID: the certificate's single {@code spiffe://} URI SAN when it is a valid SPIFFE ID,
   * else {@code null}.
   */
  public String spiffeId() {
    return spiffeId;
  }

  /**
   * The public key's algorithm as the JDK names it ({@code RSA}, {@code EC}), with EdDSA keys
   * named by their curve ({@code Ed25519}, {@code Ed448}); {@code null} when unreadable.
   */
  public String publicKeyAlgorithm() {
    return publicKeyAlgorithm;
  }

  /**
   * {@code null} when every fact could be read; {@link Reason#CREDENTIAL_MALFORMED} when some could
   * not (those are {@code null}); {@link Reason#CERT_MISSING} for facts of no certificate.
   */
  public Reason problem() {
    return problem;
  }

  /**
   * Whether the certificate is valid at {@code now}: {@link Reason#CERT_NOT_YET_VALID} before its
   * start, {@link Reason#CERT_EXPIRED} after its end (both ends are inclusive, as in RFC 5280),
   * else {@code null}, also when the validity could not be read.
   */
  public Reason validityProblem(Instant now) {
    if (now == null) {
      return null;
    }
    if (notBefore != null && now.isBefore(notBefore)) {
      return Reason.CERT_NOT_YET_VALID;
    }
    if (notAfter != null && now.isAfter(notAfter)) {
      return Reason.CERT_EXPIRED;
    }
    return null;
  }

  /**
   * Sets the {@code tls.client.*} fields and, when there is a SPIFFE ID, {@code
   * identity.workload.id}. Facts that are absent leave the builder's fields as they are.
   */
  public IdentityEvent.Builder applyClient(IdentityEvent.Builder event) {
    if (!PreparedFields.copyInto(client, event)) {
      putClient(event);
    }
    return event;
  }

  /**
   * Sets the {@code tls.server.*} fields of a client event (the called server's certificate).
   * Facts that are absent leave the builder's fields as they are.
   */
  public IdentityEvent.Builder applyServer(IdentityEvent.Builder event) {
    if (!PreparedFields.copyInto(server, event)) {
      putServer(event);
    }
    return event;
  }

  /** Sets the client fields one by one; returns how many values were given. */
  private int putClient(IdentityEvent.Builder event) {
    return setIfPresent(event, Fields.TLS_CLIENT_SUBJECT, subject)
        + setIfPresent(event, Fields.TLS_CLIENT_ISSUER, issuer)
        + setIfPresent(event, Fields.TLS_CLIENT_HASH_SHA256, sha256)
        + setIfPresent(event, Fields.TLS_CLIENT_NOT_BEFORE, notBefore)
        + setIfPresent(event, Fields.TLS_CLIENT_NOT_AFTER, notAfter)
        + setIfPresent(event, Fields.TLS_CLIENT_SERIAL_NUMBER, serialNumber)
        + setIfPresent(
            event,
            Fields.TLS_CLIENT_ALTERNATIVE_NAMES,
            alternativeNames.isEmpty() ? null : alternativeNames)
        + setIfPresent(event, Fields.WORKLOAD_ID, spiffeId);
  }

  private int putServer(IdentityEvent.Builder event) {
    return setIfPresent(event, Fields.TLS_SERVER_SUBJECT, subject)
        + setIfPresent(event, Fields.TLS_SERVER_HASH_SHA256, sha256)
        + setIfPresent(event, Fields.TLS_SERVER_NOT_AFTER, notAfter);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof CertificateFacts)) {
      return false;
    }
    CertificateFacts that = (CertificateFacts) o;
    return Objects.equals(sha256, that.sha256)
        && Objects.equals(subject, that.subject)
        && Objects.equals(issuer, that.issuer)
        && Objects.equals(notBefore, that.notBefore)
        && Objects.equals(notAfter, that.notAfter)
        && Objects.equals(serialNumber, that.serialNumber)
        && alternativeNames.equals(that.alternativeNames)
        && Objects.equals(spiffeId, that.spiffeId)
        && Objects.equals(publicKeyAlgorithm, that.publicKeyAlgorithm)
        && problem == that.problem;
  }

  @Override
  public int hashCode() {
    return Objects.hash(sha256, subject, serialNumber, problem);
  }

  /**
   * An estimate of the heap these facts retain, in bytes, for the byte budgets of the caches that
   * keep them: the object (a header and twelve references) and every string, list and time it holds.
   * Strings shared with other objects are counted as if they were not, so this errs high.
   */
  public long retainedBytes() {
    return 64
        + Weights.of(subject)
        + Weights.of(issuer)
        + Weights.of(sha256)
        + (notBefore == null ? 0 : Weights.INSTANT)
        + (notAfter == null ? 0 : Weights.INSTANT)
        + Weights.of(serialNumber)
        + Weights.of(alternativeNames)
        + Weights.of(spiffeId)
        + Weights.of(publicKeyAlgorithm)
        + (client == null
            ? 0
            : Weights.of(client, subject, issuer, sha256, serialNumber, alternativeNames, spiffeId))
        + (server == null ? 0 : Weights.of(server, subject, sha256));
  }

  @Override
  public String toString() {
    return "CertificateFacts{subject="
        + subject
        + ", issuer="
        + issuer
        + ", sha256="
        + sha256
        + ", serial="
        + serialNumber
        + ", notBefore="
        + notBefore
        + ", notAfter="
        + notAfter
        + ", sans="
        + alternativeNames
        + ", spiffeId="
        + spiffeId
        + ", key="
        + publicKeyAlgorithm
        + (problem == null ? "" : ", problem=" + problem.code())
        + "}";
  }

  private static <T> int setIfPresent(IdentityEvent.Builder event, Field<T> field, T value) {
    if (value == null) {
      return 0;
    }
    event.set(field, value);
    return 1;
  }

  private static String name(X500Principal principal) {
    if (principal == null) {
      return null;
    }
    String name = principal.getName(X500Principal.RFC2253);
    return name.isEmpty() ? null : name;
  }

  static String sha256(byte[] der) {
    if (der == null) {
      return null;
    }
    try {
      return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-256.
      throw new IllegalStateException(e);
    }
  }

  static String serial(BigInteger serial) {
    return serial == null ? null : serial.toString(16).toUpperCase(Locale.ROOT);
  }

  /** The SANs, or {@code null} when the certificate has no SAN extension. */
  private static SubjectAltNames sans(X509Certificate certificate)
      throws CertificateParsingException {
    Collection<List<?>> jdk = certificate.getSubjectAlternativeNames();
    if (jdk == null) {
      byte[] raw = certificate.getExtensionValue(SubjectAltNames.OID);
      // Present but dropped by the JDK: read it here (see SubjectAltNames).
      return raw == null ? null : SubjectAltNames.parse(raw);
    }
    SubjectAltNames out = SubjectAltNames.empty();
    for (List<?> san : jdk) {
      if (san == null || san.size() < 2 || !(san.get(0) instanceof Integer)) {
        continue;
      }
      int type = (Integer) san.get(0);
      Object value = san.get(1);
      if (value instanceof String
          && (type == SAN_EMAIL || type == SAN_DNS || type == SAN_URI || type == SAN_IP)) {
        out.add((String) value, type == SAN_URI);
      }
    }
    return out;
  }

  private static String keyAlgorithm(PublicKey key) {
    if (key == null) {
      return null;
    }
    if (key instanceof EdECKey) {
      // The JDK names both curves "EdDSA"; which one is what a reader wants to know.
      return ((EdECKey) key).getParams().getName();
    }
    return key.getAlgorithm();
  }
}
