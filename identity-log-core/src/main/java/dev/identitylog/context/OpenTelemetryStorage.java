package dev.identitylog.context;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;

/** Keeps the record as a value of the current OpenTelemetry {@link Context}. */
final class OpenTelemetryStorage implements RequestContextStorage {
  static final OpenTelemetryStorage INSTANCE = new OpenTelemetryStorage();

  private static final ContextKey<ContextRecord> KEY = ContextKey.named("identity-log-request");

  private OpenTelemetryStorage() {}

  @Override
  public ContextRecord current() {
    return Context.current().get(KEY);
  }

  @Override
  @SuppressWarnings("MustBeClosedChecker") // the caller owns the scope: it closes ours with it
  public Scope attach(ContextRecord record) {
    Context context = Context.current();
    if (context.get(KEY) == record) {
      return Scope.NOOP;
    }
    io.opentelemetry.context.Scope otel = context.with(KEY, record).makeCurrent();
    return otel::close;
  }

  @Override
  public String toString() {
    return "OpenTelemetryStorage";
  }
}
