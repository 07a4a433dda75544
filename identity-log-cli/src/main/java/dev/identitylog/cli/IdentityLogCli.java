package dev.identitylog.cli;

import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code identity-log}: the command line of the identity-event standard (SPEC section 10).
 *
 * <p>Every command writes JSON lines to stdout unless {@code --format table}, and exits 0 on
 * success, 1 when {@code lint} finds violations, and 2 on a usage or input error, with one line on
 * stderr and nothing on stdout.
 */
@Command(
    name = "identity-log",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Inspect, correlate and check request-identity events.",
    subcommands = {
      InspectCertCommand.class,
      InspectTokenCommand.class,
      InspectHeaderCommand.class,
      CorrelateCommand.class,
      LintCommand.class,
    })
public final class IdentityLogCli implements Callable<Integer> {
  /** Exit code: done, nothing wrong. */
  static final int OK = 0;
  /** Exit code: {@code lint} found violations. */
  static final int VIOLATIONS = 1;
  /** Exit code: usage error or unreadable input. */
  static final int USAGE = 2;

  final InputStream in;
  final PrintWriter out;
  final PrintWriter err;

  @Spec CommandSpec spec;

  IdentityLogCli(InputStream in, PrintWriter out, PrintWriter err) {
    this.in = in;
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(run(System.in, System.out, System.err, args));
  }

  static int run(InputStream in, PrintStream stdout, PrintStream stderr, String... args) {
    PrintWriter out =
        new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), false);
    PrintWriter err =
        new PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8), true);
    return run(in, out, err, args);
  }

  /**
   * Runs one command line. Standard output is held back until the command has finished (up to a
   * bound, see {@link HoldingWriter}), so that a command failing with exit code 2 leaves stdout
   * empty.
   */
  static int run(InputStream in, PrintWriter stdout, PrintWriter stderr, String... args) {
    HoldingWriter holding = new HoldingWriter(stdout);
    PrintWriter out = new PrintWriter(holding, false);
    int code;
    try {
      code = commandLine(in, out, stderr).execute(args);
    } catch (RuntimeException | Error e) {
      // picocli reports through the handlers; this is a last resort for a failing handler.
      stderr.println("identity-log: internal error: " + ErrorHandler.oneLine(e));
      code = USAGE;
    }
    out.flush();
    if (code == USAGE) {
      holding.discard();
    } else {
      holding.release();
    }
    stdout.flush();
    stderr.flush();
    return code;
  }

  static CommandLine commandLine(InputStream in, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new IdentityLogCli(in, out, err));
    ErrorHandler handler = new ErrorHandler(err);
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler(handler);
    cl.setExecutionExceptionHandler(handler);
    return cl;
  }

  /** Without a command there is nothing to do: a usage error. */
  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing command: one of " + String.join(", ", spec.subcommands().keySet()));
  }
}
