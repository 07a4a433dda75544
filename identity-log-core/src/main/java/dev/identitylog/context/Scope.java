package dev.identitylog.context;

/**
 * Undoes one {@link RequestContextStorage#attach}: the record that was current before is current
 * again. Close it on the thread that opened it, in reverse order of opening; closing twice is a
 * no-op. Never throws.
 */
@FunctionalInterface
public interface Scope extends AutoCloseable {
  /** A scope that restores nothing, for when nothing was attached. */
  Scope NOOP = () -> {};

  @Override
  void close();
}
