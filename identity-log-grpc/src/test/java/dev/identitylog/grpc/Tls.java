package dev.identitylog.grpc;

import dev.identitylog.testing.Credential;
import dev.identitylog.testing.TestPki;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509TrustManager;

/**
 * The certificates of the gRPC tests, made when the tests start, and Netty TLS contexts built from
 * them (the JDK provider, so no native library is needed).
 */
final class Tls {
  static final TestPki CA = TestPki.create("CN=gRPC Test Root,O=identity-log");
  static final TestPki OTHER_CA = TestPki.create("CN=Somebody Else's Root");

  static final Credential SERVER = CA.issue(TestPki.server("localhost"));
  static final Credential ALICE =
      CA.issue(
          TestPki.leaf("CN=alice,O=Orders")
              .clientAuth()
              .uri("spiffe://example.org/ns/orders/sa/alice"));
  static final Credential EXPIRED = CA.issue(TestPki.leaf("CN=old-timer").clientAuth().expired());
  static final Credential UNTRUSTED = OTHER_CA.issue(TestPki.leaf("CN=mallory").clientAuth());
  /** A server certificate from a CA the clients do not trust. */
  static final Credential IMPOSTOR = OTHER_CA.issue(TestPki.server("localhost"));

  private Tls() {}

  /**
   * A server that asks for a client certificate but accepts any, or none (OPTIONAL, trust-all),
   * leaving the judgement to the library ({@code IdentityLog.clientCertTrustAnchors}).
   */
  static SslContext serverAcceptingAnyClient() {
    return server(SERVER, TestPki.trustAllManager(), ClientAuth.OPTIONAL);
  }

  /** A server that verifies client certificates against {@link #CA} and requires one. */
  static SslContext serverRequiringClient() {
    return server(SERVER, CA.trustManager(), ClientAuth.REQUIRE);
  }

  static SslContext server(Credential key, X509TrustManager trust, ClientAuth clientAuth) {
    try {
      SslContextBuilder b =
          SslContextBuilder.forServer(key.privateKey(), chain(key))
              .trustManager(trust)
              .clientAuth(clientAuth);
      return GrpcSslContexts.configure(b, SslProvider.JDK).build();
    } catch (SSLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A client that trusts {@link #CA} and presents {@code key} (none when null). */
  static SslContext client(Credential key) {
    return client(key, CA);
  }

  static SslContext client(Credential key, TestPki trusted) {
    try {
      SslContextBuilder b = SslContextBuilder.forClient().trustManager(trusted.trustManager());
      if (key != null) {
        b.keyManager(key.privateKey(), chain(key));
      }
      return GrpcSslContexts.configure(b, SslProvider.JDK).build();
    } catch (SSLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate[] chain(Credential c) {
    return c.chain().toArray(new X509Certificate[0]);
  }
}
