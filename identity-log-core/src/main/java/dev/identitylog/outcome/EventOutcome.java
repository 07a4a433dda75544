package dev.identitylog.outcome;

/** The outcome of the whole event ({@code event.outcome}). */
public enum EventOutcome implements Coded {
  SUCCESS("success"),
  FAILURE("failure"),
  UNKNOWN("unknown");

  private final String code;

  EventOutcome(String code) {
    this.code = code;
  }

  @Override
  public String code() {
    return code;
  }
}
