package dev.identitylog.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitylog.testing.TestPki.KeyType;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The fixtures are what every adapter's TLS tests stand on: check them over real handshakes. */
class TestPkiTest {
  private static final TestPki PKI = TestPki.create("Test Root");
  private static final Credential SERVER = PKI.issue(TestPki.server("localhost"));

  @Test
  void issuesWhatTheSpecSays() throws Exception {
    Instant from = Instant.parse("2030-01-01T00:00:00Z");
    Instant to = Instant.parse("2031-01-01T00:00:00Z");
    Credential c =
        PKI.issue(
            TestPki.leaf("CN=alice")
                .rsa2048()
                .clientAuth()
                .sans("URI:spiffe://example.org/a", "DNS:a.example")
                .validity(from, to)
                .serial(42));
    X509Certificate cert = c.certificate();

    assertThat(cert.getSubjectX500Principal()).isEqualTo(new X500Principal("CN=alice"));
    assertThat(cert.getIssuerX500Principal()).isEqualTo(new X500Principal("CN=Test Root"));
    assertThat(cert.getSerialNumber()).isEqualTo(BigInteger.valueOf(42));
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(from);
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(to);
    assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getSubjectAlternativeNames())
        .containsExactly(List.of(6, "spiffe://example.org/a"), List.of(2, "a.example"));
    cert.verify(PKI.rootCertificate().getPublicKey());
  }

  @Test
  void intermediatesChainUpToTheRoot() throws Exception {
    TestPki inter = PKI.intermediate("Test Intermediate");
    TestPki inner = inter.intermediate("Inner Intermediate", KeyType.EC_P384);
    Credential c = inner.issue(TestPki.leaf("CN=deep"));

    assertThat(c.chain())
        .containsExactly(c.certificate(), inner.caCertificate(), inter.caCertificate());
    assertThat(c.chainWithRoot()).endsWith(PKI.rootCertificate());
    c.certificate().verify(inner.caCertificate().getPublicKey());
    inner.caCertificate().verify(inter.caCertificate().getPublicKey());
    inter.caCertificate().verify(PKI.rootCertificate().getPublicKey());
    assertThat(inner.rootCertificate()).isEqualTo(PKI.rootCertificate());
  }

  @Test
  void twoCasWithOneNameDoNotTrustEachOther() {
    TestPki twin = TestPki.create("Test Root");

    assertThat(twin.rootCertificate().getPublicKey())
        .isNotEqualTo(PKI.rootCertificate().getPublicKey());
  }

  @Test
  void leafSpecsAreImmutable() {
    TestPki.Leaf base = TestPki.leaf("CN=base");
    base.rsa2048().clientAuth().uri("spiffe://example.org/x");

    X509Certificate cert = PKI.issue(base).certificate();

    assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(base.keyType()).isEqualTo(KeyType.EC_P256);
  }

  @Test
  void refusesBadSpecsWhereTheyAreWritten() {
    assertThatThrownBy(() -> TestPki.leaf("not a dn"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TestPki.leaf("CN=x").sans("FTP:x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void writesKeyStoresThatLoadBack() throws Exception {
    Credential c = PKI.issue(TestPki.leaf("CN=stored").ed25519());

    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(c.keyStoreFile())) {
      ks.load(in, c.password());
    }
    KeyStore ts = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(c.trustStoreFile())) {
      ts.load(in, TestPki.PASSWORD.toCharArray());
    }

    assertThat(ks.getKey(TestPki.KEY_ALIAS, c.password())).isEqualTo(c.privateKey());
    assertThat(ks.getCertificateChain(TestPki.KEY_ALIAS)).containsExactly(c.certificate());
    assertThat(ts.getCertificate("root")).isEqualTo(PKI.rootCertificate());
  }

  @Test
  void writesPemThatTheJdkReads() throws Exception {
    TestPki inter = PKI.intermediate("Test Intermediate");
    Credential c = inter.issue(TestPki.leaf("CN=pem"));
    CertificateFactory cf = CertificateFactory.getInstance("X.509");

    List<Certificate> certs =
        new ArrayList<>(
            cf.generateCertificates(
                new ByteArrayInputStream(c.chainPem().getBytes(StandardCharsets.US_ASCII))));

    assertThat(certs).containsExactlyElementsOf(c.chain());
    assertThat(c.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(c.sha256()).matches("[0-9A-F]{64}");
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void mutualTlsWithEachKeyType(KeyType type) throws Exception {
    Credential client = PKI.issue(TestPki.leaf("CN=client-" + type).key(type).clientAuth());

    Certificate[] seen = handshake(SERVER.serverSslContext(), client.clientSslContext(), true);

    assertThat(seen).containsExactly(client.certificate());
  }

  @Test
  void mutualTlsWithAnRsaServerAndAnIntermediate() throws Exception {
    TestPki inter = PKI.intermediate("Test Intermediate");
    Credential server = inter.issue(TestPki.server("localhost").rsa2048());
    Credential client = inter.issue(TestPki.leaf("CN=client").clientAuth());

    Certificate[] seen = handshake(server.serverSslContext(), client.clientSslContext(PKI), true);

    assertThat(seen).containsExactlyElementsOf(client.chain());
  }

  @Test
  void sendsAnUntrustedCertificateToAServerThatAcceptsAny() throws Exception {
    Credential stranger =
        TestPki.create("Other Root").issue(TestPki.leaf("CN=stranger").expired().clientAuth());

    Certificate[] seen =
        handshake(
            SERVER.serverSslContextAcceptingAnyClient(), stranger.clientSslContext(PKI), true);

    assertThat(seen).containsExactly(stranger.certificate());
  }

  @Test
  void aStrictServerRefusesAnUntrustedClient() {
    Credential stranger = TestPki.create("Other Root").issue(TestPki.leaf("CN=s").clientAuth());

    assertThatThrownBy(
            () -> handshake(SERVER.serverSslContext(), stranger.clientSslContext(PKI), true))
        // The server's alert, or a reset when the alert loses the race with the close.
        .isInstanceOfAny(SSLHandshakeException.class, java.net.SocketException.class);
  }

  @Test
  void aClientWithoutACertificate() throws Exception {
    Certificate[] seen =
        handshake(SERVER.serverSslContextAcceptingAnyClient(), PKI.trustOnlySslContext(), false);

    assertThat(seen).isNull();
  }

  /**
   * One handshake over loopback; returns the client chain the server saw, or null for none. The
   * server wants a client certificate; with {@code need}, it requires one.
   */
  private static Certificate[] handshake(SSLContext server, SSLContext client, boolean need)
      throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (SSLServerSocket listener =
        (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1, loopback)) {
      if (need) {
        listener.setNeedClientAuth(true);
      } else {
        listener.setWantClientAuth(true);
      }
      listener.setSoTimeout(20_000);
      CompletableFuture<Certificate[]> accepted =
          CompletableFuture.supplyAsync(
              () -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                  s.setSoTimeout(20_000);
                  s.startHandshake();
                  OutputStream out = s.getOutputStream();
                  out.write(1);
                  out.flush();
                  try {
                    return s.getSession().getPeerCertificates();
                  } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                    return null;
                  }
                } catch (Exception e) {
                  throw new java.util.concurrent.CompletionException(e);
                }
              });
      try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket()) {
        socket.connect(new InetSocketAddress(loopback, listener.getLocalPort()), 20_000);
        socket.setSoTimeout(20_000);
        socket.startHandshake();
        // TLS 1.3 sends the client certificate after the client's handshake is done; reading
        // waits until the server has judged it.
        assertThat(socket.getInputStream().read()).isEqualTo(1);
      } catch (Exception e) {
        accepted.cancel(true);
        throw e;
      }
      return accepted.get(30, TimeUnit.SECONDS);
    }
  }
}
