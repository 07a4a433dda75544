package dev.identitylog.protocol;

/** How an HTTP request ended. */
public interface HttpServerResponse extends ServerResponse {
  /**
   * The status sent (the adapter computes 500 for an exception that left the response
   * uncommitted); for an aborted request what the application had set; -1 when unknown.
   */
  int statusCode();

  /**
   * The {@code WWW-Authenticate} response header, or {@code null}. Asked for only when the status
   * is one whose reason it can name (401, 403), so an adapter may read it here, lazily.
   */
  default String wwwAuthenticate() {
    return null;
  }

  /** A response that was sent. */
  static HttpServerResponse of(int statusCode, String wwwAuthenticate, Throwable error) {
    return new HttpServerResponse() {
      @Override
      public int statusCode() {
        return statusCode;
      }

      @Override
      public String wwwAuthenticate() {
        return wwwAuthenticate;
      }

      @Override
      public Throwable error() {
        return error;
      }
    };
  }

  /** A request whose client went away; {@code statusCode} is what had been set, or -1. */
  static HttpServerResponse aborted(int statusCode) {
    return new HttpServerResponse() {
      @Override
      public int statusCode() {
        return statusCode;
      }

      @Override
      public boolean aborted() {
        return true;
      }
    };
  }
}
