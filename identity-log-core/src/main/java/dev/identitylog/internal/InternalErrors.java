package dev.identitylog.internal;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Counts the library's own failures for one {@code IdentityLog} and logs them at WARN, rate
 * limited. Internal, may change without notice.
 *
 * <p>Why the accessor: recording a failure is the library's business only, so {@code IdentityLog}
 * has no public mutator; it installs, once, the function that finds its recorder, and the
 * library's packages below and beside it look the recorder up here without depending on it (no
 * package cycle).
 */
public final class InternalErrors {
  private static volatile Function<Object, InternalErrors> lookup = owner -> null;

  private final LongAdder count = new LongAdder();
  private final InternalWarnings warnings = new InternalWarnings();
  private final LongAdder late = new LongAdder();
  private final InternalWarnings lateWarnings = new InternalWarnings();

  /** Called once by {@code IdentityLog}'s class initializer. */
  public static void install(Function<Object, InternalErrors> finder) {
    lookup = finder;
  }

  /** The recorder of this {@code IdentityLog}; a detached one if it has none (never null). */
  public static InternalErrors of(Object identityLog) {
    InternalErrors found = identityLog == null ? null : lookup.apply(identityLog);
    return found != null ? found : new InternalErrors();
  }

  /** Counts a failure of the library's own code and logs it at most once a minute; never throws. */
  public void record(String where, Throwable t) {
    Throwables.propagateIfFatal(t);
    count.increment();
    warnings.warn(where, t, count.sum());
  }

  public long count() {
    return count.sum();
  }

  /**
   * Counts a decision ({@code authn}, {@code authz}, {@code dependency}) that was recorded after
   * its request's event had been emitted, by a task that outlived the request, and dropped; logs
   * it at most once a minute. Not a failure of the library: it is counted apart. Never throws.
   */
  public void lateDecision(String phase) {
    late.increment();
    lateWarnings.notice(
        "identity-log dropped a {} decision recorded after its request had ended ({} so far): a"
            + " task outlived the request it was carried from",
        phase,
        late.sum());
  }

  public long lateDecisions() {
    return late.sum();
  }
}
