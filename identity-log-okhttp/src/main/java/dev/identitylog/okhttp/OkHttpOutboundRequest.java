package dev.identitylog.okhttp;

import dev.identitylog.exchange.OutboundRequest;
import okhttp3.HttpUrl;
import okhttp3.Request;

/** An OkHttp request as the core reads it. Read once, at the start of the call. */
final class OkHttpOutboundRequest implements OutboundRequest {
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

  /** Only its facts and hash are logged, never the value. */
  @Override
  public String authorization() {
    return readAuthorization ? request.header("Authorization") : null;
  }
}
