package dev.identitylog.testing;

import dev.identitylog.emit.EventSink;
import dev.identitylog.event.IdentityEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory sink for tests: keeps every event, in emission order, and lets a test wait for
 * events emitted on other threads (async requests, server threads, interceptors).
 */
public final class CollectingSink implements EventSink {
  private final List<IdentityEvent> events = new ArrayList<>();

  @Override
  public void emit(IdentityEvent event) {
    synchronized (events) {
      events.add(event);
      events.notifyAll();
    }
  }

  /** A snapshot of the events so far. */
  public List<IdentityEvent> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  /** The only event so far; fails when there is not exactly one. */
  public IdentityEvent single() {
    List<IdentityEvent> snapshot = events();
    if (snapshot.size() != 1) {
      throw new AssertionError("expected exactly one event, got " + snapshot.size() + ": " + snapshot);
    }
    return snapshot.get(0);
  }

  /**
   * Waits until at least {@code n} events arrived and returns a snapshot of them all.
   *
   * @throws AssertionError when they did not arrive within the timeout
   */
  public List<IdentityEvent> awaitEvents(int n, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (events) {
      while (events.size() < n) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "expected " + n + " event(s) within " + timeout + ", got " + events.size() + ": "
                  + events);
        }
        try {
          events.wait(Math.max(1, left / 1_000_000), 0);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted while waiting for events", e);
        }
      }
      return List.copyOf(events);
    }
  }

  /** Forgets every event. */
  public void clear() {
    synchronized (events) {
      events.clear();
    }
  }

  @Override
  public String toString() {
    return "CollectingSink" + events();
  }
}
