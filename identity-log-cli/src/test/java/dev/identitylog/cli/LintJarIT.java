package dev.identitylog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar, as users run it: {@code java -jar identity-log.jar ...}. Runs after package. */
class LintJarIT {
  @TempDir Path dir;

  private static Path jar() {
    String path = System.getProperty("identitylog.cli.jar", "target/identity-log.jar");
    Path jar = Paths.get(path);
    assertThat(jar).as("the shaded jar").isRegularFile();
    return jar;
  }

  private static final class Run {
    int code;
    String out;
    String err;
  }

  private static Run java(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(args));
    Path outFile = Files.createTempFile("identity-log-out", ".txt");
    Path errFile = Files.createTempFile("identity-log-err", ".txt");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectOutput(outFile.toFile())
              .redirectError(errFile.toFile())
              .redirectInput(new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null"))
              .start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("finished").isTrue();
      Run r = new Run();
      r.code = p.exitValue();
      r.out = Files.readString(outFile, StandardCharsets.UTF_8);
      r.err = Files.readString(errFile, StandardCharsets.UTF_8);
      return r;
    } finally {
      Files.deleteIfExists(outFile);
      Files.deleteIfExists(errFile);
    }
  }

  @Test
  void lintCleanFile() throws Exception {
    Path good = dir.resolve("good.jsonl");
    Files.writeString(good, Events.line(Events.server()) + "\n" + Events.line(Events.client()) + "\n");
    Run r = java("lint", good.toString());
    assertThat(r.code).as(r.err).isZero();
    assertThat(r.out).isEmpty();
    assertThat(r.err).isEqualTo("identity-log lint: 1 file, 2 lines checked, 0 with violations, 0 violations\n");
  }

  @Test
  void lintViolations() throws Exception {
    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(bad, Events.line(Events.server()) + "\nnot json\n{\"trace.id\":\"x\"}\n");
    Run r = java("lint", bad.toString());
    assertThat(r.code).as(r.err).isEqualTo(1);
    assertThat(r.err).matches("identity-log lint: 1 file, 3 lines checked, 2 with violations, \\d+ violations\n");
    assertThat(r.out)
        .startsWith(bad + ":2: $: not a JSON object\n")
        .contains(bad + ":3: trace.id: does not match ^[0-9a-f]{32}$\n")
        .contains(bad + ":3: event.name: required field is missing\n");
  }

  @Test
  void lintMissingFile() throws Exception {
    Path missing = dir.resolve("missing.jsonl");
    Run r = java("lint", missing.toString());
    assertThat(r.code).isEqualTo(2);
    assertThat(r.out).isEmpty();
    assertThat(r.err).isEqualTo("identity-log lint: cannot read " + missing + ": no such file\n");
  }

  @Test
  void version() throws Exception {
    Run r = java("--version");
    assertThat(r.code).isZero();
    assertThat(r.out).matches("identity-log \\d+\\.\\d+\\.\\d+\\S* \\(identity event schema 1\\.1\\)\\R");
  }
}
