package dev.identitylog.okhttp;

import dev.identitylog.testing.Credential;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The client suite against OkHttp's MockWebServer over HTTPS, where client and server negotiate
 * HTTP/2. MockWebServer is built on OkHttp 5's internals, so this class runs only against OkHttp 5
 * (the OkHttp 4 run covers the client with the Jetty suite).
 */
@EnabledIfSystemProperty(
    named = "identitylog.test.okhttp.version",
    matches = "5\\..*",
    disabledReason = "mockwebserver3 needs OkHttp 5 on the class path")
class MockWebServerClientTest extends AbstractClientSuite {
  @Override
  TestServer startServer(Credential credential) throws Exception {
    return new MockWebServerFixture(credential);
  }
}
