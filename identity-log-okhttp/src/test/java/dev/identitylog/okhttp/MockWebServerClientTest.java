package dev.identitylog.okhttp;

import dev.identitylog.testing.Credential;

/**
 * The client suite against OkHttp's MockWebServer over HTTPS, where client and server negotiate
 * HTTP/2. MockWebServer is built on OkHttp 5's internals, so this class runs only against OkHttp 5.
 */
class MockWebServerClientTest extends AbstractClientSuite {
  @Override
  TestServer startServer(Credential credential) throws Exception {
    return new MockWebServerFixture(credential);
  }
}
