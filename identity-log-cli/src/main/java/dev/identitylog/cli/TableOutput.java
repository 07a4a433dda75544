package dev.identitylog.cli;

import dev.identitylog.event.Field;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.Timestamps;
import dev.identitylog.outcome.Coded;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes records as aligned columns: one column per key, in the order keys were first seen, a
 * header row, and {@code -} where a record has no value. Rows are held until {@link #finish()},
 * since a column's width depends on every row.
 */
final class TableOutput implements Output {
  static final String ABSENT = "-";
  private static final String GAP = "  ";

  private final PrintWriter out;
  private final Set<String> columns = new LinkedHashSet<>();
  private final List<Map<String, String>> rows = new ArrayList<>();

  TableOutput(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void event(IdentityEvent event) {
    Map<String, String> row = new LinkedHashMap<>();
    event.forEach(
        new IdentityEvent.FieldVisitor() {
          @Override
          public void visit(Field<?> field, Object value) {
            row.put(field.key(), cell(value));
          }

          @Override
          public void visitClaim(String key, String value) {
            row.put(key, cell(value));
          }
        });
    add(row);
  }

  @Override
  public void object(Map<String, ?> fields) {
    Map<String, String> row = new LinkedHashMap<>();
    fields.forEach(
        (k, v) -> {
          if (k != null && v != null) {
            row.put(k, cell(v));
          }
        });
    add(row);
  }

  private void add(Map<String, String> row) {
    columns.addAll(row.keySet());
    rows.add(row);
  }

  @Override
  public void finish() {
    if (rows.isEmpty()) {
      out.flush();
      return;
    }
    List<String> cols = new ArrayList<>(columns);
    int[] width = new int[cols.size()];
    for (int c = 0; c < cols.size(); c++) {
      width[c] = cols.get(c).length();
      for (Map<String, String> row : rows) {
        width[c] = Math.max(width[c], row.getOrDefault(cols.get(c), ABSENT).length());
      }
    }
    printRow(cols, width, null);
    for (Map<String, String> row : rows) {
      printRow(cols, width, row);
    }
    rows.clear();
    out.flush();
  }

  private void printRow(List<String> cols, int[] width, Map<String, String> row) {
    StringBuilder sb = new StringBuilder();
    for (int c = 0; c < cols.size(); c++) {
      String text = row == null ? cols.get(c) : row.getOrDefault(cols.get(c), ABSENT);
      sb.append(text);
      if (c < cols.size() - 1) {
        for (int i = text.length(); i < width[c]; i++) {
          sb.append(' ');
        }
        sb.append(GAP);
      }
    }
    out.print(sb);
    out.print('\n');
  }

  /** The text of one cell: lists joined with commas, nested objects as compact JSON. */
  static String cell(Object value) {
    String text;
    if (value instanceof Instant) {
      text = Timestamps.format((Instant) value);
    } else if (value instanceof Coded) {
      text = ((Coded) value).code();
    } else if (value instanceof Collection && isFlat((Collection<?>) value)) {
      StringBuilder sb = new StringBuilder();
      for (Object o : (Collection<?>) value) {
        if (o != null) {
          sb.append(sb.length() == 0 ? "" : ",").append(cell(o));
        }
      }
      text = sb.toString();
    } else if (value instanceof Map || value instanceof Collection || value instanceof IdentityEvent) {
      StringBuilder sb = new StringBuilder();
      JsonOutput.appendValue(sb, value);
      text = sb.toString();
    } else {
      text = String.valueOf(value);
    }
    return text.isEmpty() ? ABSENT : printable(text);
  }

  private static boolean isFlat(Collection<?> values) {
    for (Object o : values) {
      if (o instanceof Map || o instanceof Collection || o instanceof IdentityEvent) {
        return false;
      }
    }
    return true;
  }

  /** Control characters would break the alignment, or the terminal: show them as U+FFFD. */
  private static String printable(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        if (sb == null) {
          sb = new StringBuilder(s.length()).append(s, 0, i);
        }
        sb.append('\ufffd');
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? s : sb.toString();
  }
}
