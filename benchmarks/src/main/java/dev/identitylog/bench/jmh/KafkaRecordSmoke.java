package dev.identitylog.bench.jmh;

/**
 * Runs each {@link KafkaRecordBenchmark} method once outside JMH, for the build's smoke test: the
 * interceptor and the consumer tracing are wired to Logback and write one line per record.
 */
public final class KafkaRecordSmoke {
  private KafkaRecordSmoke() {}

  /**
   * What one call of each method left behind: lines and bytes, per side, and the consumed
   * record's value as the listener saw it.
   */
  public record Counts(long producerLines, long producerBytes, long consumerLines,
      long consumerBytes, String consumedValue) {}

  public static Counts runEachOnce() throws Exception {
    KafkaRecordBenchmark b = new KafkaRecordBenchmark();

    KafkaRecordBenchmark.Producing p = new KafkaRecordBenchmark.Producing();
    p.setUp();
    b.sendBaseline(p);
    if (b.sendIntercepted(p).headers().lastHeader("traceparent") == null) {
      throw new IllegalStateException("the interceptor wrote no traceparent");
    }
    long producerLines = p.out.lines();
    long producerBytes = p.out.bytes();
    p.tearDown();

    KafkaRecordBenchmark.Consuming c = new KafkaRecordBenchmark.Consuming();
    c.setUp();
    b.consumeBaseline(c);
    String value = b.consumeTraced(c);
    long consumerLines = c.out.lines();
    long consumerBytes = c.out.bytes();
    c.tearDown();
    return new Counts(producerLines, producerBytes, consumerLines, consumerBytes, value);
  }
}
