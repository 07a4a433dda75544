package dev.identitylog.cli;

import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Our own wording of picocli's argument errors. picocli quotes the offending argument ("Unmatched
 * argument at index 2: 'eyJ...'"), and the argument a user pastes by mistake is often a credential:
 * {@code inspect-token Bearer $TOKEN} unquoted, or a whole {@code Authorization:} header. So an
 * error names an argument by its position and kind, never by its value; only an option name of
 * the usual shape ({@code --jwk}) is shown, since it cannot hold a secret.
 */
final class UsageMessages {
  /** An option name as people type them: short enough and plain enough to hold no secret. */
  private static final Pattern OPTION_NAME = Pattern.compile("--?[A-Za-z][A-Za-z0-9-]{0,31}");
  /** Where picocli's own message says the argument was: {@code at index 2}. */
  private static final Pattern AT_INDEX = Pattern.compile("at index (\\d{1,6})");

  static final String NOT_SHOWN = "not shown: it may be a credential";

  private UsageMessages() {}

  static String of(ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    if (ex instanceof UnmatchedArgumentException) {
      List<String> unmatched = ((UnmatchedArgumentException) ex).getUnmatched();
      String first = unmatched.isEmpty() ? null : unmatched.get(0);
      int position = position(cl, args, first, ex.getMessage());
      String where = position > 0 ? " at position " + position : "";
      if (first != null && first.startsWith("-") && first.length() > 1) {
        String name = optionName(first);
        return name != null
            ? "unknown option " + name + where
            : "unknown option" + where + " (" + NOT_SHOWN + ")";
      }
      return "unexpected argument" + where + " (" + NOT_SHOWN + ")";
    }
    if (ex instanceof CommandLine.MissingParameterException
        || ex instanceof CommandLine.OverwrittenOptionException
        || ex.getClass() == ParameterException.class && ex.getArgSpec() == null && ex.getValue() == null) {
      // These name only options and parameter labels, never a value the user typed.
      return ErrorHandler.oneLine(ex.getMessage());
    }
    ArgSpec spec = ex.getArgSpec();
    if (spec instanceof OptionSpec) {
      String label = spec.paramLabel();
      return "invalid value for option " + ((OptionSpec) spec).longestName()
          + (label != null && label.contains("|") ? " (expected " + label + ")" : " (" + NOT_SHOWN + ")");
    }
    if (spec instanceof PositionalParamSpec) {
      return "invalid value for " + spec.paramLabel() + " (" + NOT_SHOWN + ")";
    }
    return "invalid arguments (" + NOT_SHOWN + ")";
  }

  /** The option's name without any {@code =value}, or null when it does not look like a name. */
  static String optionName(String arg) {
    int eq = arg.indexOf('=');
    String name = eq < 0 ? arg : arg.substring(0, eq);
    return OPTION_NAME.matcher(name).matches() ? name : null;
  }

  /**
   * The 1-based position of {@code arg} among the arguments after the command's name, or 0 when it
   * cannot be told.
   */
  private static int position(CommandLine cl, String[] args, String arg, String message) {
    if (args == null || arg == null) {
      return 0;
    }
    java.util.regex.Matcher m = AT_INDEX.matcher(message == null ? "" : message);
    int index = m.find() ? Integer.parseInt(m.group(1)) : -1;
    int start = 0;
    if (cl != null && cl.getParent() != null) {
      String name = cl.getCommandName();
      for (int i = 0; i < args.length; i++) {
        if (name.equals(args[i])) {
          start = i + 1;
          break;
        }
      }
    }
    if (index >= start && index < args.length && arg.equals(args[index])) {
      return index - start + 1;
    }
    for (int i = start; i < args.length; i++) {
      if (arg.equals(args[i])) {
        return i - start + 1;
      }
    }
    return 0;
  }
}
