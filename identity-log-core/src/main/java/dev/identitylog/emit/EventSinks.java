package dev.identitylog.emit;

import dev.identitylog.event.IdentityEvent;
import java.util.ArrayList;
import java.util.List;

/** Combinators for {@link EventSink}s. */
public final class EventSinks {
  private EventSinks() {}

  /**
   * A sink that never throws: failures of {@code delegate} are counted and reported, see {@link
   * GuardedEventSink}.
   */
  public static GuardedEventSink guarded(EventSink delegate) {
    return GuardedEventSink.of(delegate);
  }

  /**
   * A sink that hands every event to each of {@code sinks} in order. Each is guarded on its own,
   * so one that fails neither stops the others nor reaches the caller.
   */
  public static EventSink composite(List<? extends EventSink> sinks) {
    if (sinks == null) {
      throw new NullPointerException("sinks");
    }
    List<GuardedEventSink> guarded = new ArrayList<>(sinks.size());
    for (EventSink s : sinks) {
      if (s == null) {
        throw new NullPointerException("sinks contains null");
      }
      guarded.add(GuardedEventSink.of(s));
    }
    if (guarded.size() == 1) {
      return guarded.get(0);
    }
    return new Composite(guarded.toArray(new GuardedEventSink[0]));
  }

  /** A sink that discards every event. */
  public static EventSink noop() {
    return Noop.INSTANCE;
  }

  private static final class Composite implements EventSink {
    private final GuardedEventSink[] sinks;

    Composite(GuardedEventSink[] sinks) {
      this.sinks = sinks;
    }

    @Override
    public void emit(IdentityEvent event) {
      for (GuardedEventSink s : sinks) {
        s.emit(event);
      }
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("CompositeEventSink[");
      for (int i = 0; i < sinks.length; i++) {
        sb.append(i == 0 ? "" : ", ").append(sinks[i]);
      }
      return sb.append(']').toString();
    }
  }

  private enum Noop implements EventSink {
    INSTANCE;

    @Override
    public void emit(IdentityEvent event) {}
  }
}
