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
  private Path baseDir;

  @Override
  protected int start(Credential credential, ServletContainerInitializer initializer)
      throws Exception {
    baseDir = Files.createTempDirectory("tomcat-");
    tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());

    // 'want' mode without CA: any client certificate is accepted, the filter judges it.
    SSLHostConfig tls = new SSLHostConfig();
    tls.setCertificateVerification("optionalNoCA");
    tls.setTrustManagerClassName(TrustAllTrustManager.class.getName());
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
  }

  @Override
  protected boolean exposesTlsProtocol() {
    return true;
  }
}
