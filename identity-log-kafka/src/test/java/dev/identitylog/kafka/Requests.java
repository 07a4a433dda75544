package dev.identitylog.kafka;

import dev.identitylog.protocol.HttpServerRequest;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.TestPki;
import dev.identitylog.testing.TestRequests;

/**
 * The request a producer sends for: an HTTP request whose client certificate the container
 * verified (here handed to the server handler directly, as the servlet filter does after a real
 * mTLS handshake; the handshake itself is the servlet module's test).
 */
final class Requests {
  static final String WORKLOAD = "spiffe://example.org/ns/shop/sa/checkout";
  static final Credential CALLER = TestPki.create("kafka-test").issue(TestPki.spiffeSvid(WORKLOAD));

  private Requests() {}

  static HttpServerRequest mtls(String requestId) {
    return mtls(requestId, null);
  }

  /** With {@code Authorization: Bearer token} too, when {@code token} is not null. */
  static HttpServerRequest mtls(String requestId, String token) {
    return TestRequests.server("POST", "/orders")
        .header("X-Request-ID", requestId)
        .header("Authorization", token == null ? null : "Bearer " + token)
        .peerCertificates(CALLER.certificate())
        .build();
  }
}
