package dev.identitylog.context;

import org.slf4j.MDC;

/**
 * The SLF4J MDC keys the library sets from a record's ids, so the application's own log lines
 * join the event. Only these three keys: the rest of the MDC belongs to the application (or to
 * whatever propagates it, such as Micrometer's context-propagation) and is never copied, cleared
 * or restored here.
 */
final class MdcIds {
  static final String TRACE_ID = "trace.id";
  static final String SPAN_ID = "span.id";
  static final String REQUEST_ID = "identity.request.id";

  private MdcIds() {}

  /**
   * Puts {@code record}'s ids under the three keys (removing a key whose id is absent, so a
   * worker's stale value never passes for this record's) until the scope closes; closing puts back
   * exactly what the keys held before, absent ones removed. Never throws: an MDC adapter that
   * refuses is no reason to fail a task.
   */
  static Scope put(ContextRecord record) {
    String trace = record == null ? null : record.traceId();
    String span = record == null ? null : record.spanId();
    String request = record == null ? null : record.requestId();
    String prevTrace;
    String prevSpan;
    String prevRequest;
    try {
      prevTrace = MDC.get(TRACE_ID);
      prevSpan = MDC.get(SPAN_ID);
      prevRequest = MDC.get(REQUEST_ID);
    } catch (RuntimeException e) {
      return Scope.NOOP;
    }
    if (equal(trace, prevTrace) && equal(span, prevSpan) && equal(request, prevRequest)) {
      return Scope.NOOP; // already bound (same thread, or wrapped twice): nothing to undo
    }
    set(TRACE_ID, trace);
    set(SPAN_ID, span);
    set(REQUEST_ID, request);
    return () -> {
      set(TRACE_ID, prevTrace);
      set(SPAN_ID, prevSpan);
      set(REQUEST_ID, prevRequest);
    };
  }

  private static boolean equal(String a, String b) {
    return a == null ? b == null : a.equals(b);
  }

  private static void set(String key, String value) {
    try {
      if (value == null) {
        MDC.remove(key);
      } else {
        MDC.put(key, value);
      }
    } catch (RuntimeException ignored) {
      // An MDC adapter that refuses is no reason to fail a task.
    }
  }
}
