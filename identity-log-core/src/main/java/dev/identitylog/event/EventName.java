package dev.identitylog.event;

import dev.identitylog.outcome.Coded;

/** {@code event.name}: a request received by this hop, or a call this hop made. */
public enum EventName implements Coded {
  SERVER("identity.server"),
  CLIENT("identity.client");

  private final String code;

  EventName(String code) {
    this.code = code;
  }

  @Override
  public String code() {
    return code;
  }
}
