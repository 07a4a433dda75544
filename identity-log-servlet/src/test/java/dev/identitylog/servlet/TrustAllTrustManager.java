package dev.identitylog.servlet;

import dev.identitylog.testing.TestPki;
import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;

/**
 * Tomcat instantiates its trust manager by class name: this one accepts every client certificate
 * in the handshake, so that the filter's trust anchors decide (the way CDNs verify).
 */
public final class TrustAllTrustManager implements X509TrustManager {
  private final X509TrustManager delegate = TestPki.trustAllManager();

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) {}

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) {}

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }
}
