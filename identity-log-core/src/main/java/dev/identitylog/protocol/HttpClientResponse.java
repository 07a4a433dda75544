package dev.identitylog.protocol;

/** How an HTTP call ended: the final status, or the exception that left it without one. */
public interface HttpClientResponse extends ClientResponse {
  /** The final status (after retries and redirects), or -1 when none was received. */
  int statusCode();

  static HttpClientResponse of(int statusCode, Throwable error) {
    return new HttpClientResponse() {
      @Override
      public int statusCode() {
        return statusCode;
      }

      @Override
      public Throwable error() {
        return error;
      }
    };
  }
}
