package dev.identitylog.propagation;

import dev.identitylog.event.TraceOrigin;
import java.util.Objects;

/**
 * The trace this hop belongs to, as received (or generated when nothing valid was received).
 * Immutable.
 *
 * <p>{@link #parentSpanId()} is the span id the caller sent (W3C {@code parent-id}, B3
 * {@code SpanId}, X-Ray {@code Parent}): it becomes this hop's {@code span.parent.id}. It is null
 * when the trace was generated here or the caller sent none.
 */
public final class TraceContext {
  private final String traceId;
  private final String parentSpanId;
  private final boolean sampled;
  private final String traceState;
  private final TraceOrigin origin;

  private TraceContext(String traceId, String parentSpanId, boolean sampled, String traceState,
      TraceOrigin origin) {
    this.traceId = traceId;
    this.parentSpanId = parentSpanId;
    this.sampled = sampled;
    this.traceState = traceState;
    this.origin = origin;
  }

  /** A new trace started by this hop: random ids, no parent, origin {@code generated}. */
  public static TraceContext generated(boolean sampled) {
    return generated(sampled, TraceOrigin.GENERATED);
  }

  /** A new trace with the given origin ({@code generated} or {@code invalid}). */
  static TraceContext generated(boolean sampled, TraceOrigin origin) {
    return new TraceContext(Ids.newTraceId(), null, sampled, null, origin);
  }

  /**
   * A context from values already known to be valid, such as the ids of an active OpenTelemetry
   * span.
   *
   * @param traceId 32 lowercase hex digits, not all zeros
   * @param parentSpanId 16 lowercase hex digits, not all zeros, or null
   * @param traceState a W3C {@code tracestate} to pass on, or null (empty counts as null)
   * @throws IllegalArgumentException when an id is malformed (a programming error: received
   *     headers go through the parsers, which return null instead)
   * @throws NullPointerException when traceId or origin is null
   */
  public static TraceContext of(String traceId, String parentSpanId, boolean sampled,
      String traceState, TraceOrigin origin) {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(origin, "origin");
    if (!Ids.isTraceId(traceId)) {
      throw new IllegalArgumentException(
          "trace id must be 32 lowercase hex digits, not all zeros: " + traceId);
    }
    if (parentSpanId != null && !Ids.isSpanId(parentSpanId)) {
      throw new IllegalArgumentException(
          "span id must be 16 lowercase hex digits, not all zeros: " + parentSpanId);
    }
    return new TraceContext(traceId, parentSpanId, sampled,
        traceState == null || traceState.isEmpty() ? null : traceState, origin);
  }

  /** Parsers call this once they have validated every part. */
  static TraceContext trusted(String traceId, String parentSpanId, boolean sampled,
      String traceState, TraceOrigin origin) {
    return new TraceContext(traceId, parentSpanId, sampled, traceState, origin);
  }

  /** 32 lowercase hex digits, never all zeros. */
  public String traceId() {
    return traceId;
  }

  /** The span id received from the caller (16 lowercase hex digits), or null. */
  public String parentSpanId() {
    return parentSpanId;
  }

  /** Whether the caller recorded (sampled) this trace; false when generated unless asked. */
  public boolean sampled() {
    return sampled;
  }

  /** The validated W3C {@code tracestate} to pass on, or null. */
  public String traceState() {
    return traceState;
  }

  /** Where the trace id came from. */
  public TraceOrigin origin() {
    return origin;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof TraceContext)) {
      return false;
    }
    TraceContext that = (TraceContext) o;
    return sampled == that.sampled && traceId.equals(that.traceId)
        && Objects.equals(parentSpanId, that.parentSpanId)
        && Objects.equals(traceState, that.traceState) && origin == that.origin;
  }

  @Override
  public int hashCode() {
    return Objects.hash(traceId, parentSpanId, sampled, traceState, origin);
  }

  @Override
  public String toString() {
    return "TraceContext{traceId=" + traceId + ", parentSpanId=" + parentSpanId + ", sampled="
        + sampled + ", traceState=" + traceState + ", origin=" + origin.code() + "}";
  }
}
