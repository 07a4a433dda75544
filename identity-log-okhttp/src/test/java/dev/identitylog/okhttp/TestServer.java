package dev.identitylog.okhttp;

import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTPS server the client suite calls, listening on 127.0.0.1 with a certificate for
 * {@code localhost} and {@code 127.0.0.1}. Every implementation serves the same routes:
 *
 * <ul>
 *   <li>{@code /ok}: 200, body {@code hello}
 *   <li>{@code /status/NNN}: that status (401 with {@code WWW-Authenticate: Bearer})
 *   <li>{@code /redirect}: 302 to {@code /ok}
 *   <li>{@code /redirect-ip}: 302 to {@code https://127.0.0.1:PORT/ok} (another host name)
 *   <li>{@code /loop}: 302 to itself, forever
 *   <li>{@code /flaky/KEY}: 408 the first time a key is seen (OkHttp retries), then 200
 *   <li>{@code /reset}: drops the connection without answering, when {@link
 *       #dropsConnectionsOnReset()}
 *   <li>{@code /slow}: answers only after {@link #close()} or five seconds
 *   <li>{@code /stream}: sends the headers and {@code late-} at once, and the rest of the body
 *       ({@code body}) only after {@link #releaseStream()}
 * </ul>
 *
 * and records the headers of every request it receives, in order.
 */
interface TestServer extends AutoCloseable {
  int port();

  /** {@code https://localhost:PORT} + path. */
  default String url(String path) {
    return "https://localhost:" + port() + path;
  }

  /** The leaf certificate the server presents. */
  X509Certificate certificate();

  /** The next request received, waiting up to the timeout; null when none arrived. */
  Received takeRequest(long timeout, TimeUnit unit) throws InterruptedException;

  default Received takeRequest() throws InterruptedException {
    Received r = takeRequest(5, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("the server received no request");
    }
    return r;
  }

  /** Whether {@code /reset} drops the connection; a server that cannot says why. */
  default boolean dropsConnectionsOnReset() {
    return true;
  }

  /** Lets {@code /stream} send its body. */
  void releaseStream();

  @Override
  void close() throws Exception;
}
