package dev.identitylog.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * A certificate issued by a {@link TestPki}, with its chain and private key, and everything a TLS
 * test needs made from them. Derived objects (key store, file, managers) are made on first use and
 * then reused. Thread-safe.
 */
public final class Credential {
  private final TestPki pki;
  private final X509Certificate certificate;
  private final List<X509Certificate> chain;
  private final PrivateKey privateKey;
  private final TestPki.KeyType keyType;

  private KeyStore keyStore;
  private Path keyStoreFile;
  private X509ExtendedKeyManager keyManager;

  Credential(
      TestPki pki,
      X509Certificate certificate,
      List<X509Certificate> chain,
      PrivateKey privateKey,
      TestPki.KeyType keyType) {
    this.pki = pki;
    this.certificate = certificate;
    this.chain = chain;
    this.privateKey = privateKey;
    this.keyType = keyType;
  }

  /** The PKI that issued this credential. */
  public TestPki pki() {
    return pki;
  }

  /** The leaf certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** Leaf first, then the intermediates; the root is not included, as in a TLS handshake. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** {@link #chain()} followed by the root certificate. */
  public List<X509Certificate> chainWithRoot() {
    List<X509Certificate> all = new ArrayList<>(chain);
    all.add(pki.rootCertificate());
    return List.copyOf(all);
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  public PublicKey publicKey() {
    return certificate.getPublicKey();
  }

  public TestPki.KeyType keyType() {
    return keyType;
  }

  /** The leaf's DER encoding. */
  public byte[] der() {
    try {
      return certificate.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** SHA-256 of the leaf's DER, 64 uppercase hex digits, computed independently of the library. */
  public String sha256() {
    return TestPki.sha256(certificate);
  }

  /** The leaf as one PEM {@code CERTIFICATE} block. */
  public String certificatePem() {
    return TestPki.pem(certificate);
  }

  /** The chain (leaf first, no root) as PEM blocks. */
  public String chainPem() {
    return TestPki.pem(chain);
  }

  /** The private key as a PKCS#8 PEM {@code PRIVATE KEY} block. */
  public String privateKeyPem() {
    return TestPki.pemBlock("PRIVATE KEY", privateKey.getEncoded());
  }

  /**
   * A PKCS#12 key store with one key entry, alias {@link TestPki#KEY_ALIAS}, holding the key and
   * {@link #chain()}; store and key password {@link TestPki#PASSWORD}.
   */
  public synchronized KeyStore keyStore() {
    if (keyStore == null) {
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(
            TestPki.KEY_ALIAS,
            privateKey,
            password(),
            chain.toArray(new X509Certificate[0]));
        keyStore = ks;
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return keyStore;
  }

  /** {@link #keyStore()} written to a temporary {@code .p12} file, deleted when the JVM exits. */
  public synchronized Path keyStoreFile() {
    if (keyStoreFile == null) {
      keyStoreFile = TestPki.write(keyStore(), "key");
    }
    return keyStoreFile;
  }

  /** The password of the key store, its file and the key entry: {@link TestPki#PASSWORD}. */
  public char[] password() {
    return TestPki.PASSWORD.toCharArray();
  }

  /** The issuing PKI's trust store (its root). */
  public KeyStore trustStore() {
    return pki.trustStore();
  }

  /** The issuing PKI's trust store file. */
  public Path trustStoreFile() {
    return pki.trustStoreFile();
  }

  /**
   * A key manager that always presents this credential when the peer accepts its key type,
   * whatever CAs the peer names: a test can send an untrusted certificate on purpose.
   */
  public synchronized X509KeyManager keyManager() {
    if (keyManager == null) {
      keyManager = new FixedKeyManager(privateKey, chain.toArray(new X509Certificate[0]));
    }
    return keyManager;
  }

  /** A trust manager for the issuing PKI's root. */
  public X509TrustManager trustManager() {
    return pki.trustManager();
  }

  /** A client context: presents this credential, trusts the issuing PKI. */
  public SSLContext clientSslContext() {
    return sslContext(pki.trustManager());
  }

  /** A client context: presents this credential, trusts the given PKI (the server's). */
  public SSLContext clientSslContext(TestPki trusted) {
    return sslContext(trusted.trustManager());
  }

  /** A server context: presents this credential, trusts client certificates of the issuing PKI. */
  public SSLContext serverSslContext() {
    return sslContext(pki.trustManager());
  }

  /**
   * A server context that presents this credential and accepts any client certificate in the
   * handshake, for servers that judge client certificates themselves.
   */
  public SSLContext serverSslContextAcceptingAnyClient() {
    return sslContext(TestPki.trustAllManager());
  }

  /** A context that presents this credential and trusts what the trust manager trusts. */
  public SSLContext sslContext(X509TrustManager trust) {
    return TestPki.sslContext(this, trust);
  }

  @Override
  public String toString() {
    return "Credential{" + certificate.getSubjectX500Principal().getName() + ", " + keyType + "}";
  }
}
