package dev.identitylog.okhttp;

import dev.identitylog.protocol.ServerRecord;
import io.opentelemetry.context.Context;

/**
 * What was current when the application created a call: the inbound request being served and the
 * OpenTelemetry context. Immutable; a request tag.
 */
final class CallContext {
  final ServerRecord parent; // may be null
  final Context otel; // may be null

  CallContext(ServerRecord parent, Context otel) {
    this.parent = parent;
    this.otel = otel;
  }
}
