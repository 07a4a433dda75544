package dev.identitylog.jdkhttp;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import java.util.concurrent.CancellationException;

/**
 * Translates the JDK client's exceptions into the forms the core's {@code DependencyFailures}
 * classifies, where the JDK's differ from the socket exceptions it knows: the JDK has timeout
 * types of its own, and wraps an unresolvable host in a {@code ConnectException}, which the core
 * would otherwise read as a refused connection. Anything else goes to the core as it is.
 *
 * <p>The stand-ins below are only classified, never thrown and never logged: the application always
 * gets the JDK's own exception.
 */
final class JdkFailures {
  private static final int MAX_CAUSE_DEPTH = 16;

  /** The core's rule: a connect timeout is a connection failure (nothing answered the handshake). */
  private static final Throwable CONNECT_TIMEOUT = new SocketTimeoutException("connect timed out");
  private static final Throwable TIMEOUT = new SocketTimeoutException("timed out");
  private static final Throwable DNS = new UnknownHostException();
  private static final Throwable CANCELLED = new CancellationException();
  private static final Throwable RESET = new SocketException("reset");

  private JdkFailures() {}

  static Throwable forClassification(Throwable error) {
    if (error == null) {
      return new IOException(); // ended without a response and without a cause: protocol_error
    }
    Throwable t = error;
    for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++, t = t.getCause()) {
      if (t instanceof CancellationException || t instanceof InterruptedException) {
        // The caller cancelled the future, or interrupted the thread waiting in send().
        return CANCELLED;
      }
      if (t instanceof HttpConnectTimeoutException) {
        return CONNECT_TIMEOUT;
      }
      if (t instanceof HttpTimeoutException) {
        return TIMEOUT;
      }
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return DNS;
      }
    }
    t = error;
    for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++, t = t.getCause()) {
      if (t.getClass() == IOException.class || t instanceof EOFException) {
        String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
        // The JDK reports a connection dropped under the request as a plain IOException.
        if (m.contains("reset") || m.contains("received no bytes") || m.contains("closed")) {
          return RESET;
        }
      }
      if (t instanceof ConnectException) {
        return error; // the core's rules apply as they are
      }
    }
    return error;
  }
}
