package dev.identitylog.context;

/**
 * What a storage holds: the in-flight record of one request (or processed message). The ids are
 * what a storage may copy into the logging MDC, so the application's own log lines join the event.
 */
public interface ContextRecord {
  /** {@code trace.id}, or {@code null}. */
  String traceId();

  /** {@code span.id}, or {@code null}. */
  String spanId();

  /** {@code identity.request.id}, or {@code null}. */
  String requestId();
}
