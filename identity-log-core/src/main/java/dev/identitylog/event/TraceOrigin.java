package dev.identitylog.event;

import dev.identitylog.outcome.Coded;

/** Where this hop's trace id came from ({@code identity.trace.origin}). */
public enum TraceOrigin implements Coded {
  TRACEPARENT("traceparent"),
  B3("b3"),
  AWS("aws"),
  /** The active OpenTelemetry span. */
  OTEL("otel"),
  /** Nothing was received; this hop started the trace. */
  GENERATED("generated"),
  /** Something was received but was invalid, and was replaced. */
  INVALID("invalid");

  private final String code;

  TraceOrigin(String code) {
    this.code = code;
  }

  @Override
  public String code() {
    return code;
  }
}
