package dev.identitylog.propagation;

import dev.identitylog.event.TraceOrigin;
import dev.identitylog.redact.Limits;

/**
 * Zipkin B3 propagation (https://github.com/openzipkin/b3-propagation): the single {@code b3}
 * header and the multi-header form ({@code X-B3-TraceId}, {@code X-B3-SpanId},
 * {@code X-B3-Sampled}).
 *
 * <p>Trace ids are 16 or 32 lowercase hex digits; a 64-bit id is left-padded with zeros to the
 * 128 bits of a W3C trace id, so the same trace keeps one id across both formats. The B3
 * {@code SpanId} is the caller's span and becomes {@link TraceContext#parentSpanId()}; the B3
 * {@code ParentSpanId} (the caller's own parent) is validated and otherwise not used. Sampling
 * state {@code d} (debug) counts as sampled; an absent state (a deferred decision) as not sampled.
 * A sampling state alone ({@code b3: 0}, {@code 1} or {@code d}) carries no trace and gives null.
 */
public final class B3 {
  private static final String PADDING = "0000000000000000";

  private B3() {}

  /**
   * The trace context of a single {@code b3} header,
   * {@code TraceId-SpanId[-SamplingState[-ParentSpanId]]}, or null when absent, invalid or only a
   * sampling state. Never throws.
   */
  public static TraceContext parseSingle(String b3) {
    if (b3 == null || b3.length() > Limits.DEFAULT_MAX_HEADER_BYTES) {
      return null;
    }
    int from = Hex.skipOws(b3, 0, b3.length());
    int to = Hex.trimOwsEnd(b3, from, b3.length());
    int traceLength;
    if (to - from >= 33 && b3.charAt(from + 32) == '-') {
      traceLength = 32;
    } else if (to - from >= 17 && b3.charAt(from + 16) == '-') {
      traceLength = 16;
    } else {
      return null;
    }
    if (!Hex.isNonZeroLowerHex(b3, from, traceLength)) {
      return null;
    }
    int span = from + traceLength + 1;
    if (to - span < 16 || !Hex.isNonZeroLowerHex(b3, span, 16)) {
      return null;
    }
    int i = span + 16;
    boolean sampled = false;
    if (i < to) {
      // "-" sampling state, then optionally "-" and the parent span id
      if (b3.charAt(i) != '-' || i + 1 >= to) {
        return null;
      }
      int state = samplingState(b3.charAt(i + 1));
      if (state < 0) {
        return null;
      }
      sampled = state == 1;
      i += 2;
      if (i < to) {
        if (b3.charAt(i) != '-' || to - (i + 1) != 16 || !Hex.isNonZeroLowerHex(b3, i + 1, 16)) {
          return null;
        }
      }
    }
    return TraceContext.trusted(traceId(b3.substring(from, from + traceLength)),
        b3.substring(span, span + 16), sampled, null, TraceOrigin.B3);
  }

  /**
   * The trace context of the multi-header form, or null when the trace id or span id is absent
   * or invalid, or the sampled value is not one of {@code 1}, {@code 0}, {@code d}, or the legacy
   * {@code true} and {@code false}. Never throws.
   */
  public static TraceContext parseMulti(String traceId, String spanId, String sampled) {
    if (traceId == null || spanId == null) {
      return null;
    }
    String trace = strip(traceId);
    String span = strip(spanId);
    if (trace == null || span == null
        || (trace.length() != 16 && trace.length() != 32)
        || !Hex.isNonZeroLowerHex(trace, 0, trace.length())
        || span.length() != 16 || !Hex.isNonZeroLowerHex(span, 0, 16)) {
      return null;
    }
    int state = multiSampled(sampled);
    if (state == -1) {
      return null;
    }
    return TraceContext.trusted(traceId(trace), span, state == 1, null, TraceOrigin.B3);
  }

  /**
   * 1 or 0 when the single header is a bare sampling state ({@code 1} or {@code d}, or
   * {@code 0}); -1 otherwise.
   */
  static int samplingOnly(String b3) {
    if (b3 == null || b3.length() > 64) {
      return -1;
    }
    int from = Hex.skipOws(b3, 0, b3.length());
    int to = Hex.trimOwsEnd(b3, from, b3.length());
    return to - from == 1 ? samplingState(b3.charAt(from)) : -1;
  }

  /**
   * The value of {@code X-B3-Sampled}: 1 sampled, 0 not sampled or absent, -1 unrecognised.
   */
  static int multiSampled(String sampled) {
    if (sampled == null) {
      return 0;
    }
    if (sampled.length() > 64) {
      return -1;
    }
    String s = sampled.strip();
    if (s.isEmpty() || s.equals("0") || s.equalsIgnoreCase("false")) {
      return 0;
    }
    if (s.equals("1") || s.equals("d") || s.equalsIgnoreCase("true")) {
      return 1;
    }
    return -1;
  }

  private static int samplingState(char c) {
    switch (c) {
      case '1':
      case 'd':
        return 1;
      case '0':
        return 0;
      default:
        return -1;
    }
  }

  private static String traceId(String hex) {
    return hex.length() == 32 ? hex : PADDING + hex;
  }

  /** The value without surrounding OWS, or null when nothing is left or it is far too long. */
  private static String strip(String value) {
    if (value.length() > 64) {
      return null;
    }
    int from = Hex.skipOws(value, 0, value.length());
    int to = Hex.trimOwsEnd(value, from, value.length());
    return from == to ? null : value.substring(from, to);
  }
}
