package dev.identitylog.servlet;

import dev.identitylog.testing.Credential;
import dev.identitylog.testing.TestPki;
import jakarta.servlet.ServletContainerInitializer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;

/** The server suite on embedded Tomcat 11. */
class TomcatServletServerTest extends ServletServerSuite {
  private Tomcat tomcat;
  private Tomcat needing;

  @Override
  protected int start(Credential credential, ServletContainerInitializer initializer)
      throws Exception {
    // 'want' mode without CA: any client certificate is accepted, the filter judges it.
    SSLHostConfig tls = new SSLHostConfig();
    tls.setCertificateVerification("optionalNoCA");
    tls.setTrustManagerClassName(TrustAllTrustManager.class.getName());
    tomcat = new Tomcat();
    return start(tomcat, tls, credential, initializer);
  }

  @Override
  protected int startNeedingClientCertificates(
      Credential credential, ServletContainerInitializer initializer) throws Exception {
    // 'need' mode: the handshake fails unless the client presents a certificate of the server's CA.
    SSLHostConfig tls = new SSLHostConfig();
    tls.setCertificateVerification("required");
    tls.setTruststoreFile(credential.trustStoreFile().toString());
    tls.setTruststorePassword(TestPki.PASSWORD);
    tls.setTruststoreType("PKCS12");
    needing = new Tomcat();
    needing.getEngine().setName("TomcatNeed"); // its own JMX domain, beside the first container
    return start(needing, tls, credential, initializer);
  }

  private static int start(
      Tomcat tomcat, SSLHostConfig tls, Credential credential,
      ServletContainerInitializer initializer) throws Exception {
    Path baseDir = Files.createTempDirectory("tomcat-");
    tomcat.setBaseDir(baseDir.toString());
    SSLHostConfigCertificate certificate =
        new SSLHostConfigCertificate(tls, SSLHostConfigCertificate.Type.UNDEFINED);
    certificate.setCertificateKeystoreFile(credential.keyStoreFile().toString());
    certificate.setCertificateKeystorePassword(TestPki.PASSWORD);
    certificate.setCertificateKeystoreType("PKCS12");
    tls.addCertificate(certificate);

    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    connector.setScheme("https");
    connector.setSecure(true);
    connector.setProperty("SSLEnabled", "true");
    connector.addSslHostConfig(tls);
    tomcat.setConnector(connector);

    Context context = tomcat.addContext("", baseDir.toString());
    context.addServletContainerInitializer(initializer, null);
    tomcat.start();
    return connector.getLocalPort();
  }

  @Override
  protected void stop() throws Exception {
    tomcat.stop();
    tomcat.destroy();
    if (needing != null) {
      needing.stop();
      needing.destroy();
    }
  }

  @Override
  protected boolean exposesTlsProtocol() {
    return true;
  }
}
