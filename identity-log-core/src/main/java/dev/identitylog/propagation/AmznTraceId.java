package dev.identitylog.propagation;

import dev.identitylog.event.TraceOrigin;
import dev.identitylog.redact.Limits;

/**
 * The AWS X-Ray tracing header {@code X-Amzn-Trace-Id}, e.g.
 * {@code Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1}.
 *
 * <p>Fields are {@code key=value} separated by {@code ;}, in any order, with optional whitespace
 * around them. {@code Root} is required: version {@code 1}, 8 hex digits (the epoch seconds) and
 * 24 hex digits, which together become the 32-hex trace id (SPEC section 6), the mapping the
 * OpenTelemetry X-Ray propagator uses too. {@code Parent} (16 hex) is the caller's segment and
 * becomes the parent span id. {@code Sampled=1} is sampled; {@code 0}, {@code ?} (a decision
 * requested from the receiver) and absence are not. Other fields ({@code Self}, {@code Lineage},
 * ...) are ignored. Hex must be lowercase, as AWS writes it; a repeated {@code Root},
 * {@code Parent} or {@code Sampled} makes the header invalid, since either copy could be forged.
 */
public final class AmznTraceId {
  private AmznTraceId() {}

  /** The trace context of the header, or null when absent or invalid. Never throws. */
  public static TraceContext parse(String xAmznTraceId) {
    if (xAmznTraceId == null || xAmznTraceId.length() > Limits.DEFAULT_MAX_HEADER_BYTES) {
      return null;
    }
    String s = xAmznTraceId;
    int len = s.length();
    String traceId = null;
    String parent = null;
    int sampled = -1;
    int i = 0;
    while (i <= len) {
      int end = s.indexOf(';', i);
      if (end < 0) {
        end = len;
      }
      int from = Hex.skipOws(s, i, end);
      int to = Hex.trimOwsEnd(s, from, end);
      if (from < to) {
        int eq = s.indexOf('=', from);
        if (eq < 0 || eq >= to) {
          return null;
        }
        int keyEnd = Hex.trimOwsEnd(s, from, eq);
        int value = Hex.skipOws(s, eq + 1, to);
        if (is(s, from, keyEnd, "Root")) {
          if (traceId != null) {
            return null;
          }
          traceId = root(s, value, to);
          if (traceId == null) {
            return null;
          }
        } else if (is(s, from, keyEnd, "Parent")) {
          if (parent != null || to - value != 16 || !Hex.isNonZeroLowerHex(s, value, 16)) {
            return null;
          }
          parent = s.substring(value, to);
        } else if (is(s, from, keyEnd, "Sampled")) {
          if (sampled != -1 || to - value != 1) {
            return null;
          }
          char c = s.charAt(value);
          if (c == '1') {
            sampled = 1;
          } else if (c == '0' || c == '?') {
            sampled = 0;
          } else {
            return null;
          }
        }
      }
      i = end + 1;
    }
    if (traceId == null) {
      return null;
    }
    return TraceContext.trusted(traceId, parent, sampled == 1, null, TraceOrigin.AWS);
  }

  /** {@code 1-} 8 hex {@code -} 24 hex, as the 32-hex trace id; null when malformed. */
  private static String root(String s, int from, int to) {
    if (to - from != 35 || s.charAt(from) != '1' || s.charAt(from + 1) != '-'
        || s.charAt(from + 10) != '-') {
      return null;
    }
    for (int i = from + 2; i < to; i++) {
      if (i != from + 10 && !Hex.isLowerHex(s.charAt(i))) {
        return null;
      }
    }
    String id = s.substring(from + 2, from + 10) + s.substring(from + 11, to);
    return Ids.isTraceId(id) ? id : null;
  }

  private static boolean is(String s, int from, int to, String key) {
    return to - from == key.length() && s.regionMatches(false, from, key, 0, key.length());
  }
}
