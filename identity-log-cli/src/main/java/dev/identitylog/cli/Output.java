package dev.identitylog.cli;

import dev.identitylog.event.IdentityEvent;
import java.io.PrintWriter;
import java.util.Map;

/**
 * Where a command writes its results, one record at a time: an identity event or a map of field
 * names to values. Values may be strings, numbers, booleans, {@code Instant}s, coded enums, lists,
 * nested maps or events; {@code null} values are left out. Call {@link #finish()} once at the end.
 */
interface Output {
  void event(IdentityEvent event);

  void object(Map<String, ?> fields);

  /** Writes whatever is still buffered (a table needs every row before it can align columns). */
  void finish();

  static Output create(OutputFormat format, PrintWriter out) {
    return format == OutputFormat.TABLE ? new TableOutput(out) : new JsonOutput(out);
  }
}
