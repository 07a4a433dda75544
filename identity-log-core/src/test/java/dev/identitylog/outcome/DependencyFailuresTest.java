package dev.identitylog.outcome;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DependencyFailuresTest {
  @Test
  void httpStatuses() {
    assertThat(DependencyFailures.fromHttpStatus(200)).isNull();
    assertThat(DependencyFailures.fromHttpStatus(404)).isNull();
    assertThat(DependencyFailures.fromHttpStatus(401)).isEqualTo(Reason.UPSTREAM_UNAUTHENTICATED);
    assertThat(DependencyFailures.fromHttpStatus(403)).isEqualTo(Reason.UPSTREAM_FORBIDDEN);
    assertThat(DependencyFailures.fromHttpStatus(429)).isEqualTo(Reason.THROTTLED);
    assertThat(DependencyFailures.fromHttpStatus(503)).isEqualTo(Reason.UPSTREAM_UNAVAILABLE);
    // The hop that answered 504 timed out on its own upstream; the call that received it did not.
    assertThat(DependencyFailures.fromHttpStatus(504)).isEqualTo(Reason.UPSTREAM_ERROR);
    assertThat(DependencyFailures.fromHttpStatus(502)).isEqualTo(Reason.UPSTREAM_ERROR);
  }

  @Test
  void grpcStatuses() {
    assertThat(DependencyFailures.fromGrpcStatus(null)).isNull();
    assertThat(DependencyFailures.fromGrpcStatus("OK")).isNull();
    assertThat(DependencyFailures.fromGrpcStatus("NOT_FOUND")).isNull();
    assertThat(DependencyFailures.fromGrpcStatus("DEADLINE_EXCEEDED")).isEqualTo(Reason.TIMEOUT);
    assertThat(DependencyFailures.fromGrpcStatus("CANCELLED")).isEqualTo(Reason.CLIENT_ABORT);
    assertThat(DependencyFailures.fromGrpcStatus("DATA_LOSS")).isEqualTo(Reason.UPSTREAM_ERROR);
  }

  @Test
  void statusTextAsEventsWriteIt() {
    assertThat(DependencyFailures.fromStatus("504")).isEqualTo(Reason.UPSTREAM_ERROR);
    assertThat(DependencyFailures.fromStatus("401")).isEqualTo(Reason.UPSTREAM_UNAUTHENTICATED);
    assertThat(DependencyFailures.fromStatus("UNAVAILABLE")).isEqualTo(Reason.UPSTREAM_UNAVAILABLE);
    assertThat(DependencyFailures.fromStatus("200")).isNull();
    assertThat(DependencyFailures.fromStatus("5x0")).isNull();
    assertThat(DependencyFailures.fromStatus("")).isNull();
    assertThat(DependencyFailures.fromStatus(null)).isNull();
  }
}
