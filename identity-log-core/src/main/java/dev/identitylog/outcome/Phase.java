package dev.identitylog.outcome;

/** The phase of a request a reason belongs to. */
public enum Phase {
  AUTHN,
  AUTHZ,
  DEPENDENCY,
  /** Reasons that are neither an identity decision nor a dependency: throttling, client abort. */
  NONE
}
