package dev.identitylog.grpc;

import java.util.function.BiConsumer;
import io.grpc.Attributes;
import io.grpc.Grpc;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** Reads what the library needs from the TLS session a transport puts in the call's attributes. */
final class TlsSessions {
  private TlsSessions() {}

  static SSLSession session(Attributes attributes) {
    return attributes == null ? null : attributes.get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
  }

  /**
   * The peer's X.509 chain, leaf first, or {@code null}. A peer without a certificate is normal
   * (a server that only wants one, or a plain-TLS client): the JDK says so by throwing
   * {@link SSLPeerUnverifiedException}, which is not an error here.
   */
  static X509Certificate[] peerCertificates(
      SSLSession session, BiConsumer<String, Throwable> errors) {
    if (session == null) {
      return null;
    }
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException none) {
      return null;
    } catch (RuntimeException e) {
      errors.accept("reading the peer certificates of a gRPC call", e);
      return null;
    }
    if (chain == null || chain.length == 0) {
      return null;
    }
    int n = 0;
    for (Certificate c : chain) {
      if (c instanceof X509Certificate) {
        n++;
      } else {
        break; // a chain of another kind past the leaf is of no use
      }
    }
    if (n == 0) {
      return null;
    }
    X509Certificate[] x509 = new X509Certificate[n];
    for (int i = 0; i < n; i++) {
      x509[i] = (X509Certificate) chain[i];
    }
    return x509;
  }
}
