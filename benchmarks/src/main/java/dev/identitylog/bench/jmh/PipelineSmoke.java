package dev.identitylog.bench.jmh;

/**
 * Runs each {@link PipelineBenchmark} method once outside JMH, for the build's smoke test: the
 * pipeline is wired (filter → sink → Logback → counting stream, and the OpenTelemetry SDK).
 */
public final class PipelineSmoke {
  private PipelineSmoke() {}

  /**
   * What one call of each method left behind; {@code encoderPathLines} are the lines of {@code
   * warmEncoderPath}, through Logback's own appender (one call).
   */
  public record Counts(long loggedCalls, long logLines, long bytes, long exportedRecords,
      long encoderPathLines) {}

  public static Counts runEachOnce() throws Exception {
    PipelineBenchmark b = new PipelineBenchmark();
    b.setUp();
    int[] statuses = {
      b.baseline(), b.warm(), b.mtlsJwtTraceparent(), b.firstSeenCertificate(), b.firstSeenToken(),
      b.openTelemetry(), b.warmEncoderPath()
    };
    for (int status : statuses) {
      if (status != 200) {
        throw new IllegalStateException("a benchmark call answered " + status);
      }
    }
    Counts counts = new Counts(
        4, b.linesWritten(), b.bytesWritten(), b.exportedRecords(), b.encoderPathLines());
    b.tearDown();
    return counts;
  }

  /**
   * Runs each {@link JettyPipelineBenchmark} method once (two requests through real Jetty, one
   * through the filter); the event lines written, once the teardown has checked their count.
   */
  public static long runJettyEachOnce() throws Exception {
    JettyPipelineBenchmark b = new JettyPipelineBenchmark();
    b.setUp();
    try {
      if (b.noFilter() != 200 || b.identityLog() != 200) {
        throw new IllegalStateException("a Jetty benchmark call did not answer 200");
      }
      JettyCost.awaitLines(b.out(), 1);
      return b.linesWritten();
    } finally {
      b.tearDown();
    }
  }
}
