package dev.identitylog.context;

/** The default storage: one thread-local slot. */
final class ThreadLocalStorage implements RequestContextStorage {
  static final ThreadLocalStorage INSTANCE = new ThreadLocalStorage();

  private final ThreadLocal<ContextRecord> current = new ThreadLocal<>();

  /**
   * Restores "nothing current", the usual case (a request bound on a pooled thread): one scope for
   * all such attachments, rather than a new one per request.
   */
  private final Scope clear = () -> set(null);

  private ThreadLocalStorage() {}

  @Override
  public ContextRecord current() {
    return current.get();
  }

  @Override
  public Scope attach(ContextRecord record) {
    ContextRecord previous = current.get();
    if (previous == record) {
      return Scope.NOOP; // already current: nothing to restore
    }
    set(record);
    return previous == null ? clear : () -> set(previous);
  }

  private void set(ContextRecord record) {
    if (record == null) {
      // No stale reference keeps a finished request alive on a pooled thread. The slot itself is
      // kept (set, not remove): removing it made every request allocate a new map entry.
      current.set(null);
    } else {
      current.set(record);
    }
  }

  @Override
  public String toString() {
    return "ThreadLocalStorage";
  }
}
