package dev.identitylog.emit;

import dev.identitylog.event.IdentityEvent;

/**
 * Hands each event's general view to one sink and its restricted view to another. Both views are
 * built before either is emitted, so a failure while building (which the caller's guard counts)
 * loses the event in both streams rather than writing restricted values where they do not belong.
 */
final class SplittingEventSink implements EventSink {
  private final EventSplit split;
  private final EventSink general;
  private final EventSink restricted;

  SplittingEventSink(EventSplit split, EventSink general, EventSink restricted) {
    this.split = split;
    this.general = general;
    this.restricted = restricted;
  }

  @Override
  public void emit(IdentityEvent event) {
    IdentityEvent generalView = split.general(event);
    IdentityEvent restrictedView = split.restricted(event);
    general.emit(generalView);
    restricted.emit(restrictedView);
  }

  @Override
  public String toString() {
    return "SplittingEventSink{general=" + general + ", restricted=" + restricted + "}";
  }
}
