package dev.identitylog.cli;

import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@code --format json|table} option shared by every command that prints results; a command
 * adds it with {@code @Mixin FormatOption format;} and writes through {@link #open(PrintWriter)}.
 */
final class FormatOption {
  @Option(
      names = "--format",
      defaultValue = "json",
      paramLabel = "json|table",
      converter = Converter.class,
      description =
          "Output format: json (one JSON object per line, the default) or table (aligned columns).")
  OutputFormat format = OutputFormat.JSON;

  Output open(PrintWriter out) {
    return Output.create(format, out);
  }

  /** Accepts the names in any case, whatever the command line's settings. */
  static final class Converter implements ITypeConverter<OutputFormat> {
    @Override
    public OutputFormat convert(String value) {
      for (OutputFormat f : OutputFormat.values()) {
        if (f.name().equalsIgnoreCase(value)) {
          return f;
        }
      }
      throw new TypeConversionException("expected json or table but was '" + value + "'");
    }
  }

  @Override
  public String toString() {
    return format.name().toLowerCase(Locale.ROOT);
  }
}
