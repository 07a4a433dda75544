package dev.identitylog.okhttp;

import dev.identitylog.exchange.ServerExchange;
import io.opentelemetry.context.Context;

/**
 * What was current when the application created a call: the inbound request being served and the
 * OpenTelemetry context. Immutable; a request tag.
 */
final class CallContext {
  final ServerExchange parent; // may be null
  final Context otel; // may be null

  CallContext(ServerExchange parent, Context otel) {
    this.parent = parent;
    this.otel = otel;
  }
}
