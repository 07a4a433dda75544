package dev.identitylog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile numbers are violations of their line; they never end the run. */
class LintHostileInputTest {
  @TempDir Path dir;

  @Test
  void everyHostileNumberIsAViolationOfItsLine() throws Exception {
    String good = Events.line(Events.server());
    String[] numbers = {
      "1e999999", "-1e999999", "1e-999999", "123456789012345678901234567890", "1.5",
      "9223372036854775808", "-9223372036854775809", "1" + "0".repeat(5000), "0.1e2147483648",
      "1E+2147483647"
    };
    List<String> lines = new ArrayList<>();
    lines.add(good);
    for (String n : numbers) {
      lines.add(good.replace("\"http.response.status_code\":403", "\"http.response.status_code\":" + n));
      lines.add(good.replace("\"identity.token.hash\":\"0123456789abcdef0123456789abcdef\"",
          "\"identity.token.hash\":" + n));
      lines.add("{\"x\":" + n + "}");
      lines.add(good.replace("\"event.name\":\"identity.server\"", "\"event.name\":" + n));
      lines.add(good.replaceFirst("\"identity\\.schema\":\"[0-9.]+\"", "\"identity.schema\":[" + n + "]"));
    }
    lines.add(good);
    Path f = dir.resolve("hostile.jsonl");
    Files.write(f, lines);

    Cli r = Cli.run("lint", f.toString());

    assertThat(r.code).as(r.toString()).isEqualTo(1);
    assertThat(r.err).as(r.toString()).doesNotContain("internal error");
    for (int line = 2; line <= 1 + 5 * numbers.length; line++) {
      assertThat(r.out).as("line " + line).contains(f + ":" + line + ": ");
    }
    assertThat(r.out).doesNotContain(f + ":1: ").doesNotContain(f + ":" + lines.size() + ": ");
    assertThat(r.out).contains(f + ":2: http.response.status_code: ");
    assertThat(r.out).contains(f + ":5: event.name: number out of range");
  }
}
