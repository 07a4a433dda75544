package dev.identitylog.emit;

import dev.identitylog.event.IdentityEvent;
import dev.identitylog.redact.Sanitizer;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a sink so that it can never fail the request that emits: whatever it throws is caught,
 * counted as a dropped event, and reported by a WARN on the logger {@value #INTERNAL_LOGGER} at
 * most once per minute, with the running count and the last error's class and message. The event
 * itself is never part of the warning.
 *
 * <p>Every {@code Throwable} is caught, {@code Error}s included, and none is rethrown: the
 * request is more important than its log line, and an {@code OutOfMemoryError} or
 * {@code StackOverflowError} raised inside a sink is better left to surface where the application
 * handles it than thrown from a logging call it cannot expect to fail. An interruption is not
 * swallowed: the thread's interrupt flag is restored.
 *
 * <p>Thread-safe.
 */
public final class GuardedEventSink implements EventSink {
  /** The logger that reports failing sinks. */
  public static final String INTERNAL_LOGGER = "identity.internal";

  static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final int MAX_MESSAGE_LENGTH = 256;

  private final EventSink delegate;
  private final Logger warnings;
  private final LongSupplier nanoClock;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong nextWarnAt;
  private volatile Throwable lastError;

  GuardedEventSink(EventSink delegate, Logger warnings, LongSupplier nanoClock) {
    if (delegate == null) {
      throw new NullPointerException("delegate");
    }
    this.delegate = delegate;
    this.warnings = warnings;
    this.nanoClock = nanoClock;
    this.nextWarnAt = new AtomicLong(nanoClock.getAsLong());
  }

  /** Guards a sink; a sink that is already guarded is returned as it is. */
  public static GuardedEventSink of(EventSink delegate) {
    if (delegate instanceof GuardedEventSink) {
      return (GuardedEventSink) delegate;
    }
    return new GuardedEventSink(
        delegate, LoggerFactory.getLogger(INTERNAL_LOGGER), System::nanoTime);
  }

  @Override
  public void emit(IdentityEvent event) {
    try {
      delegate.emit(event);
    } catch (Throwable t) {
      failed(t);
    }
  }

  /** How many events were lost because the sink threw. */
  public long dropped() {
    return dropped.get();
  }

  /** The guarded sink. */
  public EventSink delegate() {
    return delegate;
  }

  private void failed(Throwable t) {
    if (t instanceof InterruptedException || t instanceof InterruptedIOException) {
      Thread.currentThread().interrupt();
    }
    long count = dropped.incrementAndGet();
    lastError = t;
    try {
      long now = nanoClock.getAsLong();
      long due = nextWarnAt.get();
      // One thread wins the slot; the others only count. nanoTime may wrap: compare differences.
      if (now - due >= 0 && nextWarnAt.compareAndSet(due, now + WARN_INTERVAL_NANOS)) {
        warn(count);
      }
    } catch (Throwable ignored) {
      // Reporting must not fail either (e.g. a broken logging backend, or no memory left).
    }
  }

  private void warn(long count) {
    if (!warnings.isWarnEnabled()) {
      return;
    }
    Throwable last = lastError;
    String message = last == null ? null : Sanitizer.clean(last.getMessage(), MAX_MESSAGE_LENGTH);
    warnings.warn(
        "Identity event sink {} failed; {} event(s) dropped so far; last error: {}: {}",
        delegate.getClass().getName(),
        count,
        last == null ? "unknown" : last.getClass().getName(),
        message == null ? "(no message)" : message);
  }

  @Override
  public String toString() {
    return "GuardedEventSink{" + delegate + ", dropped=" + dropped.get() + "}";
  }
}
