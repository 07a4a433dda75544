package dev.identitylog.event;

import dev.identitylog.outcome.Coded;

/** RFC 8705 certificate binding of the token to this hop's client certificate. */
public enum TokenBinding implements Coded {
  /** {@code cnf.x5t#S256} matches the presented client certificate. */
  BOUND("bound"),
  MISMATCH("mismatch"),
  /** The token has no {@code cnf} confirmation. */
  UNBOUND("unbound"),
  /** The token is bound but no client certificate was presented. */
  NO_CERT("no_cert");

  private final String code;

  TokenBinding(String code) {
    this.code = code;
  }

  @Override
  public String code() {
    return code;
  }
}
