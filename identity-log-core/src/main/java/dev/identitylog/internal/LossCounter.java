package dev.identitylog.internal;

import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Events that a logging backend lost after the library handed them over without an exception, for
 * instance an appender whose disk is full: the backend reports such failures only to its own status
 * channel, so the library counts them here and reports them as dropped events.
 *
 * <p>Why a separate counter: the backend's components are built by the backend (from its
 * configuration file), not by the library, so they cannot reach an {@code IdentityLog}; both meet at
 * this counter, one per backend context.
 *
 * <p>Thread-safe; reading the count is one volatile read, cheap enough for every event.
 *
 * <p>Internal: not part of the API and may change between versions.
 */
public final class LossCounter {
  // Contexts do not override equals, so this compares by identity.
  private static final Map<Object, LossCounter> BY_CONTEXT = new WeakHashMap<>();

  private final AtomicLong lost = new AtomicLong();
  private volatile String lastWhere;
  private volatile Throwable lastCause;

  /** Counts {@code events} lost by {@code where} (e.g. an appender's name) because of {@code cause}. */
  public void add(long events, String where, Throwable cause) {
    if (events <= 0) {
      return;
    }
    lastWhere = where;
    lastCause = cause;
    lost.addAndGet(events);
  }

  /**
   * Takes back {@code events} counted by {@link #add} when it turned out they were written after
   * all (a write presumed to be discarded went through).
   */
  public void retract(long events) {
    if (events > 0) {
      lost.addAndGet(-events);
    }
  }

  /**
   * The counter shared by everything that logs through {@code context} (a logging backend's
   * context, such as Logback's {@code LoggerContext}, compared by identity). Held weakly: a
   * discarded context takes its counter with it.
   */
  public static LossCounter of(Object context) {
    synchronized (BY_CONTEXT) {
      return BY_CONTEXT.computeIfAbsent(context, c -> new LossCounter());
    }
  }

  /** How many events were lost so far. */
  public long count() {
    return lost.get();
  }

  /** What lost the last one (e.g. an appender's name), or {@code null}. */
  public String lastWhere() {
    return lastWhere;
  }

  /** Why the last one was lost, or {@code null}. */
  public Throwable lastCause() {
    return lastCause;
  }
}
