package dev.identitylog.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into exit code 2 and exactly one line on stderr, prefixed with the command
 * name: wrong arguments, unreadable input, and anything unexpected. No usage text and no stack
 * trace: the line says what is wrong, {@code --help} says the rest.
 */
final class ErrorHandler implements IParameterExceptionHandler, IExecutionExceptionHandler {
  private final PrintWriter err;

  ErrorHandler(PrintWriter err) {
    this.err = err;
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    report(ex.getCommandLine(), UsageMessages.of(ex, args) + " (see --help)");
    return IdentityLogCli.USAGE;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
    if (ex instanceof ParameterException) {
      return handleParseException((ParameterException) ex, parseResult.originalArgs().toArray(new String[0]));
    }
    if (ex instanceof CliException) {
      report(cl, oneLine(ex.getMessage()));
    } else {
      report(cl, "internal error: " + oneLine(ex));
    }
    return IdentityLogCli.USAGE;
  }

  private void report(CommandLine cl, String message) {
    err.println(prefix(cl) + message);
    err.flush();
  }

  /** The one prefix of every line the commands write on stderr: {@code identity-log <command>: }. */
  static String prefix(CommandLine cl) {
    return (cl == null ? "identity-log" : cl.getCommandSpec().qualifiedName()) + ": ";
  }

  static String oneLine(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getName() + (m == null ? "" : ": " + oneLine(m));
  }

  /** The message on one line: line breaks and other control characters become spaces. */
  static String oneLine(String message) {
    if (message == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(message.length());
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      sb.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
    }
    return sb.toString().trim().replaceAll(" {2,}", " ");
  }
}
