package dev.identitylog.event;

import dev.identitylog.outcome.Coded;

/** Where in the stack the logging component sits ({@code identity.hop.layer}). */
public enum HopLayer implements Coded {
  CDN("cdn"),
  PROXY("proxy"),
  GATEWAY("gateway"),
  MESH("mesh"),
  BACKEND("backend");

  private final String code;

  HopLayer(String code) {
    this.code = code;
  }

  @Override
  public String code() {
    return code;
  }

  /** The layer with this code, case-insensitively, or {@code null}. */
  public static HopLayer fromCode(String code) {
    for (HopLayer l : values()) {
      if (l.code.equalsIgnoreCase(code == null ? "" : code.trim())) {
        return l;
      }
    }
    return null;
  }
}
