package dev.identitylog.propagation;

import dev.identitylog.event.TraceOrigin;
import dev.identitylog.redact.Limits;
import java.util.Objects;

/**
 * The W3C Trace Context {@code traceparent} header (https://www.w3.org/TR/trace-context/,
 * section 3.2), read strictly and written in version {@code 00}.
 *
 * <p>Reading: optional whitespace around the value is ignored; the version is two lowercase hex
 * digits, not {@code ff}; version {@code 00} is exactly 55 characters; a higher version is read by
 * the forward-compatibility rules of section 3.2.4 (at least 55 characters, the {@code 00} fields
 * in place, and either the end or a {@code -} after the flags; anything after is ignored); ids are
 * lowercase hex and not all zeros; any flags value is accepted and only the sampled bit is read.
 * When {@code traceparent} is invalid, {@code tracestate} is not looked at (section 3.3).
 */
public final class TraceParent {
  private static final int V00_LENGTH = 55;

  private TraceParent() {}

  /**
   * The trace context of a {@code traceparent} (and its {@code tracestate}, passed through only
   * when valid), or null when the traceparent is absent or invalid. Never throws.
   *
   * @param traceparent the header value (several received values must not be joined: two
   *     traceparent headers are invalid, and joining them makes the value invalid as required)
   * @param tracestate the {@code tracestate} value, several received values joined with commas
   */
  public static TraceContext parse(String traceparent, String tracestate) {
    if (traceparent == null || traceparent.length() > Limits.DEFAULT_MAX_HEADER_BYTES) {
      return null;
    }
    int from = Hex.skipOws(traceparent, 0, traceparent.length());
    int to = Hex.trimOwsEnd(traceparent, from, traceparent.length());
    int length = to - from;
    if (length < V00_LENGTH) {
      return null;
    }
    char v0 = traceparent.charAt(from);
    char v1 = traceparent.charAt(from + 1);
    if (!Hex.isLowerHex(v0) || !Hex.isLowerHex(v1) || traceparent.charAt(from + 2) != '-') {
      return null;
    }
    if (v0 == 'f' && v1 == 'f') {
      return null; // version ff is forbidden
    }
    boolean version00 = v0 == '0' && v1 == '0';
    if (version00 ? length != V00_LENGTH
        : length > V00_LENGTH && traceparent.charAt(from + V00_LENGTH) != '-') {
      return null;
    }
    if (!Hex.isNonZeroLowerHex(traceparent, from + 3, 32)
        || traceparent.charAt(from + 35) != '-'
        || !Hex.isNonZeroLowerHex(traceparent, from + 36, 16)
        || traceparent.charAt(from + 52) != '-') {
      return null;
    }
    char f0 = traceparent.charAt(from + 53);
    char f1 = traceparent.charAt(from + 54);
    if (!Hex.isLowerHex(f0) || !Hex.isLowerHex(f1)) {
      return null;
    }
    boolean sampled = (Character.digit(f1, 16) & 1) == 1;
    String traceId = traceparent.substring(from + 3, from + 35);
    String parentId = traceparent.substring(from + 36, from + 52);
    return TraceContext.trusted(traceId, parentId, sampled, TraceState.validate(tracestate),
        TraceOrigin.TRACEPARENT);
  }

  /**
   * A version {@code 00} traceparent: {@code 00-traceId-spanId-01} (or {@code -00}).
   *
   * @throws IllegalArgumentException when an id is malformed (a programming error)
   */
  public static String format(String traceId, String spanId, boolean sampled) {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(spanId, "spanId");
    if (!Ids.isTraceId(traceId)) {
      throw new IllegalArgumentException(
          "trace id must be 32 lowercase hex digits, not all zeros: " + traceId);
    }
    if (!Ids.isSpanId(spanId)) {
      throw new IllegalArgumentException(
          "span id must be 16 lowercase hex digits, not all zeros: " + spanId);
    }
    char[] out = Ids.scratch();
    out[0] = '0';
    out[1] = '0';
    out[2] = '-';
    traceId.getChars(0, 32, out, 3);
    out[35] = '-';
    spanId.getChars(0, 16, out, 36);
    out[52] = '-';
    out[53] = '0';
    out[54] = sampled ? '1' : '0';
    return new String(out, 0, V00_LENGTH);
  }
}
