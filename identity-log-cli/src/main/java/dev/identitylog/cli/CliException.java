package dev.identitylog.cli;

/**
 * A usage or input error whose message is already the one line the user should read, e.g. {@code
 * cannot read events.jsonl: no such file}. The command exits with code 2.
 */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CliException(String message) {
    super(message, null, false, false);
  }

  CliException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
