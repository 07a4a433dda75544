package dev.identitylog.protocol;

/**
 * How a received request ended, as the adapter saw it. Built by the adapter when the request ends
 * (the static factories of {@link HttpServerResponse} and {@link RpcServerResponse} cover the
 * usual cases) and read once by {@code ServerHandler.finish}.
 */
public interface ServerResponse {
  /** What the application threw, or {@code null}; only its presence and type are used. */
  default Throwable error() {
    return null;
  }

  /** Whether the client went away before the answer was sent. */
  default boolean aborted() {
    return false;
  }
}
