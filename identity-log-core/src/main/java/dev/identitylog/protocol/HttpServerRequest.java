package dev.identitylog.protocol;

/** A received HTTP request ({@code identity.server}, HTTP fields). */
public interface HttpServerRequest extends ServerRequest {
  /** {@code http.request.method}. */
  String method();

  /** {@code url.path}, without the query; the core strips path parameters before logging it. */
  String path();

  /** {@code http.route}, when the framework knows it at the start ({@code null} otherwise). */
  default String route() {
    return null;
  }
}
