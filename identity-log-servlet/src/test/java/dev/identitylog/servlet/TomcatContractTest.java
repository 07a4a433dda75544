package dev.identitylog.servlet;

import dev.identitylog.IdentityLog;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.HttpServerAdapterContract;
import dev.identitylog.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;

/**
 * The server adapter contract on embedded Tomcat 11. Tomcat configures TLS from key stores, not
 * from an {@code SSLContext}: it is given the suite's server credential's key store and, for
 * 'want' mode, a trust manager that accepts any client certificate.
 */
class TomcatContractTest extends HttpServerAdapterContract {
  private int instances;

  @Override
  protected RunningServer start(IdentityLog identityLog, SSLContext tls, Application app) throws Exception {
    Credential credential = serverCredential;
    SSLHostConfig ssl = new SSLHostConfig();
    ssl.setCertificateVerification("optionalNoCA");
    ssl.setTrustManagerClassName(TrustAllTrustManager.class.getName());
    SSLHostConfigCertificate certificate =
        new SSLHostConfigCertificate(ssl, SSLHostConfigCertificate.Type.UNDEFINED);
    certificate.setCertificateKeystoreFile(credential.keyStoreFile().toString());
    certificate.setCertificateKeystorePassword(TestPki.PASSWORD);
    certificate.setCertificateKeystoreType("PKCS12");
    ssl.addCertificate(certificate);

    Tomcat tomcat = new Tomcat();
    tomcat.getEngine().setName("TomcatContract" + instances++); // its own JMX domain
    Path baseDir = Files.createTempDirectory("tomcat-contract-");
    tomcat.setBaseDir(baseDir.toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    connector.setScheme("https");
    connector.setSecure(true);
    connector.setProperty("SSLEnabled", "true");
    connector.addSslHostConfig(ssl);
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", baseDir.toString());
    context.addServletContainerInitializer(ContractServlet.initializer(identityLog, app), null);
    tomcat.start();
    int port = connector.getLocalPort();
    return new RunningServer() {
      @Override
      public int port() {
        return port;
      }

      @Override
      public void close() throws Exception {
        tomcat.stop();
        tomcat.destroy();
      }
    };
  }
}
