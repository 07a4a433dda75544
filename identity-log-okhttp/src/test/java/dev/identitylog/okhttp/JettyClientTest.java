package dev.identitylog.okhttp;

import dev.identitylog.testing.Credential;

/** The client suite against embedded Jetty over HTTPS (HTTP/1.1). */
class JettyClientTest extends AbstractClientSuite {
  @Override
  TestServer startServer(Credential credential) throws Exception {
    return new JettyFixture(credential);
  }
}
