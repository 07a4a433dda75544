package dev.identitylog.spring.boot;

import dev.identitylog.IdentityLog;
import dev.identitylog.handler.ClientHandler;
import dev.identitylog.internal.Throwables;
import dev.identitylog.protocol.ClientRecord;
import dev.identitylog.protocol.HttpClientRequest;
import dev.identitylog.protocol.HttpClientResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Writes one {@code identity.client} event per call made through a {@code RestClient} or {@code
 * RestTemplate}, and puts {@code traceparent}, {@code tracestate} and the request id on it. A thin
 * mapping onto {@link ClientHandler}: the call's own exception or
 * status is classified by the core.
 *
 * <p>{@code Client-Cert} is never added here, even for a host named in {@code
 * forwardClientCertTo}: the interceptor runs once per logical call, while the request factory
 * underneath follows redirects on its own (Spring Boot's factories follow them by default) and
 * copies the request's headers onto them, so the caller's certificate would reach whatever host
 * a redirect names. The OkHttp and JDK HttpClient adapters, which see each hop, forward it.
 *
 * <p>Never fails a call of its own: a failure here is counted by the {@link IdentityLog}, and the
 * call goes on.
 */
final class IdentityLogClientHttpRequestInterceptor implements ClientHttpRequestInterceptor {
  private static final String TRACEPARENT = "traceparent";

  private final ClientHandler handler;

  IdentityLogClientHttpRequestInterceptor(IdentityLog identityLog) {
    this.handler = ClientHandler.create(identityLog);
  }

  @Override
  public ClientHttpResponse intercept(
      HttpRequest request, byte[] body, ClientHttpRequestExecution execution) throws IOException {
    ClientRecord exchange = start(request);
    if (exchange == null) {
      return execution.execute(request, body);
    }
    ClientHttpResponse response;
    try {
      response = execution.execute(request, body);
    } catch (IOException | RuntimeException | Error e) {
      finish(exchange, -1, e);
      throw e;
    }
    int status = -1;
    try {
      status = response.getStatusCode().value();
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      // The call's event still ends (without a status); the failure is counted like any other.
      handler.internalError("reading a RestClient response status", t);
    }
    finish(exchange, status, null);
    return response;
  }

  private ClientRecord start(HttpRequest request) {
    try {
      ClientRecord exchange = handler.start(new SpringOutboundRequest(request));
      exchange.attempt();
      HttpHeaders headers = request.getHeaders();
      for (Map.Entry<String, String> h : exchange.propagationHeaders().entrySet()) {
        if (ClientRecord.CLIENT_CERT_HEADER.equalsIgnoreCase(h.getKey())) {
          continue; // see the class comment: it would follow a redirect to any host
        }
        // Never overwrite what the application, or a tracing instrumentation, already set.
        if (!headers.containsHeader(h.getKey())) {
          headers.set(h.getKey(), h.getValue());
        }
      }
      exchange.traceParentSent(headers.getFirst(TRACEPARENT));
      exchange.requestIdSent(headers.getFirst(exchange.requestIdHeader()));
      return exchange;
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      handler.internalError("starting a RestClient call", t);
      return null;
    }
  }

  private void finish(ClientRecord exchange, int status, Throwable error) {
    try {
      handler.finish(exchange, HttpClientResponse.of(status, error));
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      handler.internalError("finishing a RestClient call", t);
    }
  }

  @Override
  public String toString() {
    return "IdentityLogClientHttpRequestInterceptor";
  }

  /** The call as the core sees it; the URL without its query (the core strips it too). */
  private static final class SpringOutboundRequest implements HttpClientRequest {
    private final HttpRequest request;

    SpringOutboundRequest(HttpRequest request) {
      this.request = request;
    }

    @Override
    public String method() {
      return request.getMethod().name();
    }

    @Override
    public String url() {
      URI uri = request.getURI();
      return uri == null ? null : uri.toString();
    }

    @Override
    public String serverAddress() {
      URI uri = request.getURI();
      return uri == null ? null : uri.getHost();
    }

    @Override
    public int serverPort() {
      URI uri = request.getURI();
      if (uri == null) {
        return -1;
      }
      if (uri.getPort() != -1) {
        return uri.getPort();
      }
      return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : -1;
    }

    /**
     * Every line joined with {@code ","}, as the other adapters read it: two lines are not one
     * bearer token, and the first alone would attribute a token the call may not present.
     */
    @Override
    public String authorization() {
      List<String> lines = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
      if (lines == null || lines.isEmpty()) {
        return null;
      }
      return lines.size() == 1 ? lines.get(0) : String.join(",", lines);
    }
  }
}
