package dev.identitylog.event;

import dev.identitylog.outcome.Coded;

/**
 * {@code event.name}: a request received by this hop, or a call this hop made; since 1.1 also a
 * message sent to a broker, or a message processed.
 */
public enum EventName implements Coded {
  SERVER("identity.server"),
  CLIENT("identity.client"),
  /** 1.1: a message sent to a broker, one per record, when the broker acknowledged or refused it. */
  PRODUCER("identity.producer"),
  /** 1.1: a message processed, one per record, when processing ended. */
  CONSUMER("identity.consumer");

  private final String code;

  EventName(String code) {
    this.code = code;
  }

  @Override
  public String code() {
    return code;
  }
}
