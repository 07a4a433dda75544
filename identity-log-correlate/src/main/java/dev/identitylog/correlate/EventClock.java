package dev.identitylog.correlate;

/**
 * Event time as a stream of timestamps tells it, robust to outliers: of the last {@value #SAMPLES}
 * times, the latest but {@value #OUTLIERS} (the median while fewer are known). One line far in
 * the future, or the lines of a host whose clock is hours off interleaved with the rest (up to a
 * quarter of the lines), never reach that rank, so they do not move it; when the whole input moves
 * on (a gap in the logs) it follows within {@value #OUTLIERS} + 1 events. Close to the latest
 * time, so requests still finish about a window after their last event. No allocation per event.
 * Not thread-safe.
 */
final class EventClock {
  static final int SAMPLES = 31;
  static final int OUTLIERS = 7;

  private final long[] ring = new long[SAMPLES];
  /** The same times, sorted ascending. */
  private final long[] sorted = new long[SAMPLES];
  private int count;
  private int next;

  /** Takes one event's time ({@link Times#NONE}: none) and returns the clock's time after it. */
  long observe(long t) {
    if (t == Times.NONE) {
      return now();
    }
    if (count == SAMPLES) {
      remove(ring[next]);
    }
    ring[next] = t;
    next = (next + 1) % SAMPLES;
    insert(t);
    return now();
  }

  /** The robust latest of the recent times, or {@link Times#NONE}. */
  long now() {
    return count == 0 ? Times.NONE : sorted[count - 1 - Math.min(OUTLIERS, count / 2)];
  }

  /** How many times the clock holds: it is trustworthy from about {@link #OUTLIERS} on. */
  int samples() {
    return count;
  }

  /**
   * The time to order an event by, without taking it in: its own, or the clock's when it lies
   * more than {@code slackMillis} off it, so that an outlier keeps its place in arrival order
   * instead of waiting behind (or jumping ahead of) the rest of its request.
   */
  long sortTime(long t, long slackMillis) {
    long now = now();
    if (t == Times.NONE || now == Times.NONE || Math.abs(t - now) <= slackMillis) {
      return t;
    }
    return now;
  }

  private void insert(long t) {
    int i = count;
    while (i > 0 && sorted[i - 1] > t) {
      sorted[i] = sorted[i - 1];
      i--;
    }
    sorted[i] = t;
    count++;
  }

  private void remove(long t) {
    int i = 0;
    while (sorted[i] != t) {
      i++;
    }
    System.arraycopy(sorted, i + 1, sorted, i, count - i - 1);
    count--;
  }
}
