package dev.identitylog.bench;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import java.util.Collection;
import java.util.concurrent.atomic.LongAdder;

/**
 * An OpenTelemetry log exporter that counts and drops: the SDK's own cost without any I/O, and a
 * count to check that every event was exported.
 */
public final class CountingLogExporter implements LogRecordExporter {
  private final LongAdder exported;

  public CountingLogExporter(LongAdder exported) {
    this.exported = exported;
  }

  @Override
  public CompletableResultCode export(Collection<LogRecordData> logs) {
    exported.add(logs.size());
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }
}
