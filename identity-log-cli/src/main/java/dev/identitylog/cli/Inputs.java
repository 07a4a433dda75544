package dev.identitylog.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collection;

/**
 * Opens the inputs named on the command line: a file, or {@code -} for standard input. Every
 * failure becomes a {@link CliException} with a one-line message naming the input.
 */
final class Inputs {
  /** The name that stands for standard input. */
  static final String STDIN = "-";

  /** A run of token characters, the shape of a bearer token or an API key. */
  private static final java.util.regex.Pattern TOKEN_LIKE =
      java.util.regex.Pattern.compile("[A-Za-z0-9._~+/=-]{24,}");
  /** A file name's extension, which tokens do not have: {@code .jsonl}, {@code .pem}. */
  private static final java.util.regex.Pattern EXTENSION =
      java.util.regex.Pattern.compile(".*\\.[A-Za-z][A-Za-z0-9]{0,5}");

  private Inputs() {}

  /**
   * How an input's name appears in a message: as given, unless it could be a credential pasted
   * where a file name belongs (a JWT, an Authorization value, a long run of token characters
   * without a path or an extension); then a placeholder, since an error message is no place for a
   * secret.
   */
  static String shown(String name) {
    if (name == null) {
      return "(none)";
    }
    String n = name.strip();
    String lower = n.toLowerCase(java.util.Locale.ROOT);
    boolean credential =
        n.contains("eyJ")
            || lower.startsWith("bearer ")
            || lower.startsWith("dpop ")
            || lower.startsWith("basic ")
            || (TOKEN_LIKE.matcher(n).matches()
                && n.indexOf('/') < 0
                && !EXTENSION.matcher(n).matches());
    return credential ? "the argument (" + UsageMessages.NOT_SHOWN + ")" : ErrorHandler.oneLine(name);
  }

  /** Fails on the first input that cannot be read, before a command writes anything. */
  static void requireReadable(Collection<String> names) {
    for (String name : names) {
      if (STDIN.equals(name)) {
        continue;
      }
      Path p = path(name);
      if (!Files.exists(p)) {
        throw new CliException("cannot read " + shown(name) + ": no such file");
      }
      if (Files.isDirectory(p)) {
        throw new CliException("cannot read " + shown(name) + ": is a directory");
      }
      if (!Files.isReadable(p)) {
        throw new CliException("cannot read " + shown(name) + ": permission denied");
      }
    }
  }

  /** Opens a file, or returns {@code stdin} for {@code -}; the caller closes what it opened. */
  static InputStream open(String name, InputStream stdin) {
    if (STDIN.equals(name)) {
      return new NonClosing(stdin);
    }
    try {
      return Files.newInputStream(path(name));
    } catch (IOException e) {
      throw unreadable(name, e);
    }
  }

  /** Reads a whole input, refusing more than {@code maxBytes}. */
  static byte[] readAll(String name, InputStream stdin, int maxBytes) {
    try (InputStream in = open(name, stdin)) {
      byte[] bytes = in.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw new CliException("cannot read " + shown(name) + ": larger than " + maxBytes + " bytes");
      }
      return bytes;
    } catch (IOException e) {
      throw unreadable(name, e);
    }
  }

  static CliException unreadable(String name, IOException e) {
    String reason;
    if (e instanceof NoSuchFileException) {
      reason = "no such file";
    } else if (e instanceof AccessDeniedException) {
      reason = "permission denied";
    } else {
      reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
    return new CliException("cannot read " + shown(name) + ": " + reason, e);
  }

  private static Path path(String name) {
    try {
      return Paths.get(name);
    } catch (InvalidPathException e) {
      throw new CliException("cannot read " + shown(name) + ": invalid path");
    }
  }

  /** Standard input stays open for whoever reads it next. */
  private static final class NonClosing extends java.io.FilterInputStream {
    NonClosing(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }
}
