package dev.identitylog.examples;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The demo's own HTTP client: plain OkHttp, not instrumented. It is not a hop of the topology but
 * the customer's app: it sends one request per scenario, with or without a client certificate and
 * a token, and names each request with an {@code X-Request-ID} so that its events are easy to find.
 */
final class DemoClient implements AutoCloseable {
  private final DemoPki pki;
  private final OkHttpClient base;
  private final Map<DemoPki.Credential, OkHttpClient> byCertificate = new HashMap<>();

  DemoClient(DemoPki pki) {
    this.pki = pki;
    this.base = Https.client(DemoPki.sslContext(null, pki.trustManager()), pki.trustManager())
        .newBuilder()
        .retryOnConnectionFailure(false) // one scenario, one request
        .build();
  }

  /**
   * Sends {@code GET url}.
   *
   * @param certificate the client certificate to present, or null for none
   * @param token the bearer token to send, or null for none
   * @param extraHeaders more headers (name, value, name, value, ...)
   */
  Answer get(String url, DemoPki.Credential certificate, String token, String requestId,
      String... extraHeaders) {
    Request.Builder request = new Request.Builder().url(url).header("X-Request-ID", requestId)
        .header("Accept", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i + 1 < extraHeaders.length; i += 2) {
      request.header(extraHeaders[i], extraHeaders[i + 1]);
    }
    try (Response response = client(certificate).newCall(request.build()).execute()) {
      String body = response.body().string();
      return new Answer(response.code(), body, null);
    } catch (IOException e) {
      return new Answer(-1, null, e.toString());
    }
  }

  private synchronized OkHttpClient client(DemoPki.Credential certificate) {
    if (certificate == null) {
      return base;
    }
    return byCertificate.computeIfAbsent(certificate, c -> base.newBuilder()
        .sslSocketFactory(DemoPki.sslContext(c, pki.trustManager()).getSocketFactory(),
            pki.trustManager())
        .build());
  }

  @Override
  public void close() {
    Https.close(base);
  }

  /** What the client got: a status (and body), or the failure. */
  static final class Answer {
    final int status;
    final String body;
    final String failure;

    Answer(int status, String body, String failure) {
      this.status = status;
      this.body = body;
      this.failure = failure;
    }

    @Override
    public String toString() {
      return failure != null ? failure : Integer.toString(status);
    }
  }
}
