package dev.identitylog.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the library's own failures at WARN, at most once a minute, so that a failure repeated on
 * every request cannot flood the application's log. Never includes event values: only where it
 * happened, the exception's class and message, and the running count.
 */
public final class InternalWarnings {
  private static final Logger LOG = LoggerFactory.getLogger("identity.internal");
  private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final AtomicLong nextAllowed = new AtomicLong(System.nanoTime());

  /**
   * Warns once about a configuration that does not do what it appears to do; called when an
   * {@code IdentityLog} is built, never on the request path.
   */
  public static void configuration(String message) {
    try {
      LOG.warn("identity-log configuration: {}", message);
    } catch (Throwable ignored) {
      Throwables.propagateIfFatal(ignored);
      // A logging backend that fails must not fail the application's start either.
    }
  }

  /** Logs {@code format} (an SLF4J pattern of two arguments) at WARN, at most once a minute. */
  public void notice(String format, Object first, long total) {
    try {
      if (allowed()) {
        LOG.warn(format, first, total);
      }
    } catch (Throwable ignored) {
      Throwables.propagateIfFatal(ignored);
      // Logging about logging must not fail the request either.
    }
  }

  private boolean allowed() {
    long now = System.nanoTime();
    long next = nextAllowed.get();
    return now - next >= 0 && nextAllowed.compareAndSet(next, now + INTERVAL_NANOS);
  }

  public void warn(String where, Throwable t, long total) {
    try {
      if (allowed()) {
        LOG.warn(
            "identity-log caught a failure of its own in {} ({} so far); the request was not affected: {}: {}",
            where,
            total,
            t.getClass().getName(),
            // A message may quote input; keep it short and on one line.
            dev.identitylog.redact.Sanitizer.clean(String.valueOf(t.getMessage()), 200));
      }
    } catch (Throwable ignored) {
      Throwables.propagateIfFatal(ignored);
      // Logging about logging must not fail the request either.
    }
  }
}
