/**
 * The {@code identity-log} command line. Each command is a picocli class in this package, listed
 * in {@link dev.identitylog.cli.IdentityLogCli}'s subcommands; commands print through {@code
 * Output} (with the {@code FormatOption} mixin for {@code --format json|table}), read inputs
 * through {@code Inputs}, and report a usage or input error by throwing {@code CliException},
 * which becomes exit code 2 with one line on stderr and nothing on stdout.
 */
package dev.identitylog.cli;
