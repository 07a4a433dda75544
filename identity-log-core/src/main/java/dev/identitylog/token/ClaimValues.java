package dev.identitylog.token;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Reads claim values out of a parsed JSON payload leniently: a value of an unexpected JSON type is
 * treated as absent rather than failing the whole token, because the inspector reports what a token
 * says and leaves judging it to the application's own validation.
 */
final class ClaimValues {
  /** RFC 8693 {@code act} nesting is followed this deep; deeper actors are left out. */
  static final int MAX_ACTOR_DEPTH = 16;

  /**
   * Arrays nested deeper than this inside an allowlisted claim are left out of its rendering, so
   * the recursion stays shallow whatever the JSON parser lets through.
   */
  static final int MAX_RENDER_DEPTH = 32;

  private ClaimValues() {}

  /** A non-empty string value, else {@code null}. */
  static String string(Map<String, Object> json, String name) {
    Object v = json.get(name);
    return v instanceof String && !((String) v).isEmpty() ? (String) v : null;
  }

  /** A string or an array of strings (non-strings and empty strings skipped). */
  static List<String> strings(Object v) {
    if (v instanceof String) {
      String s = (String) v;
      return s.isEmpty() ? null : Collections.singletonList(s);
    }
    if (v instanceof List) {
      List<?> list = (List<?>) v;
      List<String> out = new ArrayList<>(list.size());
      for (Object o : list) {
        if (o instanceof String && !((String) o).isEmpty()) {
          out.add((String) o);
        }
      }
      return out;
    }
    return null;
  }

  /** A space-separated string split into its non-empty items, or an array of strings. */
  static List<String> spaceSeparated(Object v) {
    if (v instanceof String) {
      String s = (String) v;
      List<String> out = new ArrayList<>(4);
      int start = 0;
      int len = s.length();
      for (int i = 0; i <= len; i++) {
        if (i == len || s.charAt(i) == ' ') {
          if (i > start) {
            out.add(s.substring(start, i));
          }
          start = i + 1;
        }
      }
      return out;
    }
    return strings(v);
  }

  /** A NumericDate (seconds since the epoch, possibly fractional), else {@code null}. */
  static Instant time(Object v) {
    if (!(v instanceof Number)) {
      return null;
    }
    try {
      if (v instanceof Long || v instanceof Integer) {
        return Instant.ofEpochSecond(((Number) v).longValue());
      }
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d) || Math.abs(d) > 3.2e16) {
        return null; // beyond Instant's range either way
      }
      double seconds = Math.floor(d);
      long nanos = (long) ((d - seconds) * 1_000_000_000L);
      return Instant.ofEpochSecond((long) seconds, nanos);
    } catch (DateTimeException | ArithmeticException e) {
      return null;
    }
  }

  /** {@code cnf.x5t#S256}: whether the member is there at all, and its value when a string. */
  static Object cnfThumbprint(Map<String, Object> json) {
    Object cnf = json.get("cnf");
    if (!(cnf instanceof Map)) {
      return null;
    }
    Map<?, ?> m = (Map<?, ?>) cnf;
    return m.containsKey("x5t#S256") ? m.get("x5t#S256") : null;
  }

  /** The {@code sub} of each nested {@code act}, outermost (the current actor) first. */
  static List<String> actors(Map<String, Object> json) {
    Object act = json.get("act");
    List<String> out = null;
    for (int depth = 0; depth < MAX_ACTOR_DEPTH && act instanceof Map; depth++) {
      Map<?, ?> m = (Map<?, ?>) act;
      Object sub = m.get("sub");
      if (sub instanceof String && !((String) sub).isEmpty()) {
        if (out == null) {
          out = new ArrayList<>(4);
        }
        out.add((String) sub);
      }
      act = m.get("act");
    }
    return out;
  }

  /**
   * A claim value as one string: strings as they are, numbers and booleans as their JSON text,
   * arrays as their rendered items joined by a space, objects as JSON; {@code null} when empty.
   */
  static String render(Object v) {
    return render(v, 0);
  }

  private static String render(Object v, int depth) {
    if (v == null || depth > MAX_RENDER_DEPTH) {
      return null;
    }
    if (v instanceof String) {
      return ((String) v).isEmpty() ? null : (String) v;
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return null;
      }
      // Plain notation: a log reader should not have to decode 1.0E9.
      return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    if (v instanceof List) {
      StringBuilder sb = new StringBuilder();
      for (Object o : (List<?>) v) {
        String s = render(o, depth + 1);
        if (s != null) {
          if (sb.length() > 0) {
            sb.append(' ');
          }
          sb.append(s);
        }
      }
      return sb.length() == 0 ? null : sb.toString();
    }
    if (v instanceof Map) {
      @SuppressWarnings("unchecked")
      Map<String, ?> m = (Map<String, ?>) v;
      return m.isEmpty() ? null : JSONObjectUtils.toJSONString(m);
    }
    return v.toString();
  }
}
