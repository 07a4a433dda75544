package dev.identitylog.context;

import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The process's storage of the current request record, and the ways to carry that record where
 * the storage alone does not: to another thread, into a reactive pipeline, into a message
 * listener.
 *
 * <pre>{@code
 * ExecutorService pool = RequestContext.wrap(Executors.newFixedThreadPool(4)); // once, at startup
 * pool.submit(() -> client.call());                               // carries the submitting request
 * CompletableFuture.supplyAsync(() -> client.call(), pool);       // every async stage on it too
 * executor.execute(RequestContext.wrap(() -> client.call()));     // or one task at a time
 * ContextRecord captured = RequestContext.current();              // reactive: capture ...
 * try (Scope s = RequestContext.bind(captured)) { ... }           // ... and re-bind per signal
 * }</pre>
 *
 * <p>What a task carries: the request record, the OpenTelemetry {@code Context} current where it
 * was submitted, and the record's ids in the SLF4J MDC ({@code trace.id}, {@code span.id}, {@code
 * identity.request.id}; only these keys, the rest of the MDC is the application's). A task that
 * outlives its request still runs with it: its outbound calls carry the request's trace and
 * request id, while what it records into the ended request is dropped and counted ({@code
 * IdentityLog.lateDecisions()}), never written into the event already emitted.
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

  /**
   * Makes {@code record} current and puts its ids in the SLF4J MDC ({@code trace.id}, {@code
   * span.id}, {@code identity.request.id}) until the scope closes, which restores exactly what
   * was there: the previous record, and the previous values of those three keys (absent ones
   * removed). The rest of the MDC is left alone. For code that carries a record by hand, such as
   * a context-propagation accessor.
   */
  public static Scope bind(ContextRecord record) {
    Scope attached = attach(record);
    Scope mdc = MdcIds.put(record);
    return () -> {
      mdc.close();
      attached.close();
    };
  }

  // ------------------------------------------------------------------ tasks

  /**
   * Wraps a task so that it runs, wherever it runs, with what is current here now: the request
   * record ({@link dev.identitylog.RequestIdentity#current()} and the client adapters see it, so
   * outbound calls join the request), the OpenTelemetry {@code Context} (the request's span), and
   * the record's ids in the MDC. The thread that runs it gets back exactly what it had, also when
   * the task throws.
   */
  public static Runnable wrap(Runnable task) {
    return wrap(CapturedContext.capture(), task);
  }

  /** Wraps a task so that it runs with {@code record} current (as {@link #wrap(Runnable)}). */
  public static Runnable wrap(ContextRecord record, Runnable task) {
    return wrap(CapturedContext.of(record), task);
  }

  static Runnable wrap(CapturedContext captured, Runnable task) {
    requireTask(task);
    return () -> captured.run(task);
  }

  /** As {@link #wrap(Runnable)}, for a task with a result. */
  public static <T> Callable<T> wrap(Callable<T> task) {
    return wrap(CapturedContext.capture(), task);
  }

  /** As {@link #wrap(ContextRecord, Runnable)}, for a task with a result. */
  public static <T> Callable<T> wrap(ContextRecord record, Callable<T> task) {
    return wrap(CapturedContext.of(record), task);
  }

  static <T> Callable<T> wrap(CapturedContext captured, Callable<T> task) {
    requireTask(task);
    return () -> {
      try (Scope ignored = captured.open()) {
        return task.call();
      }
    };
  }

  /**
   * As {@link #wrap(Runnable)}, for {@code CompletableFuture.supplyAsync(wrapSupplier(..),
   * executor)}. (Not an overload of {@code wrap}: a lambda would fit both it and {@code Callable}.)
   */
  public static <T> Supplier<T> wrapSupplier(Supplier<T> task) {
    requireTask(task);
    CapturedContext captured = CapturedContext.capture();
    return () -> {
      try (Scope ignored = captured.open()) {
        return task.get();
      }
    };
  }

  /**
   * As {@link #wrap(Runnable)}, for a stage such as {@code thenApply} that runs on whichever
   * thread completed the future before it (an HTTP client's, a broker's).
   */
  public static <T, R> Function<T, R> wrapFunction(Function<T, R> task) {
    requireTask(task);
    CapturedContext captured = CapturedContext.capture();
    return t -> {
      try (Scope ignored = captured.open()) {
        return task.apply(t);
      }
    };
  }

  /** As {@link #wrapFunction}, for {@code thenAccept}. */
  public static <T> Consumer<T> wrapConsumer(Consumer<T> task) {
    requireTask(task);
    CapturedContext captured = CapturedContext.capture();
    return t -> {
      try (Scope ignored = captured.open()) {
        task.accept(t);
      }
    };
  }

  /** As {@link #wrapFunction}, for {@code whenComplete}. */
  public static <T, U> BiConsumer<T, U> wrapBiConsumer(BiConsumer<T, U> task) {
    requireTask(task);
    CapturedContext captured = CapturedContext.capture();
    return (t, u) -> {
      try (Scope ignored = captured.open()) {
        task.accept(t, u);
      }
    };
  }

  /** As {@link #wrapFunction}, for {@code handle} and {@code thenCombine}. */
  public static <T, U, R> BiFunction<T, U, R> wrapBiFunction(BiFunction<T, U, R> task) {
    requireTask(task);
    CapturedContext captured = CapturedContext.capture();
    return (t, u) -> {
      try (Scope ignored = captured.open()) {
        return task.apply(t, u);
      }
    };
  }

  private static void requireTask(Object task) {
    if (task == null) {
      throw new NullPointerException("task");
    }
  }

  // ------------------------------------------------------------------ executors

  /**
   * An executor that runs every task with what was current where the task was submitted (as
   * {@link #wrap(Runnable)}): hand it to the application's async code, or to {@code
   * CompletableFuture}'s {@code *Async} methods, instead of wrapping each task. Wrapping a wrapped
   * executor returns it unchanged.
   */
  public static Executor wrap(Executor executor) {
    if (executor instanceof ContextExecutor || executor instanceof ContextExecutorService) {
      return executor;
    }
    return new ContextExecutor(executor);
  }

  /**
   * As {@link #wrap(Executor)}, for every way of handing over work: {@code execute}, the {@code
   * submit}s, {@code invokeAll} and {@code invokeAny}. Lifecycle calls reach {@code executor}
   * unchanged.
   */
  public static ExecutorService wrap(ExecutorService executor) {
    if (executor instanceof ContextExecutorService) {
      return executor;
    }
    return new ContextExecutorService(executor);
  }

  /**
   * As {@link #wrap(ExecutorService)}, and for {@code schedule}, {@code scheduleAtFixedRate} and
   * {@code scheduleWithFixedDelay}. A periodic task keeps the request it was scheduled in for
   * every run.
   */
  public static ScheduledExecutorService wrap(ScheduledExecutorService executor) {
    if (executor instanceof ContextScheduledExecutorService) {
      return executor;
    }
    return new ContextScheduledExecutorService(executor);
  }
}
