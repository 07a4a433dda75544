package dev.identitylog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.testing.TestTokens;
import org.junit.jupiter.api.Test;

/**
 * A credential pasted on the command line never comes back in an error: the natural, unquoted
 * paste of an Authorization value, a mistyped option next to a token, a token where a file name
 * belongs.
 */
class ArgumentSecrecyTest {
  private static final String TOKEN = TestTokens.rs256().audience("orders").sign();
  private static final String SIGNATURE = TOKEN.substring(TOKEN.lastIndexOf('.') + 1);

  private static void assertSecretFreeUsageError(Cli r) {
    assertThat(r.code).as(r.toString()).isEqualTo(2);
    assertThat(r.out).isEmpty();
    assertThat(r.err.strip()).doesNotContain("\n").startsWith("identity-log");
    assertThat(r.err).doesNotContain(TOKEN).doesNotContain(SIGNATURE).doesNotContain("eyJ");
  }

  @Test
  void bearerPastedUnquotedIsOneTokenWithItsScheme() {
    for (String scheme : new String[] {"Bearer", "DPoP", "bearer"}) {
      Cli r = Cli.run("inspect-token", scheme, TOKEN);
      assertThat(r.code).as(r.toString()).isZero();
      assertThat(r.out).contains("\"identity.token.type\":\"jwt\"").doesNotContain(SIGNATURE);
    }
  }

  @Test
  void anotherSchemeOrAThirdWordIsAnErrorThatDoesNotEchoTheToken() {
    Cli basic = Cli.run("inspect-token", "Token", TOKEN);
    assertSecretFreeUsageError(basic);
    assertThat(basic.err).contains("position 2").contains("not shown");

    Cli three = Cli.run("inspect-token", "Bearer", TOKEN, TOKEN);
    assertSecretFreeUsageError(three);
    assertThat(three.err).contains("unexpected argument at position 3");
  }

  @Test
  void mistypedOptionNextToATokenNamesTheOptionOnly() {
    Cli r = Cli.run("inspect-token", "--jwk", "keys.json", TOKEN);
    assertSecretFreeUsageError(r);
    assertThat(r.err).contains("--jwk");

    Cli glued = Cli.run("inspect-token", "--hash-ky=" + TOKEN, TOKEN);
    assertSecretFreeUsageError(glued);
    assertThat(glued.err).contains("unknown option --hash-ky");

    Cli dashed = Cli.run("inspect-token", "-" + TOKEN);
    assertSecretFreeUsageError(dashed);
  }

  @Test
  void authorizationHeaderPastedIntoInspectHeader() {
    Cli unquoted = Cli.run("inspect-header", "Authorization:", "Bearer", TOKEN);
    assertSecretFreeUsageError(unquoted);
    assertThat(unquoted.err).contains("position 3");

    Cli quoted = Cli.run("inspect-header", "Authorization", "Bearer " + TOKEN);
    assertSecretFreeUsageError(quoted);
    assertThat(quoted.err).contains("inspect-token");

    Cli asName = Cli.run("inspect-header", TOKEN, "x");
    assertSecretFreeUsageError(asName);
  }

  @Test
  void tokenWhereAFileBelongs() {
    for (String[] args :
        new String[][] {
          {"lint", TOKEN},
          {"inspect-cert", TOKEN},
          {"inspect-token", "--jwks", TOKEN, TOKEN},
          {"inspect-token", "--cert", TOKEN, TOKEN},
          {"correlate", TOKEN},
          {"lint", "Bearer " + TOKEN},
        }) {
      assertSecretFreeUsageError(Cli.run(args));
    }
  }

  @Test
  void invalidOptionValueIsNotEchoed() {
    Cli r = Cli.run("inspect-token", "--format", TOKEN, TOKEN);
    assertSecretFreeUsageError(r);
    assertThat(r.err).contains("--format").contains("json|table");

    for (String option : new String[] {"--window", "--since", "--until", "--format", "--verdict"}) {
      assertSecretFreeUsageError(Cli.run("correlate", option, TOKEN, "-"));
    }
  }
}
