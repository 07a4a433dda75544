package dev.identitylog.internal.exchange;

import dev.identitylog.outcome.Reason;
import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Classifies how an outbound call failed, from its exception or its answer, into the dependency
 * reasons of SPEC section 4. Shared by every client adapter so that OkHttp and gRPC calls that fail
 * the same way are logged the same way. Statuses are classified by {@link
 * dev.identitylog.outcome.DependencyFailures}, which {@code correlate} uses too; the status methods
 * here only delegate to it.
 */
public final class DependencyFailures {
  private static final int MAX_CAUSE_DEPTH = 16;

  private DependencyFailures() {}

  /** The reason for an HTTP answer; see {@link dev.identitylog.outcome.DependencyFailures}. */
  public static Reason fromHttpStatus(int status) {
    return dev.identitylog.outcome.DependencyFailures.fromHttpStatus(status);
  }

  /** The reason for a gRPC status name; see {@link dev.identitylog.outcome.DependencyFailures}. */
  public static Reason fromGrpcStatus(String statusName) {
    return dev.identitylog.outcome.DependencyFailures.fromGrpcStatus(statusName);
  }

  /**
   * The reason for a call that ended with this exception, looking through its causes; {@link
   * Reason#CLIENT_ABORT} when the caller cancelled the call itself, {@link Reason#PROTOCOL_ERROR}
   * when nothing more specific is known. Never {@code null}.
   */
  public static Reason fromException(Throwable error) {
    Throwable t = error;
    for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++, t = t.getCause()) {
      Reason r = direct(t);
      if (r != null) {
        return r;
      }
    }
    return Reason.PROTOCOL_ERROR;
  }

  private static Reason direct(Throwable t) {
    if (t instanceof java.util.concurrent.CancellationException
        || (t instanceof java.io.IOException && "Canceled".equals(t.getMessage()))) {
      // The caller cancelled its own call (OkHttp says "Canceled"): not the dependency's failure.
      return Reason.CLIENT_ABORT;
    }
    if (t instanceof UnknownHostException) {
      return Reason.DNS_FAILURE;
    }
    if (t instanceof NoRouteToHostException) {
      return Reason.NO_ROUTE;
    }
    if (t instanceof ConnectException) {
      return Reason.CONNECT_FAILURE;
    }
    if (t instanceof SocketTimeoutException) {
      // OkHttp reports a connect timeout as SocketTimeoutException("connect timed out"): the peer
      // never answered the handshake, which is a connection failure, not a slow answer.
      String m = lower(t.getMessage());
      return m.contains("connect") ? Reason.CONNECT_FAILURE : Reason.TIMEOUT;
    }
    if (t instanceof SSLException || t instanceof CertificateException) {
      return Reason.UPSTREAM_TLS_FAILURE;
    }
    if (t instanceof InterruptedIOException) {
      String m = lower(t.getMessage());
      return m.contains("timeout") || m.contains("timed out") ? Reason.TIMEOUT : null;
    }
    if (t instanceof EOFException) {
      return Reason.RESET;
    }
    if (t instanceof SocketException) {
      String m = lower(t.getMessage());
      if (m.contains("reset") || m.contains("broken pipe") || m.contains("closed")) {
        return Reason.RESET;
      }
      return Reason.CONNECT_FAILURE;
    }
    if (t instanceof ProtocolException) {
      String m = lower(t.getMessage());
      return m.contains("too many follow-up") || m.contains("retr")
          ? Reason.RETRY_EXHAUSTED
          : Reason.PROTOCOL_ERROR;
    }
    String name = t.getClass().getSimpleName();
    if (name.equals("StreamResetException") || name.equals("ConnectionShutdownException")) {
      return Reason.RESET;
    }
    return null;
  }

  private static String lower(String s) {
    return s == null ? "" : s.toLowerCase(Locale.ROOT);
  }
}
