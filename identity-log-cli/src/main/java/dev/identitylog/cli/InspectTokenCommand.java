package dev.identitylog.cli;

import com.nimbusds.jose.jwk.JWKSet;
import dev.identitylog.cert.CertificateParseException;
import dev.identitylog.cert.Certificates;
import dev.identitylog.cert.SpiffeId;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.TokenType;
import dev.identitylog.outcome.Reason;
import dev.identitylog.token.Credentials;
import dev.identitylog.token.TokenFacts;
import dev.identitylog.token.TokenInspector;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code inspect-token TOKEN|-}: one object with the {@code identity.token.*} fields of a bearer
 * token. The token itself is never printed, not even in an error message.
 */
@Command(
    name = "inspect-token",
    description = {
      "Print the identity fields of a bearer token (JWT or opaque); never the token itself.",
      "Accepts the raw token or a whole Authorization value (Bearer or DPoP scheme)."
    },
    mixinStandardHelpOptions = true)
final class InspectTokenCommand implements Callable<Integer> {
  private static final int MAX_BYTES = 64 * 1024;

  @ParentCommand IdentityLogCli root;

  @Mixin FormatOption format;

  /**
   * The token, or {@code Bearer}/{@code DPoP} and the token as two arguments: the natural paste of
   * an unquoted Authorization value. Two words are accepted only in that form, so nothing is
   * guessed.
   */
  @Parameters(
      index = "0..1",
      arity = "1..2",
      paramLabel = "TOKEN|-",
      description = {
        "The token; - reads it from standard input, @FILE from a file.",
        "Also: Bearer TOKEN or DPoP TOKEN, the Authorization value unquoted."
      })
  List<String> token;

  @Option(names = "--jwks", paramLabel = "FILE", description = "A JWK set to verify the signature with (sets identity.token.verified).")
  String jwks;

  @Option(names = "--hash-key", paramLabel = "HEX", description = "The HMAC key the hops use for identity.token.hash, in hex.")
  String hashKey;

  /** The clock expiry is judged by; a seam for tests. */
  java.util.function.Supplier<Instant> clock = Instant::now;

  @Option(names = "--cert", paramLabel = "FILE", description = "The client certificate presented with the token, to evaluate the cnf binding.")
  String cert;

  @Override
  public Integer call() {
    String raw = rawToken();
    String bearer = Credentials.bearerToken(raw);
    if (bearer != null) {
      raw = bearer;
    }
    if (raw.isEmpty()) {
      throw new CliException("no token given");
    }
    TokenInspector.Builder config = TokenInspector.builder().cacheSize(0);
    if (jwks != null) {
      Inputs.requireReadable(List.of(jwks));
      try {
        config.verificationKeys(
            JWKSet.parse(new String(Inputs.readAll(jwks, root.in, MAX_BYTES), StandardCharsets.UTF_8)));
      } catch (java.text.ParseException e) {
        throw new CliException(Inputs.shown(jwks) + ": not a JWK set");
      }
    }
    if (hashKey != null) {
      try {
        config.hashKey(HexFormat.of().parseHex(hashKey.strip()));
      } catch (IllegalArgumentException e) {
        throw new CliException("--hash-key: not hex");
      }
    }
    String certificateHash = cert == null ? null : certificateSha256(cert);

    TokenFacts facts = config.build().inspect(raw);
    if (facts == null || facts.type() == TokenType.MALFORMED) {
      throw new CliException("not a well-formed token (credential_malformed)");
    }
    if (jwks != null && !Boolean.TRUE.equals(facts.verified())) {
      // Verification asked for and not achieved is an answer, not a detail: exit 2, one line, as
      // for any input that fails; the claims are not printed as if nothing had happened.
      throw new CliException(facts.type() == TokenType.JWT
          ? "signature not verified by any key in " + Inputs.shown(jwks) + " (token_invalid)"
          : "an opaque token cannot be verified with a JWK set");
    }
    IdentityEvent.Builder b = facts.applyTo(IdentityEvent.builder(), certificateHash);
    if (cert == null) {
      b.remove(Fields.TOKEN_BINDING); // no certificate given: the binding is not evaluated
    }
    String sub = facts.subject();
    if (sub != null && SpiffeId.isValid(sub)) {
      b.set(Fields.WORKLOAD_ID, sub);
    }
    Output out = format.open(root.out);
    out.event(b.build());
    out.finish();
    String validity = validity(facts, clock.get());
    if (validity != null) {
      root.err.println("identity-log inspect-token: note: " + validity);
    }
    return IdentityLogCli.OK;
  }

