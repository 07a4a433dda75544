package dev.identitylog.forwarded;

import static org.assertj.core.api.Assertions.assertThat;

import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

class DistinguishedNamesTest {
  @Test
  void envoysDocumentationExampleBecomesRfc2253() {
    assertThat(DistinguishedNames.toRfc2253("/C=US/ST=CA/L=San Francisco/OU=Lyft/CN=Test Client"))
        .isEqualTo("CN=Test Client,OU=Lyft,L=San Francisco,ST=CA,C=US");
  }

  @Test
  void matchesWhatTheJdkWritesForTheSameCertificateSubject() {
    X500Principal subject = new X500Principal("CN=a\\,b,OU=x+UID=7,O=Acme\\+Co,C=DE");
    assertThat(DistinguishedNames.toRfc2253("/C=DE/O=Acme+Co/OU=x+UID=7/CN=a,b"))
        .isEqualTo(subject.getName(X500Principal.RFC2253));
  }

  @Test
  void escapesAndMultiValuedRdns() {
    // A backslash escapes the next character, so a '/' or '+' may be part of a value.
    assertThat(DistinguishedNames.toRfc2253("/O=A\\/B/CN=x\\+y"))
        .isEqualTo("CN=x\\+y,O=A/B");
    assertThat(DistinguishedNames.toRfc2253("/O=Example/CN=carol+UID=42"))
        .isEqualTo("CN=carol+UID=42,O=Example");
    assertThat(DistinguishedNames.toRfc2253("/CN=\"quoted\";semi<>/"))
        .isEqualTo("CN=\\\"quoted\\\"\\;semi\\<\\>");
    assertThat(DistinguishedNames.toRfc2253("/emailAddress=a@example.org/CN=a"))
        .isEqualTo(new X500Principal("CN=a,EMAILADDRESS=a@example.org")
            .getName(X500Principal.RFC2253));
  }

  @Test
  void anythingElseIsKeptAsSent() {
    assertThat(DistinguishedNames.toRfc2253("CN=carol, O=Example")).isEqualTo("CN=carol, O=Example");
    assertThat(DistinguishedNames.toRfc2253("/not a name")).isEqualTo("/not a name");
    assertThat(DistinguishedNames.toRfc2253("/CN=a/novalue")).isEqualTo("/CN=a/novalue");
    assertThat(DistinguishedNames.toRfc2253("/=x")).isEqualTo("/=x");
    assertThat(DistinguishedNames.toRfc2253("/NOSUCHTYPE=x")).isEqualTo("/NOSUCHTYPE=x");
    assertThat(DistinguishedNames.toRfc2253("/")).isEqualTo("/");
    assertThat(DistinguishedNames.toRfc2253(null)).isNull();
  }
}
