package dev.identitylog.okhttp;

import dev.identitylog.protocol.HttpClientRequest;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.Request;

/** An OkHttp request as the core reads it. Read once, at the start of the call. */
final class OkHttpOutboundRequest implements HttpClientRequest {
  private final Request request;
  private final boolean readAuthorization;

  OkHttpOutboundRequest(Request request, boolean readAuthorization) {
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
    return request.url().toString();
  }

  @Override
  public String serverAddress() {
    return request.url().host();
  }

  @Override
  public int serverPort() {
    HttpUrl url = request.url();
    return url.port();
  }

  /**
   * Only its facts and hash are logged, never the value. Every line, joined with {@code ","} as
   * the core reads headers: two {@code Authorization} lines are a malformed credential, not
   * whichever one OkHttp's {@code header()} happens to return (it returns the last).
   */
  @Override
  public String authorization() {
    if (!readAuthorization) {
      return null;
    }
    List<String> lines = request.headers("Authorization");
    return lines.isEmpty() ? null : lines.size() == 1 ? lines.get(0) : String.join(",", lines);
  }
}
