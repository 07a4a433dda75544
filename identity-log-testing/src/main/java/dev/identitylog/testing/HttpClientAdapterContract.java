package dev.identitylog.testing;

/**
 * {@link ClientAdapterContract} for HTTP client adapters: the statuses are HTTP's, so the subclass
 * only starts its callee and makes its call.
 */
public abstract class HttpClientAdapterContract extends ClientAdapterContract {
  @Override
  protected final String statusField() {
    return "http.response.status_code";
  }

  @Override
  protected final String status(Route route) {
    return String.valueOf(httpStatus(route));
  }

  /** The HTTP status a callee answers for {@code route}: what the callee servlets send. */
  public static int httpStatus(Route route) {
    switch (route) {
      case UNAUTHENTICATED:
        return 401;
      case FORBIDDEN:
        return 403;
      case UNAVAILABLE:
        return 503;
      default:
        return 200;
    }
  }
}
