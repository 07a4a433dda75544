package dev.identitylog.examples;

import java.math.BigInteger;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;
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
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The demo's certificate authority, generated at start: one CA, and the certificates it issues to
 * workloads (X.509-SVIDs: one {@code spiffe://} URI plus the DNS name the workload serves) and to
 * human clients. Keys are EC P-256, which is quick to generate.
 *
 * <p>Also builds the {@link SSLContext}s the hops use, because each hop needs a slightly different
 * one: the edge accepts any client certificate and lets the application decide, the inner hops let
 * the TLS layer verify against this CA.
 */
final class DemoPki {
  /** The SPIFFE trust domain of every workload of the demo. */
  static final String TRUST_DOMAIN = "spiffe://identitylog.test";

  private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

  private final SecureRandom random = new SecureRandom();
  private final KeyPair caKeys;
  private final X509Certificate ca;

  private DemoPki() throws GeneralSecurityException {
    caKeys = newKeyPair();
    X500Principal name = new X500Principal("CN=identity-log demo CA, O=identity-log demo");
    Instant now = Instant.now();
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
          name, serial(), Date.from(now.minus(Duration.ofHours(1))),
          Date.from(now.plus(Duration.ofDays(2))), name, caKeys.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false,
          ext.createSubjectKeyIdentifier(caKeys.getPublic()));
      ca = new JcaX509CertificateConverter().getCertificate(b.build(signer()));
    } catch (java.io.IOException | OperatorCreationException e) {
      throw new GeneralSecurityException("cannot create the demo CA", e);
    }
  }

  static DemoPki create() {
    try {
      return new DemoPki();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The CA certificate: the trust anchor of every hop. */
  X509Certificate ca() {
    return ca;
  }

  /**
   * An X.509-SVID for a workload: {@code spiffe://identitylog.test/NAME} and the DNS name it serves,
   * usable both as a server certificate and as a client certificate for mTLS.
   */
  Credential workload(String name, String dnsName) {
    String spiffeId = spiffeId(name);
    List<GeneralName> sans = new ArrayList<>();
    sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId));
    if (dnsName != null) {
      sans.add(new GeneralName(GeneralName.dNSName, dnsName));
    }
    Instant now = Instant.now();
    return issue(new X500Principal("O=identity-log demo, OU=workloads, CN=" + name), sans,
        now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofHours(12)),
        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth});
  }

  /**
   * A certificate for a human client (a customer's device): a subject, a URI naming the customer,
   * and a validity window, which may lie in the past to make an expired certificate.
   */
  Credential client(String user, Instant notBefore, Instant notAfter) {
    List<GeneralName> sans = List.of(new GeneralName(GeneralName.uniformResourceIdentifier,
        "urn:identitylog:demo:customer:" + user));
    return issue(new X500Principal("CN=" + user + ", OU=customers, O=identity-log demo"), sans,
        notBefore, notAfter, new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth});
  }

  /** A client certificate valid from a few minutes ago for the next twelve hours. */
  Credential client(String user) {
    Instant now = Instant.now();
    return client(user, now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofHours(12)));
  }

  static String spiffeId(String workload) {
    return TRUST_DOMAIN + "/" + workload;
  }

  private Credential issue(X500Principal subject, List<GeneralName> sans, Instant notBefore,
      Instant notAfter, KeyPurposeId[] purposes) {
    try {
      KeyPair keys = newKeyPair();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
          ca, serial(), Date.from(notBefore), Date.from(notAfter), subject, keys.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
      b.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(sans.toArray(new GeneralName[0])));
      b.addExtension(Extension.subjectKeyIdentifier, false,
          ext.createSubjectKeyIdentifier(keys.getPublic()));
      b.addExtension(Extension.authorityKeyIdentifier, false,
          ext.createAuthorityKeyIdentifier(ca));
      X509Certificate leaf = new JcaX509CertificateConverter().getCertificate(b.build(signer()));
      return new Credential(keys.getPrivate(), leaf, ca);
    } catch (GeneralSecurityException | java.io.IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a certificate for " + subject, e);
    }
  }

  private ContentSigner signer() throws OperatorCreationException {
    return new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(caKeys.getPrivate());
  }

  private BigInteger serial() {
    return new BigInteger(63, random).add(BigInteger.ONE);
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  // ---------------------------------------------------------------- TLS

  /** Trusts certificates this CA issued: what every inner hop and every client uses. */
  X509TrustManager trustManager() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("demo-ca", ca);
      TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init(store);
      for (TrustManager tm : f.getTrustManagers()) {
        if (tm instanceof X509TrustManager) {
          return (X509TrustManager) tm;
        }
      }
      throw new IllegalStateException("no X509TrustManager");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * An {@link SSLContext} presenting {@code own} (or nothing, for a client without certificate)
   * and trusting peers through {@code trust}.
   */
  static SSLContext sslContext(Credential own, X509TrustManager trust) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(own == null ? null : new SingleKeyManager[] {new SingleKeyManager(own)},
          new TrustManager[] {trust}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A server-side trust manager that accepts any client chain, as a CDN's edge does: the handshake
   * never fails on a client certificate, the application verifies it and can say why it refused.
   * It names no CA in its certificate request, so clients offer whatever they have.
   */
  static X509TrustManager acceptAnyClientCertificate() {
    return new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // Deliberately empty: verification is the application's (see EdgeHop).
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType)
          throws CertificateException {
        throw new CertificateException("this trust manager only serves a server");
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
  }

  /** A private key and its chain (leaf first, then the CA). */
  static final class Credential {
    private final PrivateKey key;
    private final X509Certificate leaf;
    private final X509Certificate[] chain;

    Credential(PrivateKey key, X509Certificate leaf, X509Certificate ca) {
      this.key = key;
      this.leaf = leaf;
      this.chain = new X509Certificate[] {leaf, ca};
    }

    PrivateKey privateKey() {
      return key;
    }

    X509Certificate certificate() {
      return leaf;
    }

    X509Certificate[] chain() {
      return chain.clone();
    }

    /** SHA-256 of the certificate's DER, lowercase hex (the XFCC {@code Hash}). */
    String sha256Hex() {
      return HexFormat.of().formatHex(sha256(leaf)).toLowerCase(Locale.ROOT);
    }

    /** The RFC 8705 {@code x5t#S256} confirmation of this certificate. */
    String x5tS256() {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(leaf));
    }

    @Override
    public String toString() {
      return leaf.getSubjectX500Principal().getName();
    }
  }

  static byte[] sha256(X509Certificate cert) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Always presents its one credential. The JDK's own key managers may decline to offer a
   * certificate they consider expired; the demo must be able to present an expired one on
   * purpose, so that the edge (not the TLS stack) is the one that refuses it.
   */
  private static final class SingleKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "demo";
    private final Credential credential;

    SingleKeyManager(Credential credential) {
      this.credential = credential;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return new String[] {ALIAS};
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return "EC".equals(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return "EC".equals(keyType) ? ALIAS : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return credential.chain();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return credential.privateKey();
    }
  }
}
