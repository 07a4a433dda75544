package dev.identitylog.event;

import dev.identitylog.outcome.Coded;

/** {@code identity.token.type}. */
public enum TokenType implements Coded {
  JWT("jwt"),
  OPAQUE("opaque"),
  MALFORMED("malformed");

  private final String code;

  TokenType(String code) {
    this.code = code;
  }

  @Override
  public String code() {
    return code;
  }
}
