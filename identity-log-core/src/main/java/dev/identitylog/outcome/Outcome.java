package dev.identitylog.outcome;

/** The outcome of one phase of a request: authentication, authorization or a dependency. */
public enum Outcome implements Coded {
  SUCCESS("success"),
  /** A decision was made, and it was no. */
  FAILURE("failure"),
  /** No decision could be made, e.g. the identity provider was unreachable. */
  ERROR("error"),
  NOT_APPLICABLE("not_applicable"),
  UNKNOWN("unknown");

  private final String code;

  Outcome(String code) {
    this.code = code;
  }

  @Override
  public String code() {
    return code;
  }

  /** Whether this outcome is a failure or an error. */
  public boolean failed() {
    return this == FAILURE || this == ERROR;
  }
}
