package dev.identitylog.outcome;

/** A value that appears in events as a fixed lowercase code. */
public interface Coded {
  /** The code written into events, e.g. {@code token_expired}. */
  String code();
}
