package dev.identitylog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.testing.Credential;
import dev.identitylog.testing.TestPki;
import dev.identitylog.testing.TestTokens;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a newcomer typed first, and what the command line now says back: one line on stderr that
 * names what happened, in the one convention {@code identity-log <command>: <message>}.
 */
class NewcomerMistakesTest {
  private static Credential alice;

  @TempDir Path dir;

  @BeforeAll
  static void pki() {
    alice = TestPki.create("Newcomer Root").issue(TestPki.leaf("CN=alice").clientAuth());
  }

  private static void assertOneLineError(Cli r, String expected) {
    assertThat(r.code).as(r.toString()).isEqualTo(2);
    assertThat(r.out).as(r.toString()).isEmpty();
    assertThat(r.err).as(r.toString()).isEqualTo(expected + "\n");
  }

  @Test
  void aFileNameInsteadOfATokenIsSaidToBeOne() throws Exception {
    assertOneLineError(Cli.run("inspect-token", "token.jwt"), "identity-log inspect-token: token.jwt is"
        + " a file name, not a token: give @token.jwt to read the token from the file, or - for"
        + " standard input");
    Path existing = dir.resolve("access_token");
    Files.writeString(existing, TestTokens.rs256().sign() + "\n");
    assertThat(Cli.run("inspect-token", existing.toString()).err).contains("is a file name, not a token");

    Cli at = Cli.run("inspect-token", "@" + existing);
    assertThat(at.code).as(at.toString()).isZero();
    assertThat(at.out).contains("\"identity.token.type\":\"jwt\"");
  }

  @Test
  void anExpiredTokenIsFlaggedAgainstTheClock() {
    Cli r = Cli.run("inspect-token", TestTokens.rs256().expiredAgo(Duration.ofHours(3)).sign());
    assertThat(r.code).as(r.toString()).isZero();
    assertThat(r.out).contains("identity.token.expires_at");
    assertThat(r.err).matches("identity-log inspect-token: note: expired at \\S+, 3h ago by this"
        + " machine's clock \\(token_expired\\)\n");

    Cli early = Cli.run("inspect-token", TestTokens.rs256().notBeforeIn(Duration.ofMinutes(10)).sign());
    assertThat(early.err).contains("not valid before").contains("(token_not_yet_valid)");

    Cli fresh = Cli.run("inspect-token", TestTokens.rs256().sign());
    assertThat(fresh.err).isEmpty();
  }

  @Test
  void aJwkSetThatVerifiesNothingIsExitTwo() throws Exception {
    Path others = dir.resolve("others.json");
    Files.writeString(others, TestTokens.otherJwkSet().toString());
    assertOneLineError(Cli.run("inspect-token", "--jwks", others.toString(), TestTokens.rs256().sign()),
        "identity-log inspect-token: signature not verified by any key in " + others + " (token_invalid)");
    Path empty = dir.resolve("empty.json");
    Files.writeString(empty, "{\"keys\":[]}");
    assertThat(Cli.run("inspect-token", "--jwks", empty.toString(), TestTokens.es256().sign()).code)
        .isEqualTo(2);
    Path good = dir.resolve("good.json");
    Files.writeString(good, TestTokens.jwkSet().toString());
    Cli ok = Cli.run("inspect-token", "--jwks", good.toString(), TestTokens.es256().sign());
    assertThat(ok.code).as(ok.toString()).isZero();
    assertThat(ok.out).contains("\"identity.token.verified\":true");
  }

  @Test
  void aTraceparentErrorSaysWhichPartIsWrong() {
    String ok = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    String[][] cases = {
      {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", "expected version-traceid-parentid-flags,"
          + " four parts separated by '-', found 3"},
      {"ff" + ok.substring(2), "version ff is forbidden"},
      {"0x" + ok.substring(2), "version must be hex digits, found a character that is not"},
      {ok.replace("4bf92f3577b34da6", "4BF92F3577B34DA6"), "trace-id must be lowercase hex (uppercase A-F found)"},
      {ok.replace("4736-", "473-"), "trace-id must be 32 hex digits, found 31 characters"},
      {"00-00000000000000000000000000000000-00f067aa0ba902b7-01", "trace-id is all zeros"},
      {"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "parent-id is all zeros"},
      {ok.substring(0, ok.length() - 2) + "1", "flags must be 2 hex digits, found 1 characters"},
      {ok + "-extra", "version 00 has exactly four parts, found 5"},
    };
    for (String[] c : cases) {
      assertOneLineError(Cli.run("inspect-header", "traceparent", c[0]),
          "identity-log inspect-header: invalid traceparent: " + c[1]);
    }
  }

  @Test
  void aPkcs12FileIsRecognised() throws Exception {
    KeyStore ks = alice.keyStore();
    ByteArrayOutputStream p12 = new ByteArrayOutputStream();
    ks.store(p12, TestPki.PASSWORD.toCharArray());
    Path file = dir.resolve("alice.p12");
    Files.write(file, p12.toByteArray());
    assertOneLineError(Cli.run("inspect-cert", file.toString()), "identity-log inspect-cert: " + file
        + ": a PKCS#12 key store (.p12/.pfx), not a certificate: extract it first, e.g. openssl"
        + " pkcs12 -in FILE -clcerts -nokeys -out cert.pem");

    Path key = dir.resolve("key.pem");
    Files.writeString(key, alice.privateKeyPem());
    assertOneLineError(Cli.run("inspect-cert", key.toString()), "identity-log inspect-cert: " + key
        + ": holds a private key, not a certificate (nothing printed from it)");
  }

  @Test
  void everyCommandUsesTheSamePrefix() throws Exception {
    Path missing = dir.resolve("missing.jsonl");
    for (String command : new String[] {"lint", "correlate", "inspect-cert"}) {
      assertOneLineError(Cli.run(command, missing.toString()),
          "identity-log " + command + ": cannot read " + missing + ": no such file");
    }
  }
}
