package dev.identitylog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.identitylog.forwarded.ClientCertHeader;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.TestPki;
import dev.identitylog.testing.TestTokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestPki pki;
  private static Credential alice;
  private static Credential workload;

  @TempDir Path dir;

  @BeforeAll
  static void pki() {
    pki = TestPki.create("Inspect Root");
    alice = pki.issue(TestPki.leaf("CN=alice,O=Example").ec256().clientAuth().dns("alice.example"));
    workload = pki.issue(TestPki.spiffeSvid("spiffe://example.org/ns/shop/sa/web"));
  }

  private static List<JsonNode> lines(String out) throws Exception {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isEmpty()) {
        nodes.add(JSON.readTree(line));
      }
    }
    return nodes;
  }

  private static String sha256(byte[] der) throws Exception {
    return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
  }

  private static void assertUsageError(Cli r) {
    assertThat(r.code).as(r.toString()).isEqualTo(2);
    assertThat(r.out).isEmpty();
    assertThat(r.err.strip()).doesNotContain("\n").startsWith("identity-log");
  }

  @Test
  void inspectCertPrintsOneObjectPerCertificateOfABundle() throws Exception {
    Path bundle = dir.resolve("bundle.pem");
    Files.writeString(bundle, alice.certificatePem() + workload.certificatePem());
    Cli r = Cli.run("inspect-cert", bundle.toString());
    assertThat(r.code).as(r.toString()).isZero();
    List<JsonNode> out = lines(r.out);
    assertThat(out).hasSize(2);
    assertThat(out.get(0).get("tls.client.subject").asText()).isEqualTo("CN=alice,O=Example");
    assertThat(out.get(0).get("tls.client.hash.sha256").asText())
        .isEqualTo(sha256(alice.certificate().getEncoded()));
    assertThat(out.get(0).get("tls.client.x509.alternative_names").get(0).asText())
        .isEqualTo("alice.example");
    assertThat(out.get(0).has("identity.workload.id")).isFalse();
    assertThat(out.get(1).get("identity.workload.id").asText())
        .isEqualTo("spiffe://example.org/ns/shop/sa/web");
  }

  @Test
  void inspectCertReadsDerFromStandardInput() throws Exception {
    Cli r = Cli.runWithInput(alice.certificate().getEncoded(), "inspect-cert", "-");
    assertThat(r.code).as(r.toString()).isZero();
    assertThat(lines(r.out).get(0).get("tls.client.hash.sha256").asText())
        .isEqualTo(sha256(alice.certificate().getEncoded()));
  }

  @Test
  void inspectCertAgreesWithOpenssl() throws Exception {
    Path pem = dir.resolve("alice.pem");
    Files.writeString(pem, alice.certificatePem());
    Process p;
    try {
      p = new ProcessBuilder("openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", pem.toString())
          .redirectErrorStream(true).start();
    } catch (java.io.IOException noOpenssl) {
      org.junit.jupiter.api.Assumptions.abort("openssl is not installed");
      return;
    }
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String fingerprint = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    String expected = fingerprint.substring(fingerprint.indexOf('=') + 1).strip().replace(":", "");
    Cli r = Cli.run("inspect-cert", pem.toString());
    assertThat(lines(r.out).get(0).get("tls.client.hash.sha256").asText()).isEqualTo(expected);
  }

  @Test
  void inspectCertRefusesWhatIsNotACertificate() throws Exception {
    Path key = dir.resolve("key.pem");
    Files.writeString(key, alice.privateKeyPem());
    assertUsageError(Cli.run("inspect-cert", key.toString()));
    Path garbage = dir.resolve("garbage.bin");
    Files.write(garbage, new byte[] {0x30, (byte) 0x82, 1, 2, 3});
    assertUsageError(Cli.run("inspect-cert", garbage.toString()));
    assertUsageError(Cli.run("inspect-cert", dir.resolve("missing.pem").toString()));
  }

  @Test
  void inspectTokenNeverPrintsTheToken() throws Exception {
    String token = TestTokens.rs256().audiences("orders").scope("orders:read orders:write")
        .act(List.of("spiffe://example.org/gateway")).expiresIn(Duration.ofMinutes(5)).sign();
    Cli r = Cli.run("inspect-token", "Bearer " + token);
    assertThat(r.code).as(r.toString()).isZero();
    JsonNode e = lines(r.out).get(0);
    assertThat(e.get("identity.token.type").asText()).isEqualTo("jwt");
    assertThat(e.get("identity.token.hash").asText())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
            .digest(token.getBytes(StandardCharsets.UTF_8)), 0, 16));
    assertThat(e.get("identity.token.audience").get(0).asText()).isEqualTo("orders");
    assertThat(e.get("identity.token.scopes")).hasSize(2);
    assertThat(e.get("identity.token.actor_chain").get(0).asText())
        .isEqualTo("spiffe://example.org/gateway");
    assertThat(e.has("identity.token.verified")).isFalse();
    assertThat(e.has("identity.token.binding")).isFalse();
    String signature = token.substring(token.lastIndexOf('.') + 1);
    assertThat(r.out + r.err).doesNotContain(token).doesNotContain(signature);
  }

  @Test
  void inspectTokenVerifiesAndEvaluatesTheBindingWhenAsked() throws Exception {
    Path jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, TestTokens.jwkSet().toString());
    Path cert = dir.resolve("alice.pem");
    Files.writeString(cert, alice.certificatePem());
    String bound = TestTokens.es256().cnfX5tS256(TestTokens.x5tS256(alice.certificate())).sign();

    JsonNode ok = lines(Cli.run("inspect-token", "--jwks", jwks.toString(), "--cert", cert.toString(), bound).out).get(0);
    assertThat(ok.get("identity.token.verified").asBoolean()).isTrue();
    assertThat(ok.get("identity.token.binding").asText()).isEqualTo("bound");

    Path other = dir.resolve("web.pem");
    Files.writeString(other, workload.certificatePem());
    String forgedToken =
        TestTokens.es256().cnfX5tS256(TestTokens.x5tS256(alice.certificate())).otherKeySign();
    // A JWK set that verifies nothing is exit 2 with one line, nothing on stdout (was: exit 0 and
    // a note, which read like success).
    Cli forged = Cli.run("inspect-token", "--jwks", jwks.toString(), "--cert", other.toString(), forgedToken);
    assertUsageError(forged);
    assertThat(forged.err).isEqualTo("identity-log inspect-token: signature not verified by any key in "
        + jwks + " (token_invalid)\n");
    Cli unverified = Cli.run("inspect-token", "--cert", other.toString(), forgedToken);
    JsonNode bad = lines(unverified.out).get(0);
    assertThat(bad.has("identity.token.verified")).isFalse();
    assertThat(bad.get("identity.token.binding").asText()).isEqualTo("mismatch");
  }

  @Test
  void inspectTokenReadsStandardInputAndRefusesGarbage() throws Exception {
    Cli opaque = Cli.runWithInput("an-opaque-token-0123456789\n".getBytes(StandardCharsets.UTF_8), "inspect-token", "-");
    assertThat(lines(opaque.out).get(0).get("identity.token.type").asText()).isEqualTo("opaque");
    assertThat(opaque.out).doesNotContain("an-opaque-token");
    assertUsageError(Cli.run("inspect-token", "a.b.c"));
    assertUsageError(Cli.run("inspect-token", "   "));
  }

  @Test
  void inspectHeaderParsesTracePropagationHeaders() throws Exception {
    JsonNode w3c = lines(Cli.run("inspect-header", "traceparent",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").out).get(0);
    assertThat(w3c.get("trace.id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(w3c.get("span.parent.id").asText()).isEqualTo("00f067aa0ba902b7");
    assertThat(w3c.get("identity.trace.origin").asText()).isEqualTo("traceparent");

    JsonNode b3 = lines(Cli.run("inspect-header", "B3",
        "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1").out).get(0);
    assertThat(b3.get("trace.id").asText()).isEqualTo("80f198ee56343ba864fe8b2a57d3eff7");
    assertThat(b3.get("identity.trace.origin").asText()).isEqualTo("b3");

    JsonNode aws = lines(Cli.run("inspect-header", "X-Amzn-Trace-Id",
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1").out).get(0);
    assertThat(aws.get("trace.id").asText()).isEqualTo("5759e988bd862e3fe1be46a994272793");
    assertThat(aws.get("identity.trace.origin").asText()).isEqualTo("aws");

    assertUsageError(Cli.run("inspect-header", "traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
    assertUsageError(Cli.run("inspect-header", "cookie", "session=secret"));
  }

  @Test
  void inspectHeaderParsesForwardedCertificates() throws Exception {
    String hash = sha256(workload.certificate().getEncoded()).toLowerCase(java.util.Locale.ROOT);
    List<JsonNode> xfcc = lines(Cli.run("inspect-header", "x-forwarded-client-cert",
        "By=spiffe://example.org/edge;Hash=" + hash
            + ";Subject=\"CN=web,O=Shop\";URI=spiffe://example.org/ns/shop/sa/web,"
            + "By=spiffe://example.org/gateway;Hash=" + "0".repeat(64)).out);
    assertThat(xfcc).hasSize(2);
    assertThat(xfcc.get(0).get("tls.client.hash.sha256").asText()).isEqualTo(hash.toUpperCase(java.util.Locale.ROOT));
    assertThat(xfcc.get(0).get("identity.workload.id").asText()).isEqualTo("spiffe://example.org/ns/shop/sa/web");
    assertThat(xfcc.get(0).get("identity.cert.forwarded_by").asText()).isEqualTo("spiffe://example.org/edge");
    assertThat(xfcc.get(1).get("identity.cert.forwarded_by").asText()).isEqualTo("spiffe://example.org/gateway");

    JsonNode rfc9440 = lines(Cli.run("inspect-header", "Client-Cert",
        ClientCertHeader.format(alice.certificate().getEncoded())).out).get(0);
    assertThat(rfc9440.get("tls.client.hash.sha256").asText()).isEqualTo(sha256(alice.certificate().getEncoded()));
    assertThat(rfc9440.get("identity.cert.source").asText()).isEqualTo("client-cert");

    String chain = ClientCertHeader.format(alice.certificate().getEncoded()) + ", "
        + ClientCertHeader.format(pki.rootCertificate().getEncoded());
    assertThat(lines(Cli.run("inspect-header", "client-cert-chain", chain).out)).hasSize(2);

    assertUsageError(Cli.run("inspect-header", "x-forwarded-client-cert", "By=\"unterminated"));
    assertUsageError(Cli.run("inspect-header", "client-cert", "not-base64"));
  }
}
