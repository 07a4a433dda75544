package dev.identitylog.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority for tests: a root CA (optionally intermediates) that issues
 * leaf certificates with chosen keys, subjects, SANs, validity, serials and key usages, and hands
 * each out as a {@link Credential} ready for TLS (PEM, PKCS#12 key and trust stores, key and trust
 * managers, SSL contexts).
 *
 * <pre>{@code
 * TestPki pki = TestPki.create("Test Root");
 * Credential alice = pki.issue(TestPki.leaf("CN=alice").ec256().clientAuth().dns("alice.test"));
 * Credential server = pki.issue(TestPki.server("localhost"));
 * Credential workload = pki.issue(TestPki.spiffeSvid("spiffe://example.org/ns/a/sa/b"));
 * }</pre>
 *
 * <p>Distinguished names are written as the JDK reads them ({@link X500Principal}, RFC 2253 with
 * the leftmost RDN most specific), so {@code CN=Zoë+UID=42,O=Ünïcode} comes back from {@code
 * getName(RFC2253)} as written.
 *
 * <p>Speed: every CA gets a fresh key (so two CAs never trust each other by accident, even with
 * the same name), while leaf keys are generated once per key type per JVM and reused, since a test
 * suite issues many leaves and RSA key generation is slow. {@link Leaf#freshKey()} asks for a key
 * of the leaf's own. Issuing itself takes about a millisecond. Thread-safe.
 */
public final class TestPki {
  /** The password of every key store and key entry this class writes. */
  public static final String PASSWORD = "changeit";

  /** The alias of the key entry in a credential's key store. */
  public static final String KEY_ALIAS = "identity";

  /** The key types a CA or a leaf can have. */
  public enum KeyType {
    RSA_2048("SHA256withRSA"),
    EC_P256("SHA256withECDSA"),
    EC_P384("SHA384withECDSA"),
    ED25519("Ed25519");

    private final String signatureAlgorithm;

    KeyType(String signatureAlgorithm) {
      this.signatureAlgorithm = signatureAlgorithm;
    }

    /** The signature algorithm a CA with this key signs with. */
    public String signatureAlgorithm() {
      return signatureAlgorithm;
    }

    KeyPair generate() {
      try {
        KeyPairGenerator gen;
        switch (this) {
          case RSA_2048:
            gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048, RANDOM);
            break;
          case EC_P256:
            gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            break;
          case EC_P384:
            gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp384r1"), RANDOM);
            break;
          case ED25519:
            gen = KeyPairGenerator.getInstance("Ed25519");
            break;
          default:
            throw new AssertionError(this);
        }
        KeyPair pair = gen.generateKeyPair();
        PlantedSecrets.privateKey(pair.getPrivate()); // for the build's secret scan
        return pair;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot generate a " + this + " key", e);
      }
    }
  }

  static final SecureRandom RANDOM = new SecureRandom();

  private static final Map<KeyType, KeyPair> SHARED_LEAF_KEYS = new EnumMap<>(KeyType.class);
  private static final AtomicLong SERIALS = new AtomicLong();

  private final KeyPair caKeys;
  private final KeyType caKeyType;
  private final X509Certificate caCertificate;
  private final X509Certificate root;
  // The CA certificates between a leaf and the root: this CA first, root excluded.
  private final List<X509Certificate> intermediates;

  private KeyStore trustStore;
  private Path trustStoreFile;
  private X509TrustManager trustManager;

  private TestPki(
      KeyPair caKeys,
      KeyType caKeyType,
      X509Certificate caCertificate,
      X509Certificate root,
      List<X509Certificate> intermediates) {
    this.caKeys = caKeys;
    this.caKeyType = caKeyType;
    this.caCertificate = caCertificate;
    this.root = root;
    this.intermediates = intermediates;
  }

  /**
   * A new root CA with an EC P-256 key, valid from a day ago for ten years.
   *
   * @param name a common name ({@code "Test Root"}) or a full DN ({@code "CN=Root,O=Test"})
   */
  public static TestPki create(String name) {
    return create(name, KeyType.EC_P256);
  }

  /** A new root CA with a key of this type. */
  public static TestPki create(String name, KeyType keyType) {
    KeyPair keys = keyType.generate();
    X500Name subject = x500(dn(name));
    Instant now = now();
    X509Certificate cert =
        sign(
            subject,
            subject,
            keys.getPublic(),
            keys.getPrivate(),
            keyType,
            nextSerial(),
            now.minus(1, ChronoUnit.DAYS),
            now.plus(3650, ChronoUnit.DAYS),
            b -> caExtensions(b, keys.getPublic(), null));
    return new TestPki(keys, keyType, cert, cert, List.of());
  }

  /** An intermediate CA (EC P-256) issued by this CA; leaves it issues carry it in their chain. */
  public TestPki intermediate(String name) {
    return intermediate(name, KeyType.EC_P256);
  }

  /** An intermediate CA with a key of this type, issued by this CA. */
  public TestPki intermediate(String name, KeyType keyType) {
    KeyPair keys = keyType.generate();
    Instant now = now();
    X509Certificate cert =
        sign(
            x500(caCertificate.getSubjectX500Principal()),
            x500(dn(name)),
            keys.getPublic(),
            caKeys.getPrivate(),
            caKeyType,
            nextSerial(),
            now.minus(1, ChronoUnit.DAYS),
            now.plus(1825, ChronoUnit.DAYS),
            b -> caExtensions(b, keys.getPublic(), caCertificate));
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(cert);
    chain.addAll(intermediates);
    return new TestPki(keys, keyType, cert, root, List.copyOf(chain));
  }

  /** Issues a certificate as the leaf spec says. */
  public Credential issue(Leaf spec) {
    KeyPair keys = spec.freshKey ? spec.keyType.generate() : sharedLeafKey(spec.keyType);
    Instant now = now();
    Instant notBefore = spec.notBefore != null ? spec.notBefore : now.plus(spec.startOffset);
    Instant notAfter = spec.notAfter != null ? spec.notAfter : now.plus(spec.endOffset);
    X509Certificate cert =
        sign(
            x500(caCertificate.getSubjectX500Principal()),
            x500(dn(spec.subject)),
            keys.getPublic(),
            caKeys.getPrivate(),
            caKeyType,
            spec.serial != null ? spec.serial : nextSerial(),
            notBefore,
            notAfter,
            b -> leafExtensions(b, spec, keys.getPublic()));
    List<X509Certificate> chain = new ArrayList<>(1 + intermediates.size());
    chain.add(cert);
    chain.addAll(intermediates);
    return new Credential(this, cert, List.copyOf(chain), keys.getPrivate(), spec.keyType);
  }

  /** A leaf with this subject DN ({@code ""} for an empty subject), EC P-256, valid for 30 days. */
  public static Leaf leaf(String subjectDn) {
    return new Leaf(subjectDn);
  }

  /**
   * A TLS server leaf for a host: {@code CN=host}, a DNS SAN (an IP SAN for an address, and for
   * {@code localhost} also {@code 127.0.0.1} and {@code ::1}), {@code serverAuth}.
   */
  public static Leaf server(String host) {
    Leaf leaf = leaf("CN=" + host).serverAuth();
    if (host.matches("[0-9.]+") || host.contains(":")) {
      return leaf.ip(host);
    }
    leaf = leaf.dns(host);
    if (host.equals("localhost")) {
      leaf = leaf.ip("127.0.0.1").ip("::1");
    }
    return leaf;
  }

  /**
   * An X.509-SVID leaf: subject {@code O=SPIFFE}, the SPIFFE ID as its only URI SAN, EC P-256,
   * {@code clientAuth} and {@code serverAuth}. The ID is not validated, so invalid ones can be
   * tested too.
   */
  public static Leaf spiffeSvid(String spiffeId) {
    return leaf("O=SPIFFE").uri(spiffeId).clientAuth().serverAuth();
  }

  /** The root CA certificate: the trust anchor of everything this PKI issues. */
  public X509Certificate rootCertificate() {
    return root;
  }

  /** The certificate of the CA that signs this PKI's leaves (the root, or an intermediate). */
  public X509Certificate caCertificate() {
    return caCertificate;
  }

  /** The key of the CA that signs this PKI's leaves, for tests that build certificates by hand. */
  public PrivateKey caPrivateKey() {
    return caKeys.getPrivate();
  }

  /** The intermediates between a leaf and the root, nearest the leaf first; empty for a root. */
  public List<X509Certificate> intermediates() {
    return intermediates;
  }

  /** The root certificate as PEM. */
  public String rootPem() {
    return pem(root);
  }

  /** A PKCS#12 trust store holding the root certificate (alias {@code root}). */
  public synchronized KeyStore trustStore() {
    if (trustStore == null) {
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("root", root);
        trustStore = ks;
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return trustStore;
  }

  /** {@link #trustStore()} written to a temporary {@code .p12} file, password {@link #PASSWORD}. */
  public synchronized Path trustStoreFile() {
    if (trustStoreFile == null) {
      trustStoreFile = write(trustStore(), "trust");
    }
    return trustStoreFile;
  }

  /** A PKIX trust manager that trusts this PKI's root. */
  public synchronized X509TrustManager trustManager() {
    if (trustManager == null) {
      try {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trustStore());
        trustManager = (X509TrustManager) tmf.getTrustManagers()[0];
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
    return trustManager;
  }

  /** An SSL context that trusts this PKI and presents no certificate (a client without one). */
  public SSLContext trustOnlySslContext() {
    return sslContext(null, trustManager());
  }

  /**
   * A trust manager that accepts every certificate, and names no CA in its requests: for a server
   * that takes any client certificate in the handshake and judges it itself, and for tests that
   * must send an untrusted, expired or otherwise bad certificate over real TLS.
   */
  public static X509TrustManager trustAllManager() {
    return TrustAll.INSTANCE;
  }

  /** SHA-256 of the certificate's DER as 64 uppercase hex digits, computed here independently. */
  public static String sha256(X509Certificate certificate) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return HexFormat.of().withUpperCase().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The certificates as PEM {@code CERTIFICATE} blocks, in order. */
  public static String pem(X509Certificate... certificates) {
    return pem(List.of(certificates));
  }

  /** The certificates as PEM {@code CERTIFICATE} blocks, in order. */
  public static String pem(List<X509Certificate> certificates) {
    StringBuilder sb = new StringBuilder();
    for (X509Certificate c : certificates) {
      try {
        sb.append(pemBlock("CERTIFICATE", c.getEncoded()));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "TestPki{" + caCertificate.getSubjectX500Principal().getName() + "}";
  }

  // ---------------------------------------------------------------------------------------------

  static String pemBlock(String label, byte[] der) {
    Base64.Encoder enc = Base64.getMimeEncoder(64, new byte[] {'\n'});
    return "-----BEGIN " + label + "-----\n" + enc.encodeToString(der) + "\n-----END " + label
        + "-----\n";
  }

  static SSLContext sslContext(Credential key, X509TrustManager trust) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(
          key == null ? null : new javax.net.ssl.KeyManager[] {key.keyManager()},
          new javax.net.ssl.TrustManager[] {trust},
          RANDOM);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path write(KeyStore ks, String prefix) {
    try {
      Path file = Files.createTempFile(TempDir.get(), prefix + "-", ".p12");
      try (OutputStream out = Files.newOutputStream(file)) {
        ks.store(out, PASSWORD.toCharArray());
      }
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair sharedLeafKey(KeyType type) {
    synchronized (SHARED_LEAF_KEYS) {
      return SHARED_LEAF_KEYS.computeIfAbsent(type, KeyType::generate);
    }
  }

  private static BigInteger nextSerial() {
    // Random high bits keep serials unique across PKIs; the counter keeps them unique within one.
    return BigInteger.valueOf(RANDOM.nextInt(1 << 30))
        .shiftLeft(32)
        .add(BigInteger.valueOf(SERIALS.incrementAndGet()));
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }

  private static String dn(String name) {
    if (name == null) {
      throw new IllegalArgumentException("name is null");
    }
    return name.isEmpty() || name.contains("=") ? name : "CN=" + name;
  }

  private static X500Name x500(String dn) {
    return x500(new X500Principal(dn));
  }

  // Through the JDK's own encoding, so the DN means exactly what X500Principal reads back.
  private static X500Name x500(X500Principal principal) {
    return X500Name.getInstance(principal.getEncoded());
  }

  private interface Extensions {
    void add(X509v3CertificateBuilder builder) throws Exception;
  }

  private static void caExtensions(
      X509v3CertificateBuilder b, PublicKey key, X509Certificate issuer) throws Exception {
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(
        Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(key));
    if (issuer != null) {
      b.addExtension(
          Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuer));
    }
  }

  private void leafExtensions(X509v3CertificateBuilder b, Leaf spec, PublicKey key)
      throws Exception {
    standardLeafExtensions(b, spec, key);
    for (RawExtension raw : spec.rawExtensions) {
      if (b.hasExtension(raw.oid)) {
        b.removeExtension(raw.oid);
      }
      b.addExtension(new Extension(raw.oid, raw.critical, raw.value));
    }
  }

  private void standardLeafExtensions(X509v3CertificateBuilder b, Leaf spec, PublicKey key)
      throws Exception {
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    int usage = KeyUsage.digitalSignature;
    if (spec.keyType == KeyType.RSA_2048) {
      usage |= KeyUsage.keyEncipherment;
    }
    b.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
    List<KeyPurposeId> purposes = new ArrayList<>(2);
    if (spec.serverAuth) {
      purposes.add(KeyPurposeId.id_kp_serverAuth);
    }
    if (spec.clientAuth) {
      purposes.add(KeyPurposeId.id_kp_clientAuth);
    }
    if (!purposes.isEmpty()) {
      b.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(purposes.toArray(new KeyPurposeId[0])));
    }
    if (!spec.sans.isEmpty()) {
      // RFC 5280: the SAN extension is critical when the subject is empty.
      b.addExtension(
          Extension.subjectAlternativeName,
          spec.subject.isEmpty(),
          new GeneralNames(spec.sans.toArray(new GeneralName[0])));
    }
    b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(key));
    b.addExtension(
        Extension.authorityKeyIdentifier,
        false,
        utils.createAuthorityKeyIdentifier(caCertificate));
  }

  private static X509Certificate sign(
      X500Name issuer,
      X500Name subject,
      PublicKey subjectKey,
      PrivateKey signingKey,
      KeyType signingKeyType,
      BigInteger serial,
      Instant notBefore,
      Instant notAfter,
      Extensions extensions) {
    try {
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              issuer,
              serial,
              java.util.Date.from(notBefore),
              java.util.Date.from(notAfter),
              subject,
              subjectKey);
      extensions.add(b);
      ContentSigner signer =
          new JcaContentSignerBuilder(signingKeyType.signatureAlgorithm()).build(signingKey);
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot issue a certificate for " + subject, e);
    }
  }

  /**
   * What to issue: a fluent, immutable description of a leaf certificate. Every method returns a
   * new spec, so a base spec can be shared between tests.
   */
  public static final class Leaf {
    private String subject;
    private KeyType keyType = KeyType.EC_P256;
    private boolean freshKey;
    private boolean clientAuth;
    private boolean serverAuth;
    private List<GeneralName> sans = List.of();
    private Duration startOffset = Duration.ofHours(-1);
    private Duration endOffset = Duration.ofDays(30);
    private Instant notBefore;
    private Instant notAfter;
    private BigInteger serial;
    private List<RawExtension> rawExtensions = List.of();

    private Leaf(String subject) {
      if (subject == null) {
        throw new IllegalArgumentException("subject is null");
      }
      new X500Principal(subject); // fail here, at the line that wrote the bad DN
      this.subject = subject;
    }

    private Leaf copy() {
      Leaf l = new Leaf(subject);
      l.keyType = keyType;
      l.freshKey = freshKey;
      l.clientAuth = clientAuth;
      l.serverAuth = serverAuth;
      l.sans = sans;
      l.startOffset = startOffset;
      l.endOffset = endOffset;
      l.notBefore = notBefore;
      l.notAfter = notAfter;
      l.serial = serial;
      l.rawExtensions = rawExtensions;
      return l;
    }

    /** Another subject DN ({@code ""} for none). */
    public Leaf subject(String dn) {
      Leaf l = copy();
      l.subject = new Leaf(dn).subject;
      return l;
    }

    public Leaf key(KeyType type) {
      Leaf l = copy();
      l.keyType = type;
      return l;
    }

    public Leaf rsa2048() {
      return key(KeyType.RSA_2048);
    }

    public Leaf ec256() {
      return key(KeyType.EC_P256);
    }

    public Leaf ec384() {
      return key(KeyType.EC_P384);
    }

    public Leaf ed25519() {
      return key(KeyType.ED25519);
    }

    /** A key of this leaf's own instead of the one shared by all leaves of its key type. */
    public Leaf freshKey() {
      Leaf l = copy();
      l.freshKey = true;
      return l;
    }

    /** Adds the {@code clientAuth} extended key usage. */
    public Leaf clientAuth() {
      Leaf l = copy();
      l.clientAuth = true;
      return l;
    }

    /** Adds the {@code serverAuth} extended key usage. */
    public Leaf serverAuth() {
      Leaf l = copy();
      l.serverAuth = true;
      return l;
    }

    /** Appends a URI SAN. */
    public Leaf uri(String uri) {
      return san(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
    }

    /** Appends a DNS SAN. */
    public Leaf dns(String name) {
      return san(new GeneralName(GeneralName.dNSName, name));
    }

    /** Appends an IP address SAN (IPv4 or IPv6 literal). */
    public Leaf ip(String address) {
      return san(new GeneralName(GeneralName.iPAddress, address));
    }

    /** Appends an email (rfc822Name) SAN. */
    public Leaf email(String address) {
      return san(new GeneralName(GeneralName.rfc822Name, address));
    }

    /**
     * Appends SANs written as OpenSSL does: {@code URI:spiffe://x/y}, {@code DNS:a.test}, {@code
     * IP:127.0.0.1}, {@code email:a@b.test}, in the given order.
     */
    public Leaf sans(String... typed) {
      Leaf l = this;
      for (String s : typed) {
        int colon = s.indexOf(':');
        String type = colon < 0 ? "" : s.substring(0, colon).toUpperCase(Locale.ROOT);
        String value = colon < 0 ? s : s.substring(colon + 1);
        switch (type) {
          case "URI":
            l = l.uri(value);
            break;
          case "DNS":
            l = l.dns(value);
            break;
          case "IP":
            l = l.ip(value);
            break;
          case "EMAIL":
            l = l.email(value);
            break;
          default:
            throw new IllegalArgumentException(
                "a SAN is written TYPE:value with TYPE one of URI, DNS, IP, email: " + s);
        }
      }
      return l;
    }

    /** Valid from an hour ago (clock skew) until {@code duration} from the time of issue. */
    public Leaf validFor(Duration duration) {
      Leaf l = copy();
      l.notBefore = null;
      l.notAfter = null;
      l.startOffset = Duration.ofHours(-1);
      l.endOffset = duration;
      return l;
    }

    /** Valid exactly from {@code notBefore} to {@code notAfter} (X.509 keeps whole seconds). */
    public Leaf validity(Instant notBefore, Instant notAfter) {
      Leaf l = copy();
      l.notBefore = notBefore.truncatedTo(ChronoUnit.SECONDS);
      l.notAfter = notAfter.truncatedTo(ChronoUnit.SECONDS);
      return l;
    }

    /** Valid from two days to one day before the time of issue. */
    public Leaf expired() {
      return relative(Duration.ofDays(-2), Duration.ofDays(-1));
    }

    /** Valid from one day to two days after the time of issue. */
    public Leaf notYetValid() {
      return relative(Duration.ofDays(1), Duration.ofDays(2));
    }

    /** This serial number instead of a fresh unique one (zero and negative ones are allowed). */
    public Leaf serial(BigInteger serial) {
      Leaf l = copy();
      l.serial = serial;
      l.rawExtensions = rawExtensions;
      return l;
    }

    public Leaf serial(long serial) {
      return serial(BigInteger.valueOf(serial));
    }

    /**
     * Adds an extension with exactly these value bytes (the DER inside extnValue, which need not be
     * well-formed), replacing one the spec would add for the same OID: for tests of broken or
     * unusual certificates.
     */
    public Leaf rawExtension(String oid, boolean critical, byte[] value) {
      Leaf l = copy();
      List<RawExtension> list = new ArrayList<>(rawExtensions);
      list.add(new RawExtension(new ASN1ObjectIdentifier(oid), critical, value.clone()));
      l.rawExtensions = Collections.unmodifiableList(list);
      return l;
    }

    public KeyType keyType() {
      return keyType;
    }

    private Leaf relative(Duration start, Duration end) {
      Leaf l = copy();
      l.notBefore = null;
      l.notAfter = null;
      l.startOffset = start;
      l.endOffset = end;
      return l;
    }

    private Leaf san(GeneralName name) {
      Leaf l = copy();
      List<GeneralName> list = new ArrayList<>(sans);
      list.add(name);
      l.sans = Collections.unmodifiableList(list);
      return l;
    }

    @Override
    public String toString() {
      return "Leaf{" + subject + ", " + keyType + "}";
    }
  }

  private static final class RawExtension {
    final ASN1ObjectIdentifier oid;
    final boolean critical;
    final byte[] value;

    RawExtension(ASN1ObjectIdentifier oid, boolean critical, byte[] value) {
      this.oid = oid;
      this.critical = critical;
      this.value = value;
    }
  }

  /** Accepts everything: see {@link #trustAllManager()}. */
  private static final class TrustAll extends X509ExtendedTrustManager {
    static final TrustAll INSTANCE = new TrustAll();
    private static final X509Certificate[] NONE = new X509Certificate[0];

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(
        X509Certificate[] chain, String authType, java.net.Socket socket) {}

    @Override
    public void checkServerTrusted(
        X509Certificate[] chain, String authType, java.net.Socket socket) {}

    @Override
    public void checkClientTrusted(
        X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) {}

    @Override
    public void checkServerTrusted(
        X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return NONE;
    }
  }

  /** One temporary directory per JVM for key store files. */
  private static final class TempDir {
    private static Path dir;

    static synchronized Path get() throws IOException {
      if (dir == null) {
        dir = Files.createTempDirectory("identity-log-test-pki-");
        dir.toFile().deleteOnExit();
      }
      return dir;
    }
  }
}
