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
        "The token; - reads it from standard input.",
        "Also: Bearer TOKEN or DPoP TOKEN, the Authorization value unquoted."
      })
  List<String> token;

  @Option(names = "--jwks", paramLabel = "FILE", description = "A JWK set to verify the signature with (sets identity.token.verified).")
  String jwks;

  @Option(names = "--hash-key", paramLabel = "HEX", description = "The HMAC key the hops use for identity.token.hash, in hex.")
  String hashKey;

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
    if (facts.problem() == Reason.TOKEN_INVALID) {
      root.err.println("identity-log: signature not verified by the given keys (token_invalid)");
    }
    return IdentityLogCli.OK;
  }

  /** The one credential the arguments name; never echoes an argument in an error. */
  private String rawToken() {
    String first = token.get(0);
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
