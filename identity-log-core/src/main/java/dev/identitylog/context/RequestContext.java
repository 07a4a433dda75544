package dev.identitylog.context;

import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;

/**
 * The process's storage of the current request record, and the ways to carry that record where
 * the storage alone does not: to another thread, into a reactive pipeline, into a message
 * listener.
 *
 * <pre>{@code
 * executor.execute(RequestContext.wrap(() -> client.call()));     // executor hop
 * ContextRecord captured = RequestContext.current();              // reactive: capture ...
 * try (Scope s = RequestContext.attach(captured)) { ... }         // ... and re-attach per signal
 * }</pre>
 *
 * <p>The storage is chosen once per process: {@link #useStorage} before the first request, or the
 * system property {@value #STORAGE_PROPERTY} ({@code thread-local}, the default, or {@code
 * opentelemetry}).
 */
public final class RequestContext {
  /** System property naming the storage: {@code thread-local} or {@code opentelemetry}. */
  public static final String STORAGE_PROPERTY = "dev.identitylog.context.storage";

  private static volatile RequestContextStorage storage = fromProperty();

  private RequestContext() {}

  private static RequestContextStorage fromProperty() {
    String name;
    try {
      name = System.getProperty(STORAGE_PROPERTY);
    } catch (SecurityException e) {
      name = null;
    }
    if (name != null && "opentelemetry".equals(name.trim().toLowerCase(Locale.ROOT))) {
      return RequestContextStorage.openTelemetry();
    }
    return RequestContextStorage.threadLocal();
  }

  /**
   * Replaces the storage. Call it at startup, before any request: a record attached to the old
   * storage is not visible through the new one.
   */
  public static void useStorage(RequestContextStorage replacement) {
    if (replacement == null) {
      throw new NullPointerException("storage");
    }
    storage = replacement;
  }

  /** The storage in use. */
  public static RequestContextStorage storage() {
    return storage;
  }

  /** The record current on this thread, or {@code null}. */
  public static ContextRecord current() {
    return storage.current();
  }

  /** Makes {@code record} current until the scope closes (see {@link RequestContextStorage}). */
  public static Scope attach(ContextRecord record) {
    return storage.attach(record);
  }

  /** Wraps a task so that it runs with the record current now, wherever it runs. */
  public static Runnable wrap(Runnable task) {
    return wrap(current(), task);
  }

  /** Wraps a task so that it runs with {@code record} current. */
  public static Runnable wrap(ContextRecord record, Runnable task) {
    return () -> {
      try (Scope ignored = attach(record)) {
        task.run();
      }
    };
  }

  /** As {@link #wrap(Runnable)}, for a task with a result. */
  public static <T> Callable<T> wrap(Callable<T> task) {
    return wrap(current(), task);
  }

  /** As {@link #wrap(ContextRecord, Runnable)}, for a task with a result. */
  public static <T> Callable<T> wrap(ContextRecord record, Callable<T> task) {
    return () -> {
      try (Scope ignored = attach(record)) {
        return task.call();
      }
    };
  }

  /**
   * An executor that runs every task with the record that was current when the task was
   * submitted: hand it to the application's async code instead of wrapping each task.
   */
  public static Executor wrap(Executor executor) {
    if (executor == null) {
      throw new NullPointerException("executor");
    }
    return task -> executor.execute(wrap(task));
  }
}
