package dev.identitylog.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.outcome.Reason;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class DependencyFailuresTest {
  @Test
  void classifiesHttpAnswers() {
    assertThat(DependencyFailures.fromHttpStatus(200)).isNull();
    assertThat(DependencyFailures.fromHttpStatus(404)).isNull();
    assertThat(DependencyFailures.fromHttpStatus(401)).isEqualTo(Reason.UPSTREAM_UNAUTHENTICATED);
    assertThat(DependencyFailures.fromHttpStatus(403)).isEqualTo(Reason.UPSTREAM_FORBIDDEN);
    assertThat(DependencyFailures.fromHttpStatus(503)).isEqualTo(Reason.UPSTREAM_UNAVAILABLE);
    assertThat(DependencyFailures.fromHttpStatus(500)).isEqualTo(Reason.UPSTREAM_ERROR);
    assertThat(DependencyFailures.fromHttpStatus(502)).isEqualTo(Reason.UPSTREAM_ERROR);
    assertThat(DependencyFailures.fromHttpStatus(429)).isEqualTo(Reason.THROTTLED);
  }

  @Test
  void classifiesGrpcStatuses() {
    assertThat(DependencyFailures.fromGrpcStatus("OK")).isNull();
    assertThat(DependencyFailures.fromGrpcStatus("NOT_FOUND")).isNull();
    assertThat(DependencyFailures.fromGrpcStatus("UNAVAILABLE")).isEqualTo(Reason.UPSTREAM_UNAVAILABLE);
    assertThat(DependencyFailures.fromGrpcStatus("DEADLINE_EXCEEDED")).isEqualTo(Reason.TIMEOUT);
    assertThat(DependencyFailures.fromGrpcStatus("UNAUTHENTICATED"))
        .isEqualTo(Reason.UPSTREAM_UNAUTHENTICATED);
    assertThat(DependencyFailures.fromGrpcStatus("PERMISSION_DENIED"))
        .isEqualTo(Reason.UPSTREAM_FORBIDDEN);
    assertThat(DependencyFailures.fromGrpcStatus("DATA_LOSS")).isEqualTo(Reason.UPSTREAM_ERROR);
    assertThat(DependencyFailures.fromGrpcStatus("CANCELLED")).isEqualTo(Reason.CLIENT_ABORT);
  }

  @Test
  void classifiesExceptionsThroughTheirCauses() {
    assertThat(DependencyFailures.fromException(new UnknownHostException("x.invalid")))
        .isEqualTo(Reason.DNS_FAILURE);
    assertThat(DependencyFailures.fromException(new ConnectException("Connection refused")))
        .isEqualTo(Reason.CONNECT_FAILURE);
    assertThat(DependencyFailures.fromException(new NoRouteToHostException()))
        .isEqualTo(Reason.NO_ROUTE);
    assertThat(DependencyFailures.fromException(new SocketTimeoutException("Read timed out")))
        .isEqualTo(Reason.TIMEOUT);
    assertThat(DependencyFailures.fromException(new SocketTimeoutException("connect timed out")))
        .isEqualTo(Reason.CONNECT_FAILURE);
    assertThat(DependencyFailures.fromException(new InterruptedIOException("timeout")))
        .isEqualTo(Reason.TIMEOUT);
    assertThat(DependencyFailures.fromException(new SSLHandshakeException("PKIX path")))
        .isEqualTo(Reason.UPSTREAM_TLS_FAILURE);
    assertThat(DependencyFailures.fromException(new SocketException("Connection reset")))
        .isEqualTo(Reason.RESET);
    assertThat(DependencyFailures.fromException(new EOFException())).isEqualTo(Reason.RESET);
    assertThat(DependencyFailures.fromException(new ProtocolException("Too many follow-up requests: 21")))
        .isEqualTo(Reason.RETRY_EXHAUSTED);
    assertThat(DependencyFailures.fromException(new IOException("wrapped", new ConnectException())))
        .isEqualTo(Reason.CONNECT_FAILURE);
    assertThat(DependencyFailures.fromException(new IllegalStateException("odd")))
        .isEqualTo(Reason.PROTOCOL_ERROR);
  }

  @Test
  void aCallerCancellingItsOwnCallIsNotTheDependencysFailure() {
    assertThat(DependencyFailures.fromException(new IOException("Canceled")))
        .isEqualTo(Reason.CLIENT_ABORT);
    assertThat(DependencyFailures.fromException(new java.util.concurrent.CancellationException()))
        .isEqualTo(Reason.CLIENT_ABORT);
  }

  @Test
  void survivesCyclicCauses() {
    IOException a = new IOException("a");
    IOException b = new IOException("b", a);
    a.initCause(b);
    assertThat(DependencyFailures.fromException(a)).isEqualTo(Reason.PROTOCOL_ERROR);
  }
}
