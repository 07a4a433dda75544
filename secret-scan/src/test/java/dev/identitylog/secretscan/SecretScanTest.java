package dev.identitylog.secretscan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitylog.testing.PlantedSecrets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scan on a tree of planted leaks; the secrets are made up here, never real. */
class SecretScanTest {
  @TempDir Path root;

  // Built at run time so that no secret-shaped literal sits in the source.
  private static final String HEADER = b64("{\"alg\":\"RS256\"}");
  private static final String PAYLOAD = b64("{\"sub\":\"alice\"}");
  private static final String SIGNATURE = UUID.randomUUID().toString().replace("-", "")
      + UUID.randomUUID().toString().replace("-", "");
  private static final String TOKEN = HEADER + "." + PAYLOAD + "." + SIGNATURE;
  private static final String SESSION = "s" + UUID.randomUUID().toString().replace("-", "");

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private Path write(String path, String... lines) throws IOException {
    Path p = root.resolve(path);
    Files.createDirectories(p.getParent());
    Files.write(p, List.of(lines));
    return p;
  }

  private void plant(String module, String kind, String secret) throws IOException {
    write(module + "/target/planted-secrets/1-1.txt",
        kind + "\t" + Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void findsEveryPlantedLeakByFileLineAndKindWithoutPrintingIt() throws IOException {
    plant("core", "SESSION_ID", SESSION);
    write("core/target/planted-secrets/2-2.txt",
        "SIGNATURE\t" + Base64.getEncoder().encodeToString(SIGNATURE.getBytes(StandardCharsets.UTF_8)));
    write("servlet/target/surefire-reports/dev.x.FilterTest-output.txt",
        "started", "GET /orders session=" + SESSION + " done");
    write("okhttp/target/events.jsonl", "{\"sig\":\"" + SIGNATURE + "\"}");
    write("grpc/target/app.log", "ok", "ok", "-----BEGIN EC PRIVATE KEY-----");
    write("cli/target/surefire-reports/dev.x.CliTest.txt", "expected: Bearer " + TOKEN.replace(SIGNATURE, "A".repeat(20)));
    write("cli/target/surefire-reports/TEST-dev.x.CliTest.xml", "<system-out>Authorization: Bearer abcdefghijklmnop</system-out>");
    write("examples/target/demo.log", "Cookie: SESSION=0123456789abcdef");
    // Not leaks: masked values, a class file, the records themselves, a file outside target/.
    write("examples/target/clean.log", "Authorization: [REDACTED]", "Cookie: SESSION=***",
        "identity.token.hash 0123456789abcdef0123456789abcdef");
    write("core/target/classes/Leak.txt", SESSION);
    write("core/src/test/resources/leak.txt", SESSION);

    SecretScan scan = SecretScan.run(root);

    assertThat(scan.findings()).containsExactlyInAnyOrder(
        path("servlet/target/surefire-reports/dev.x.FilterTest-output.txt") + ":2: planted SESSION_ID",
        path("okhttp/target/events.jsonl") + ":1: planted SIGNATURE",
        path("grpc/target/app.log") + ":3: PRIVATE_KEY (PEM block)",
        path("cli/target/surefire-reports/dev.x.CliTest.txt") + ":1: JWT with a signature",
        path("cli/target/surefire-reports/TEST-dev.x.CliTest.xml") + ":1: AUTHORIZATION value",
        path("examples/target/demo.log") + ":1: COOKIE value");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    assertThat(scan.report(new PrintStream(printed, true, StandardCharsets.UTF_8), 0)).isFalse();
    String report = printed.toString(StandardCharsets.UTF_8);
    assertThat(report).doesNotContain(SESSION).doesNotContain(SIGNATURE).doesNotContain("abcdefghijklmnop")
        .contains("6 finding(s)");
    assertThatThrownBy(() -> SecretScan.main(new String[] {root.toString()}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageNotContaining(SESSION);
  }

  @Test
  void theLoadHarnessRunsAreNotScannedButTheRestOfItsModuleIs() throws IOException {
    write("benchmarks/target/bench/load/identity-log-r1/events.jsonl", "-----BEGIN EC PRIVATE KEY-----");
    write("benchmarks/target/surefire-reports/bench/x.txt", "-----BEGIN EC PRIVATE KEY-----");
    SecretScan scan = SecretScan.run(root);
    assertThat(scan.findings()).containsExactly(
        path("benchmarks/target/surefire-reports/bench/x.txt") + ":1: PRIVATE_KEY (PEM block)");
  }

  @Test
  void cleanTreeIsClean() throws IOException {
    plant("core", "TOKEN", TOKEN);
    write("core/target/surefire-reports/dev.x.T-output.txt", "identity.token.hash=0123456789abcdef");
    SecretScan scan = SecretScan.run(root);
    assertThat(scan.findings()).isEmpty();
    assertThat(scan.plantedSecrets()).isEqualTo(1);
  }

  @Test
  void readsWhatTheFixturesRecord() throws IOException {
    // PlantedSecrets writes under this module's target/planted-secrets (the working directory).
    String cookie = PlantedSecrets.cookie("SESSION=" + SESSION);
    Path records = Paths.get("target", SecretScan.PLANTED_DIR);
    PlantedIndex index = new PlantedIndex();
    try (var files = Files.list(records)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        index.load(p);
      }
    }
    assertThat(index.find("x " + cookie + " y")).isEqualTo("COOKIE");
    assertThat(index.find("value " + SESSION)).isEqualTo("COOKIE");
    assertThat(index.find("nothing here")).isNull();
  }

  private static String path(String p) {
    return Paths.get(p).toString();
  }
}
