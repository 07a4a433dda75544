package dev.identitylog.bench.load;

import dev.identitylog.bench.CountingLogExporter;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The OpenTelemetry SDK of the {@code identity-log-otel} configuration, as a user would set it up:
 * an {@link SdkLoggerProvider} with the SDK's {@link BatchLogRecordProcessor} (its defaults: a
 * queue of 2 048 records, batches of 512, a worker thread) in front of an exporter. The exporter
 * counts and drops, so the figure is the library's and the SDK's cost without any network.
 *
 * <p>Two counts make a broken configuration visible: the records the SDK received from the library
 * (a counter in front of the batch processor, one {@link LongAdder} increment per record) and the
 * records it exported. Their difference is what the batch processor dropped when its queue was full.
 */
final class OtelPipeline {
  private final LongAdder received = new LongAdder();
  private final LongAdder exported = new LongAdder();
  private final SdkLoggerProvider loggerProvider;
  private final OpenTelemetrySdk sdk;

  OtelPipeline() {
    LogRecordProcessor batch = BatchLogRecordProcessor.builder(new CountingLogExporter(exported)).build();
    loggerProvider = SdkLoggerProvider.builder()
        .addLogRecordProcessor(new Counting(batch, received))
        .build();
    sdk = OpenTelemetrySdk.builder().setLoggerProvider(loggerProvider).build();
  }

  OpenTelemetrySdk sdk() {
    return sdk;
  }

  /** Exports what is still queued (waiting a bounded time) and stops the worker. */
  void shutdown() {
    loggerProvider.shutdown().join(10, TimeUnit.SECONDS);
  }

  long received() {
    return received.sum();
  }

  long exported() {
    return exported.sum();
  }

  /** Counts the records handed to the batch processor, then hands them on. */
  private static final class Counting implements LogRecordProcessor {
    private final LogRecordProcessor next;
    private final LongAdder count;

    Counting(LogRecordProcessor next, LongAdder count) {
      this.next = next;
      this.count = count;
    }

    @Override
    public void onEmit(Context context, ReadWriteLogRecord logRecord) {
      count.increment();
      next.onEmit(context, logRecord);
    }

    @Override
    public CompletableResultCode shutdown() {
      return next.shutdown();
    }

    @Override
    public CompletableResultCode forceFlush() {
      return next.forceFlush();
    }
  }
}
