package dev.identitylog.context;

/**
 * Holds the record of the request being served for the code that runs on its behalf. The library
 * ships two: {@link #threadLocal()} (the default) and {@link #openTelemetry()}, which keeps the
 * record in {@code io.opentelemetry.context.Context} so that it rides along every hop that
 * OpenTelemetry already carries its context across (instrumented executors, Reactor, Kafka
 * listeners under the Java agent). Select one with {@link RequestContext#useStorage} before the
 * first request.
 *
 * <p>Implementations must be thread-safe, never throw, and restore exactly the previous record on
 * {@link Scope#close()}.
 */
public interface RequestContextStorage {
  /** The record current on this thread, or {@code null}. */
  ContextRecord current();

  /**
   * Makes {@code record} current until the returned scope is closed; {@code null} makes no record
   * current (for code that must run outside any request).
   */
  Scope attach(ContextRecord record);

  /** A storage of one {@link ThreadLocal}: no allocation beyond the returned scope. */
  static RequestContextStorage threadLocal() {
    return ThreadLocalStorage.INSTANCE;
  }

  /**
   * A storage backed by {@code io.opentelemetry.context.Context}: the record is a value of the
   * current OpenTelemetry context, so {@code Context.taskWrapping(executor)}, the Java agent's
   * executor instrumentation and reactive context propagation carry it without this library's
   * help.
   */
  static RequestContextStorage openTelemetry() {
    return OpenTelemetryStorage.INSTANCE;
  }
}
