package dev.identitylog.okhttp;

import dev.identitylog.testing.Credential;
import java.io.IOException;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okio.BufferedSink;

/** {@link TestServer} on OkHttp's MockWebServer, HTTPS (HTTP/2 by ALPN when both agree). */
final class MockWebServerFixture implements TestServer {
  private final MockWebServer server = new MockWebServer();
  private final Credential credential;
  private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final Set<String> seenFlakyKeys = ConcurrentHashMap.newKeySet();
  private final CountDownLatch closing = new CountDownLatch(1);
  private final CountDownLatch stream = new CountDownLatch(1);

  MockWebServerFixture(Credential credential) throws IOException {
    this.credential = credential;
    server.useHttps(credential.serverSslContext().getSocketFactory());
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            return route(request);
          }
        });
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  private MockResponse route(RecordedRequest request) throws InterruptedException {
    String path = request.getUrl().encodedPath();
    received.add(new Received(path, headers(request.getHeaders())));
    if (path.equals("/ok")) {
      return new MockResponse.Builder().code(200).body("hello").build();
    }
    if (path.startsWith("/status/")) {
      int code = Integer.parseInt(path.substring("/status/".length()));
      MockResponse.Builder b = new MockResponse.Builder().code(code).body("status " + code);
      if (code == 401) {
        b.addHeader("WWW-Authenticate", "Bearer");
      }
      return b.build();
    }
    if (path.equals("/redirect")) {
      return new MockResponse.Builder().code(302).addHeader("Location", "/ok").build();
    }
    if (path.equals("/redirect-ip")) {
      return new MockResponse.Builder()
          .code(302)
          .addHeader("Location", "https://127.0.0.1:" + port() + "/ok")
          .build();
    }
    if (path.equals("/loop")) {
      return new MockResponse.Builder().code(302).addHeader("Location", "/loop").build();
    }
    if (path.startsWith("/flaky/")) {
      int code = seenFlakyKeys.add(path) ? 408 : 200;
      return new MockResponse.Builder().code(code).body("flaky " + code).build();
    }
    if (path.equals("/slow")) {
      closing.await(5, TimeUnit.SECONDS);
      return new MockResponse.Builder().code(200).body("too late").build();
    }
    if (path.equals("/stream")) {
      return new MockResponse.Builder().code(200).body(new LatchedBody(stream)).build();
    }
    return new MockResponse.Builder().code(404).build();
  }

  private static Map<String, List<String>> headers(Headers headers) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (int i = 0; i < headers.size(); i++) {
      map.computeIfAbsent(headers.name(i).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(headers.value(i));
    }
    return map;
  }

  /** A body whose bytes are written only once the test lets it. */
  private static final class LatchedBody implements MockResponseBody {
    private final CountDownLatch latch;

    LatchedBody(CountDownLatch latch) {
      this.latch = latch;
    }

    @Override
    public long getContentLength() {
      return -1;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      // Over HTTP/2 the headers leave with the first body bytes: send some, then wait.
      sink.writeUtf8("late-");
      sink.flush();
      try {
        latch.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      sink.writeUtf8("body");
      sink.flush();
    }
  }

  @Override
  public int port() {
    return server.getPort();
  }

  @Override
  public X509Certificate certificate() {
    return credential.certificate();
  }

  @Override
  public Received takeRequest(long timeout, TimeUnit unit) throws InterruptedException {
    return received.poll(timeout, unit);
  }

  /**
   * MockWebServer applies the socket effects (dropping a connection) of the response its
   * dispatcher <em>peeks</em> at before the request is read, so a route cannot choose them.
   */
  @Override
  public boolean dropsConnectionsOnReset() {
    return false;
  }

  @Override
  public void releaseStream() {
    stream.countDown();
  }

  @Override
  public void close() throws IOException {
    closing.countDown();
    stream.countDown();
    server.close();
  }

  @Override
  public String toString() {
    return "MockWebServer";
  }
}
