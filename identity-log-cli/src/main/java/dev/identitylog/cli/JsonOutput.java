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
    JsonLineWriter.appendAny(sb, fields);
  }

  static void appendValue(StringBuilder sb, Object value) {
    JsonLineWriter.appendAny(sb, value);
  }
}
