package dev.identitylog.context;

/** The default storage: one thread-local slot. */
final class ThreadLocalStorage implements RequestContextStorage {
  static final ThreadLocalStorage INSTANCE = new ThreadLocalStorage();

  private final ThreadLocal<ContextRecord> current = new ThreadLocal<>();

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
    return () -> set(previous);
  }

  private void set(ContextRecord record) {
    if (record == null) {
      current.remove(); // no stale reference keeps a finished request alive on a pooled thread
    } else {
      current.set(record);
    }
  }

  @Override
  public String toString() {
    return "ThreadLocalStorage";
  }
}
