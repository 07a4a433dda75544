package dev.identitylog.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.bench.load.Configuration;
import org.junit.jupiter.api.Test;

class BenchArgumentsTest {
  @Test
  void theFullRunMeasuresEveryConfiguration() {
    assertThat(Bench.defaultConfigurations(false)).containsExactly(Configuration.values());
  }

  @Test
  void theQuickRunLeavesOutOnlyTheOpenTelemetrySink() {
    assertThat(Bench.defaultConfigurations(true))
        .doesNotContain(Configuration.IDENTITY_LOG_OTEL)
        .hasSize(Configuration.values().length - 1)
        .contains(Configuration.NO_FILTER, Configuration.IDENTITY_LOG, Configuration.IDENTITY_LOG_ASYNC,
            Configuration.IDENTITY_LOG_MTLS, Configuration.DIY, Configuration.LOGBOOK);
  }

  @Test
  void eachConfigurationIsReadAgainstTheRunWithoutAFilterOnTheSameTransport() {
    assertThat(Configuration.IDENTITY_LOG.baseline()).isEqualTo(Configuration.NO_FILTER);
    assertThat(Configuration.DIY.baseline()).isEqualTo(Configuration.NO_FILTER);
    assertThat(Configuration.IDENTITY_LOG_MTLS.baseline()).isEqualTo(Configuration.NO_FILTER_MTLS);
    assertThat(Configuration.NO_FILTER_MTLS.baseline()).isEqualTo(Configuration.NO_FILTER_MTLS);
  }
}