  /**
   * Whether the token is expired or not yet valid by this machine's clock, as a note; null when
   * neither. The event fields stay those of the standard: a hop logs the claims, not the verdict.
   */
  static String validity(TokenFacts facts, Instant now) {
    if (facts.expired(now)) {
      return "expired at " + facts.expiresAt() + ", " + ago(Duration.between(facts.expiresAt(), now))
          + " ago by this machine's clock (token_expired)";
    }
    if (facts.notYetValid(now)) {
      return "not valid before " + facts.notBefore() + ", "
          + ago(Duration.between(now, facts.notBefore())) + " from now by this machine's clock"
          + " (token_not_yet_valid)";
    }
    return null;
  }

  private static String ago(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 120) {
      return s + "s";
    }
    if (s < 7200) {
      return (s / 60) + "m";
    }
    if (s < 172800) {
      return (s / 3600) + "h";
    }
    return (s / 86400) + "d";
  }

  /** The one credential the arguments name; never echoes an argument in an error. */
  private String rawToken() {
    String first = token.get(0);
    if (token.size() == 1 && first.startsWith("@") && first.length() > 1) {
      String file = first.substring(1);
      Inputs.requireReadable(List.of(file));
      return new String(Inputs.readAll(file, root.in, MAX_BYTES), StandardCharsets.UTF_8).strip();
    }
    if (token.size() == 1 && looksLikeFile(first)) {
      throw new CliException(Inputs.shown(first) + " is a file name, not a token: give @"
          + Inputs.shown(first) + " to read the token from the file, or - for standard input");
    }
    if (token.size() > 2) {
      throw new CliException("unexpected argument at position 3 (" + UsageMessages.NOT_SHOWN + ")");
    }
    if (token.size() == 2) {
      String scheme = first.strip();
      if (!scheme.equalsIgnoreCase("Bearer") && !scheme.equalsIgnoreCase("DPoP")) {
        throw new CliException("unexpected argument at position 2 (" + UsageMessages.NOT_SHOWN
            + "); give one token, or Bearer TOKEN / DPoP TOKEN");
      }
      return scheme + " " + token.get(1).strip();
    }
    if (Inputs.STDIN.equals(first)) {
      return new String(Inputs.readAll(first, root.in, MAX_BYTES), StandardCharsets.UTF_8).strip();
    }
    return first.strip();
  }

  /** A file name where a token belongs: an existing file, a path, or a name with a file extension. */
  static boolean looksLikeFile(String arg) {
    String a = arg.strip();
    if (a.isEmpty() || Inputs.STDIN.equals(a)) {
      return false;
    }
    if (a.startsWith("/") || a.startsWith("./") || a.startsWith("../") || a.startsWith("~/")) {
      return true;
    }
    if (FILE_NAME.matcher(a).matches()) {
      return true;
    }
    try {
      return a.length() < 256 && java.nio.file.Files.isRegularFile(java.nio.file.Paths.get(a));
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** A short name with one of the extensions tokens are saved under; a JWT has two dots. */
  private static final java.util.regex.Pattern FILE_NAME = java.util.regex.Pattern.compile(
      "[\\w.-]{0,200}\\.(?i:jwt|jws|jwe|token|tok|txt|json|b64|pem|key|crt|cer|der|p12|pfx|log)");

  private String certificateSha256(String name) {
    Inputs.requireReadable(List.of(name));
    try {
      List<X509Certificate> certs = Certificates.parse(Inputs.readAll(name, root.in, MAX_BYTES));
      if (certs.isEmpty()) {
        throw new CliException(Inputs.shown(name) + ": no certificate found");
      }
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certs.get(0).getEncoded());
      return HexFormat.of().withUpperCase().formatHex(digest);
    } catch (CertificateParseException e) {
      throw new CliException(Inputs.shown(name) + ": " + e.getMessage(), e);
    } catch (java.security.GeneralSecurityException e) {
      throw new CliException(Inputs.shown(name) + ": " + ErrorHandler.oneLine(e), e);
    }
  }
}
