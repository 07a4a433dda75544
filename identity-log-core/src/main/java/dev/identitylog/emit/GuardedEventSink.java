package dev.identitylog.emit;

import dev.identitylog.event.IdentityEvent;
import dev.identitylog.internal.LossCounter;
import dev.identitylog.internal.Throwables;
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
 * <p>Every {@code Throwable} is caught except the fatal ones ({@code VirtualMachineError}s such as
 * {@code OutOfMemoryError}, {@code ThreadDeath}), which are rethrown: the request is more important
 * than its log line, but a broken JVM is not the library's to hide. A {@code LinkageError} from the
 * sink is caught and counted like any failure: it means the library the sink writes to is on
 * another version than the sink was built for (an OpenTelemetry API older than the one compiled
 * against), a broken integration rather than a broken JVM, and rethrown it would fail every request
 * the application serves. An interruption is not swallowed: the thread's interrupt flag is restored.
 *
 * <p>Some sinks lose events without throwing: a Logback appender that cannot write (a full disk)
 * reports only to Logback's status manager. For the SLF4J sink on Logback, such losses are counted
 * by the shipped encoder (see {@link dev.identitylog.emit.logback.IdentityEventEncoder}); this guard
 * adds them to {@link #dropped()} and reports them by the same rate-limited WARN.
 *
 * <p>Thread-safe.
 */
public final class GuardedEventSink implements EventSink {
  /** The logger that reports failing sinks. */
  public static final String INTERNAL_LOGGER = "identity.internal";

  static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final int MAX_MESSAGE_LENGTH = 256;

  private final EventSink delegate;
  // Losses the delegate's backend reported without throwing, or null.
  private final LossCounter backendLosses;
  private long reportedBackendLosses; // racy on purpose: at worst a loss is reported twice
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
    this.backendLosses =
        delegate instanceof Slf4jEventSink ? ((Slf4jEventSink) delegate).backendLosses() : null;
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
    } catch (LinkageError t) {
      failed(t);
      return;
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      failed(t);
      return;
    }
    LossCounter losses = backendLosses;
    if (losses != null && losses.count() != reportedBackendLosses) {
      backendLost(losses);
    }
  }

  /**
   * How many events were lost: those the sink threw on, plus those its logging backend reported
   * lost (Logback with the shipped encoder).
   */
  public long dropped() {
    LossCounter losses = backendLosses;
    return dropped.get() + (losses == null ? 0 : losses.count());
  }

  /** The guarded sink. */
  public EventSink delegate() {
    return delegate;
  }

  // Losses stay unreported until a warning slot is free, so the next warning includes them.
  private void backendLost(LossCounter losses) {
    try {
      if (!takeWarnSlot()) {
        return;
      }
      reportedBackendLosses = losses.count();
      if (warnings.isWarnEnabled()) {
        Throwable cause = losses.lastCause();
        String message = cause == null ? null : Sanitizer.clean(cause.getMessage(), MAX_MESSAGE_LENGTH);
        warnings.warn(
            "Identity events lost by appender {}; {} event(s) dropped so far; last error: {}: {}",
            Sanitizer.clean(String.valueOf(losses.lastWhere()), MAX_MESSAGE_LENGTH),
            dropped(),
            cause == null ? "unknown" : cause.getClass().getName(),
            message == null ? "(no message)" : message);
      }
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      // Reporting must not fail the request.
    }
  }

  // One thread wins the slot; the others only count. nanoTime may wrap: compare differences.
  private boolean takeWarnSlot() {
    long now = nanoClock.getAsLong();
    long due = nextWarnAt.get();
    return now - due >= 0 && nextWarnAt.compareAndSet(due, now + WARN_INTERVAL_NANOS);
  }

  private void failed(Throwable t) {
    if (t instanceof InterruptedException || t instanceof InterruptedIOException) {
      Thread.currentThread().interrupt();
    }
    dropped.incrementAndGet();
    lastError = t;
    try {
      if (takeWarnSlot()) {
        warn(dropped());
      }
    } catch (Throwable reporting) {
      Throwables.propagateIfFatal(reporting);
      // Reporting must not fail either (e.g. a broken logging backend).
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
    return "GuardedEventSink{" + delegate + ", dropped=" + dropped() + "}";
  }
}
