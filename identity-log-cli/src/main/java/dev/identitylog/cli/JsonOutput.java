package dev.identitylog.cli;

import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.Timestamps;
import dev.identitylog.outcome.Coded;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * Writes records as JSON lines. Events are written by {@link JsonLineWriter}, so they are exactly
 * the canonical line a service logs; maps use the same string escaping, so no value can break a
 * line either.
 */
final class JsonOutput implements Output {
  private final PrintWriter out;

  JsonOutput(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void event(IdentityEvent event) {
    out.print(JsonLineWriter.toJson(event));
    out.print('\n');
  }

  @Override
  public void object(Map<String, ?> fields) {
    out.print(line(fields));
    out.print('\n');
  }

  @Override
  public void finish() {
    out.flush();
  }

  /** One JSON object, without a line break. */
  static String line(Map<String, ?> fields) {
    StringBuilder sb = new StringBuilder(256);
    appendObject(sb, fields);
    return sb.toString();
  }

  static void appendObject(StringBuilder sb, Map<?, ?> fields) {
    sb.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> e : fields.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        continue;
      }
      if (!first) {
        sb.append(',');
      }
      first = false;
      JsonLineWriter.appendString(sb, e.getKey().toString());
      sb.append(':');
      appendValue(sb, e.getValue());
    }
    sb.append('}');
  }

  static void appendValue(StringBuilder sb, Object value) {
    if (value instanceof CharSequence) {
      JsonLineWriter.appendString(sb, (CharSequence) value);
    } else if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte
        || value instanceof BigInteger) {
      sb.append(value);
    } else if (value instanceof Boolean) {
      sb.append(((Boolean) value).booleanValue());
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isFinite(d)) {
        sb.append(d);
      } else {
        JsonLineWriter.appendString(sb, Double.toString(d));
      }
    } else if (value instanceof BigDecimal) {
      sb.append(((BigDecimal) value).toPlainString());
    } else if (value instanceof Coded) {
      JsonLineWriter.appendString(sb, ((Coded) value).code());
    } else if (value instanceof Instant) {
      sb.append('"');
      Timestamps.appendTo(sb, (Instant) value);
      sb.append('"');
    } else if (value instanceof IdentityEvent) {
      JsonLineWriter.appendTo(sb, (IdentityEvent) value);
    } else if (value instanceof Map) {
      appendObject(sb, (Map<?, ?>) value);
    } else if (value instanceof Collection) {
      appendArray(sb, (Collection<?>) value);
    } else if (value instanceof Object[]) {
      appendArray(sb, java.util.Arrays.asList((Object[]) value));
    } else if (value instanceof Enum) {
      JsonLineWriter.appendString(sb, ((Enum<?>) value).name().toLowerCase(java.util.Locale.ROOT));
    } else {
      JsonLineWriter.appendString(sb, String.valueOf(value));
    }
  }

  private static void appendArray(StringBuilder sb, Collection<?> values) {
    sb.append('[');
    boolean first = true;
    for (Object o : values) {
      if (o == null) {
        continue;
      }
      if (!first) {
        sb.append(',');
      }
      first = false;
      appendValue(sb, o);
    }
    sb.append(']');
  }
}
