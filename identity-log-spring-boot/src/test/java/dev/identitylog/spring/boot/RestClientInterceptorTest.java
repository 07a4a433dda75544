package dev.identitylog.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.context.Scope;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.handler.ServerHandler;
import dev.identitylog.protocol.ServerRecord;
import dev.identitylog.testing.CollectingSink;
import dev.identitylog.testing.TestPki;
import dev.identitylog.testing.TestRequests;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.TestTokens;
import java.net.http.HttpClient;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The RestClient interceptor over real sockets: a real Jetty server, Spring's JDK request factory
 * following redirects as Spring Boot's factories do by default.
 */
class RestClientInterceptorTest {
  private static final TestPki PKI = TestPki.create("rest client suite root");
  private static final BlockingQueue<Map<String, String>> RECEIVED = new LinkedBlockingQueue<>();
  private static Server jetty;
  private static int port;

  private CollectingSink sink;

  @BeforeAll
  static void startServer() throws Exception {
    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    jetty.addConnector(connector);
    jetty.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            if (path.equals("/redirect")) {
              // Another host name for the same server: the redirect leaves the configured host.
              response.setStatus(302);
              response.getHeaders().put(HttpHeader.LOCATION, "http://127.0.0.1:" + port + "/landing");
            } else {
              String cert = request.getHeaders().get("Client-Cert");
              RECEIVED.add(Map.of("path", path, "client-cert", cert == null ? "" : cert));
              response.setStatus(200);
            }
            callback.succeeded();
            return true;
          }
        });
    jetty.start();
    port = connector.getLocalPort();
  }

  @AfterAll
  static void stopServer() throws Exception {
    jetty.stop();
  }

  @BeforeEach
  void clear() {
    RECEIVED.clear();
    sink = new CollectingSink();
  }

  private IdentityLog log() {
    return IdentityLog.builder()
        .serviceName("caller")
        .forwardClientCertTo("localhost")
        .addSink(sink)
        .build();
  }

  private static RestClient restClient(IdentityLog log) {
    HttpClient followsRedirects =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    return RestClient.builder()
        .requestFactory(new JdkClientHttpRequestFactory(followsRedirects))
        .requestInterceptor(new IdentityLogClientHttpRequestInterceptor(log))
        .build();
  }

  /** A request this hop received over mTLS, as a servlet filter would report it. */
  private static ServerRecord inbound(IdentityLog log, X509Certificate[] peerCertificates) {
    return ServerHandler.create(log)
        .start(TestRequests.server("GET", "/front").peerCertificates(peerCertificates).build());
  }

  @Test
  void theCallersCertificateNeverFollowsARedirectToAnotherHost() throws Exception {
    Credential caller = PKI.issue(TestPki.leaf("CN=caller,O=Example").clientAuth());
    IdentityLog log = log();
    ServerRecord parent = inbound(log, new X509Certificate[] {caller.certificate()});

    try (Scope ignored = parent.makeCurrent()) {
      restClient(log).get().uri("http://localhost:" + port + "/redirect").retrieve().toBodilessEntity();
    }

    Map<String, String> landed = RECEIVED.poll(5, TimeUnit.SECONDS);
    assertThat(landed).isNotNull().containsEntry("path", "/landing");
    assertThat(landed.get("client-cert")).isEmpty();
    IdentityEvent event = sink.awaitEvents(1, Duration.ofSeconds(5)).get(0);
    assertThat(event.get(Fields.TRACE_ID)).isEqualTo(parent.traceId());
  }

  @Test
  void twoAuthorizationLinesAreNotOneBearerToken() throws Exception {
    String first = TestTokens.rs256().subject("alice").sign();
    String second = TestTokens.rs256().subject("mallory").sign();

    restClient(log())
        .get()
        .uri("http://localhost:" + port + "/ok")
        .header("Authorization", "Bearer " + first)
        .header("Authorization", "Bearer " + second)
        .retrieve()
        .toBodilessEntity();

    IdentityEvent event = sink.awaitEvents(1, Duration.ofSeconds(5)).get(0);
    // Read as one value joined with ',', as every other adapter reads it: neither token's facts
    // are attributed to the call.
    assertThat(event.has(Fields.TOKEN_HASH)).isFalse();
    assertThat(event.has(Fields.TOKEN_SUBJECT)).isFalse();
  }

  @Test
  void oneAuthorizationLineIsTheCallsToken() throws Exception {
    String token = TestTokens.rs256().subject("alice").sign();

    restClient(log())
        .get()
        .uri("http://localhost:" + port + "/ok")
        .header("Authorization", "Bearer " + token)
        .retrieve()
        .toBodilessEntity();

    assertThat(sink.awaitEvents(1, Duration.ofSeconds(5)).get(0).has(Fields.TOKEN_HASH)).isTrue();
  }
}
