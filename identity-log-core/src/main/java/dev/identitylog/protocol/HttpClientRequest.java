package dev.identitylog.protocol;

/** An HTTP call this hop makes ({@code identity.client}, HTTP fields). */
public interface HttpClientRequest extends ClientRequest {
  /** {@code http.request.method}. */
  String method();

  /** {@code url.full}; the core drops any query and fragment before logging it. */
  String url();
}
