package dev.identitylog.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code lint FILE...}: checks every line of each file against the JSON Schema of the standard and
 * prints {@code file:line: field: problem} for each violation. Blank lines are skipped; a line that
 * is not a JSON object is one violation on {@code $}.
 */
@Command(
    name = "lint",
    description = {
      "Check identity events, one JSON object per line, against the schema of the standard.",
      "Prints file:line: field: problem for each violation on stdout, and a one-line count on"
          + " stderr. Exit 0 when clean, 1 on violations."
    },
    mixinStandardHelpOptions = true)
final class LintCommand implements Callable<Integer> {
  /** Far above any event within the standard's limits; a longer line is a violation, not a crash. */
  static final int MAX_LINE_BYTES = 4 * 1024 * 1024;

  @ParentCommand IdentityLogCli root;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files of JSON lines; - reads standard input.")
  List<String> files;

  @Override
  public Integer call() {
    Inputs.requireReadable(files); // before any output, so a bad name leaves stdout empty
    EventLinter linter = EventLinter.load();
    PrintWriter out = root.out;
    long violations = 0;
    for (String name : files) {
      violations += lint(name, linter, out);
    }
    out.flush();
    // stdout stays the violations only; the count goes to stderr, so a clean run says so.
    root.err.println("identity-log lint: " + plural(files.size(), "file") + ", "
        + plural(checked, "line") + " checked, " + badLines + " with violations"
        + ", " + plural(violations, "violation"));
    root.err.flush();
    return violations == 0 ? IdentityLogCli.OK : IdentityLogCli.VIOLATIONS;
  }

  private long checked;
  private long badLines;

  private static String plural(long n, String one) {
    return n + " " + one + (n == 1 ? "" : "s");
  }

  private long lint(String name, EventLinter linter, PrintWriter out) {
    long count = 0;
    try (InputStream in = Inputs.open(name, root.in)) {
      LineReader lines = new LineReader(in, MAX_LINE_BYTES);
      while (lines.next()) {
        List<EventLinter.Violation> found;
        switch (lines.status()) {
          case INVALID_UTF8:
            found = List.of(new EventLinter.Violation(EventLinter.ROOT, "not valid UTF-8"));
            break;
          case TOO_LONG:
            found =
                List.of(
                    new EventLinter.Violation(
                        EventLinter.ROOT, "line longer than " + MAX_LINE_BYTES + " bytes"));
            break;
          default:
            String text = lines.text();
            if (lines.number() == 1 && text.startsWith("\ufeff")) {
              text = text.substring(1); // a byte order mark is not part of the first event
            }
            if (text.isBlank()) {
              continue;
            }
            found = linter.check(text);
        }
        checked++;
        if (!found.isEmpty()) {
          badLines++;
        }
        for (EventLinter.Violation v : found) {
          out.print(name);
          out.print(':');
          out.print(lines.number());
          out.print(": ");
          out.print(v);
          out.print('\n');
        }
        count += found.size();
      }
    } catch (IOException e) {
      throw Inputs.unreadable(name, e);
    }
    return count;
  }
}
