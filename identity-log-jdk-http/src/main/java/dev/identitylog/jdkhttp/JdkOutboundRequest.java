package dev.identitylog.jdkhttp;

import dev.identitylog.protocol.HttpClientRequest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;

/** A {@link HttpRequest} as the core reads it. Read once, at the start of the call. */
final class JdkOutboundRequest implements HttpClientRequest {
  private final HttpRequest request;
  private final boolean readAuthorization;

  JdkOutboundRequest(HttpRequest request, boolean readAuthorization) {
    this.request = request;
    this.readAuthorization = readAuthorization;
  }

  @Override
  public String method() {
    return request.method();
  }

  /** The core drops the query, the fragment and any user:password before logging it. */
  @Override
  public String url() {
    return request.uri().toString();
  }

  @Override
  public String serverAddress() {
    return request.uri().getHost();
  }

  /** The port called: the URI's, else the scheme's default (the JDK client accepts only these two). */
  @Override
  public int serverPort() {
    URI uri = request.uri();
    int port = uri.getPort();
    if (port > 0) {
      return port;
    }
    String scheme = uri.getScheme();
    return "https".equalsIgnoreCase(scheme) ? 443 : "http".equalsIgnoreCase(scheme) ? 80 : -1;
  }

  /**
   * Only its facts and hash are logged, never the value. Every line, joined with {@code ","} as
   * the core reads headers: two {@code Authorization} lines are a malformed credential.
   */
  @Override
  public String authorization() {
    if (!readAuthorization) {
      return null;
    }
    List<String> lines = request.headers().allValues("Authorization");
    return lines.isEmpty() ? null : lines.size() == 1 ? lines.get(0) : String.join(",", lines);
  }
}
