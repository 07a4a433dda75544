package dev.identitylog.event;

import java.util.Objects;

/**
 * One field of the identity event: its key as written in events and the Java type of its value.
 * The fields of the standard are the constants of {@link Fields}; an event stores values by
 * {@link #index()}, so reading and writing a field costs an array access, never a map look-up.
 *
 * @param <T> the value type: {@code String}, {@code Long}, {@code Boolean},
 *     {@code java.util.List<String>}, {@code java.time.Instant}, or an enum implementing
 *     {@link dev.identitylog.outcome.Coded}
 */
public final class Field<T> {
  /** How a value is written. */
  public enum Kind {
    STRING,
    LONG,
    BOOLEAN,
    STRINGS,
    /** An {@code Instant}, written as RFC 3339 UTC with milliseconds. */
    TIME,
    /** An enum of fixed codes, written as its code. */
    CODE
  }

  /**
   * String fields whose values are made or received anew for each request, or are new instances
   * each time even when equal (addresses a container formats per request): remembering them would
   * never hit, and only write to an object all threads read.
   */
  private static final java.util.Set<String> PER_REQUEST =
      java.util.Set.of(
          "trace.id",
          "span.id",
          "span.parent.id",
          "identity.request.id",
          "identity.request.edge_id",
          "url.path",
          "url.full",
          "server.address",
          "network.peer.address",
          "client.address",
          "messaging.message.id");

  private final String key;
  private final Kind kind;
  private final Class<?> type;
  private final int index;
  private final String since;

  /**
   * Whether values of this field repeat from request to request (configuration, a cached token's
   * or certificate's facts, a route, a method), so that {@link #lastClean} is worth keeping. Ids
   * made per request (traces, spans, request ids, paths) are not: writing each one into this
   * shared object would only move a cache line between cores.
   */
  private final boolean repeats;

  /**
   * The last value of this field that a builder found clean ({@link
   * dev.identitylog.redact.Sanitizer} left it as it was), so that the same instance, set again on
   * the next request, is not scanned again. Whether a string is clean depends only on its
   * characters, and a {@code String} is safely published by its final fields, so a racy read that
   * sees an older value is still a right answer; only the length limit, which differs between
   * builders, is checked each time.
   */
  private String lastClean;

  Field(String key, Kind kind, Class<?> type, int index) {
    this(key, kind, type, index, "1.0");
  }

  Field(String key, Kind kind, Class<?> type, int index, String since) {
    this.key = key;
    this.kind = kind;
    this.type = type;
    this.index = index;
    this.since = since;
    this.repeats = kind == Kind.STRING && !PER_REQUEST.contains(key);
  }

  /** The value a builder last found clean, if this field's values repeat; or null. */
  String lastClean() {
    return lastClean;
  }

  void cleaned(String value) {
    if (repeats && lastClean != value) {
      lastClean = value;
    }
  }

  /** The key written into events, e.g. {@code tls.client.hash.sha256}. */
  public String key() {
    return key;
  }

  public Kind kind() {
    return kind;
  }

  /** The Java class of values. */
  public Class<?> type() {
    return type;
  }

  /** Position in canonical order, also the slot in an event's value array. */
  public int index() {
    return index;
  }

  /**
   * The version of the standard that added this field ({@code 1.0} or {@code 1.1}): a reader of an
   * older version's events never sees it, and that version's schema does not list it.
   */
  public String since() {
    return since;
  }

  @Override
  public String toString() {
    return key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Field && ((Field<?>) o).index == index;
  }

  @Override
  public int hashCode() {
    return Objects.hash(index);
  }
}
