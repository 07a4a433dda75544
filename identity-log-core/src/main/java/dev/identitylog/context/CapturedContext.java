package dev.identitylog.context;

import io.opentelemetry.context.Context;

/**
 * What a task takes from the thread that submitted it: the request record, the OpenTelemetry
 * {@link Context} (so the request's span, and with the OpenTelemetry storage the record itself,
 * go along) and, from the record, the MDC ids. Immutable; {@link #open()} may run on any thread,
 * any number of times (a periodic task).
 */
final class CapturedContext {
  private final ContextRecord record;
  private final Context otel;

  private CapturedContext(ContextRecord record, Context otel) {
    this.record = record;
    this.otel = otel;
  }

  /** What is current on this thread now. */
  static CapturedContext capture() {
    return new CapturedContext(RequestContext.current(), Context.current());
  }

  /** {@code record}, with this thread's OpenTelemetry context. */
  static CapturedContext of(ContextRecord record) {
    return new CapturedContext(record, Context.current());
  }

  /**
   * Makes what was captured current on this thread until the scope closes, which restores exactly
   * what was there before: the OpenTelemetry context, the record, the three MDC keys. Each part is
   * a no-op when it is already current, so a task wrapped twice (by this library and by
   * OpenTelemetry's {@code Context.taskWrapping}, in either order) is bound once.
   */
  @SuppressWarnings("MustBeClosedChecker") // the returned scope closes it: callers use try-with-resources
  Scope open() {
    io.opentelemetry.context.Scope otelScope = otel.makeCurrent();
    Scope attached = Scope.NOOP;
    Scope mdc = Scope.NOOP;
    try {
      attached = RequestContext.attach(record);
      mdc = MdcIds.put(record);
    } catch (RuntimeException e) {
      // A storage that fails must not fail the task: it runs with what could be bound.
    }
    Scope attachedScope = attached;
    Scope mdcScope = mdc;
    return () -> {
      // Reverse order of opening; each part restored even when another fails, and a failing
      // storage or MDC adapter does not fail the task, as on opening.
      try {
        closeQuietly(mdcScope);
        closeQuietly(attachedScope);
      } finally {
        otelScope.close();
      }
    };
  }

  private static void closeQuietly(Scope scope) {
    try {
      scope.close();
    } catch (RuntimeException e) {
      // As in open(): what could not be restored is left, the task's own outcome stands.
    }
  }

  /** Runs {@code task} with what was captured, and restores the thread after, even when it throws. */
  void run(Runnable task) {
    try (Scope ignored = open()) {
      task.run();
    }
  }

  ContextRecord record() {
    return record;
  }
}
