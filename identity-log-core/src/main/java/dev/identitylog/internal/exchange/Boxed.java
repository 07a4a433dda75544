package dev.identitylog.internal.exchange;

/**
 * The event's numbers that repeat from request to request, boxed once: a status or a port above
 * 127 is a new {@code Long} from {@code Long.valueOf} on every request otherwise. The event writes
 * the value, so a shared box changes no byte of it.
 */
final class Boxed {
  private static final Long[] STATUSES = new Long[600];

  static {
    for (int i = 100; i < STATUSES.length; i++) {
      STATUSES[i] = (long) i;
    }
  }

  /**
   * The last port boxed; a server listens on one or a few ports, and a miss only boxes anew. Racy
   * on purpose (no volatile write per request): a {@code Long} is immutable and safely published.
   */
  private static Long lastPort = 0L;

  private Boxed() {}

  /** An HTTP status (100 to 599) boxed, or a new box for anything else. */
  static Long status(int status) {
    return status >= 100 && status < STATUSES.length ? STATUSES[status] : Long.valueOf(status);
  }

  /** A port, or {@code null} when it is not one (0 or -1: unknown). */
  static Long port(int port) {
    if (port <= 0) {
      return null;
    }
    Long last = lastPort;
    if (last.longValue() == port) {
      return last;
    }
    Long boxed = (long) port;
    lastPort = boxed;
    return boxed;
  }
}
