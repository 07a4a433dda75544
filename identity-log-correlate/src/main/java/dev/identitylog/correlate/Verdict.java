package dev.identitylog.correlate;

import dev.identitylog.outcome.Coded;

/** What went wrong with a request, as decided from the events of all its hops. */
public enum Verdict implements Coded {
  /** No hop recorded, or let us infer, a failure. */
  OK("ok"),
  /** The root-cause hop rejected the caller's credential. */
  AUTHN_FAILURE("authn_failure"),
  /** The root-cause hop authenticated the caller but denied the request. */
  AUTHZ_FAILURE("authz_failure"),
  /** A call failed at the network or transport level, or the callee answered an error of its own. */
  DEPENDENCY_FAILURE("dependency_failure"),
  /**
   * An inner hop rejected a token that differs from the one an outer hop accepted: the token
   * minted by an exchange (RFC 8693) or a relay is at fault, not the caller's original credential.
   */
  TOKEN_EXCHANGE_FAILURE("token_exchange_failure"),
  /** The hops of one request carry two or more trace ids: a hop did not propagate the trace. */
  TRACE_BROKEN("trace_broken"),
  /** The request failed, but no hop recorded why. */
  UNKNOWN("unknown");

  private final String code;

  Verdict(String code) {
    this.code = code;
  }

  @Override
  public String code() {
    return code;
  }

  /** The verdict with this code, case-insensitively, or {@code null}. */
  public static Verdict fromCode(String code) {
    if (code == null) {
      return null;
    }
    String c = code.trim();
    for (Verdict v : values()) {
      if (v.code.equalsIgnoreCase(c)) {
        return v;
      }
    }
    return null;
  }
}
