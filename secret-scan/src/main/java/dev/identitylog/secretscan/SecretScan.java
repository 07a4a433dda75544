package dev.identitylog.secretscan;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Scans what the test suite wrote under every module's {@code target/} for secrets: each one the
 * tests planted (recorded by the core test-jar's {@code PlantedSecrets} under
 * {@code target/planted-secrets/}) and anything shaped like a secret (a PEM private key block, a
 * signed JWT, an {@code Authorization} or cookie header with a value). A finding is reported as
 * {@code file:line: KIND}, never with the secret, and fails the run.
 *
 * <p>Scanned: test output files ({@code .txt}, {@code .log}, {@code .jsonl}, {@code .json},
 * {@code .xml} under {@code surefire-reports}, {@code .out}, {@code .err}); not class files, jars,
 * sources, or the planted-secrets records themselves.
 */
public final class SecretScan {
  static final String PLANTED_DIR = "planted-secrets";

  /** The generic shapes, each with the kind it reports. */
  private static final Object[][] PATTERNS = {
    {Pattern.compile("-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"), "PRIVATE_KEY (PEM block)"},
    {Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{16,}"),
      "JWT with a signature"},
    {Pattern.compile("(?i)\\b(?:proxy-)?authorization\"?\\s*[:=]\\s*\"?(?:(?:bearer|basic|dpop|digest|negotiate|token)\\s+)?"
        + "(?!redacted|masked|xxx|\\*)[A-Za-z0-9._~+/=-]{12,}"), "AUTHORIZATION value"},
    {Pattern.compile("(?i)\\b(?:set-)?cookie\"?\\s*[:=]\\s*\"?[A-Za-z0-9_.-]{1,64}="
        + "(?!redacted|masked|xxx|\\*)[A-Za-z0-9._~+/%=-]{12,}"), "COOKIE value"},
  };

  private final PlantedIndex planted = new PlantedIndex();
  private final List<String> findings = new ArrayList<>();
  private long files;
  private long lines;

  /** The directories named {@code target} under the root, at most a few levels down. */
  static List<Path> targets(Path root) throws IOException {
    List<Path> out = new ArrayList<>();
    Files.walkFileTree(root, java.util.EnumSet.noneOf(java.nio.file.FileVisitOption.class), 3,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
            if (name.equals("target")) {
              out.add(dir);
              return FileVisitResult.SKIP_SUBTREE;
            }
            return name.startsWith(".") || name.equals("src") || name.equals("node_modules")
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }
        });
    return out;
  }

  /** Scans every {@code target/} under {@code root}; the findings, empty when clean. */
  static SecretScan run(Path root) throws IOException {
    SecretScan scan = new SecretScan();
    List<Path> targets = targets(root);
    for (Path target : targets) {
      Path dir = target.resolve(PLANTED_DIR);
      if (Files.isDirectory(dir)) {
        try (var records = Files.list(dir)) {
          for (Path p : (Iterable<Path>) records::iterator) {
            scan.planted.load(p);
          }
        }
      }
    }
    for (Path target : targets) {
      scan.scanTree(root, target);
    }
    return scan;
  }

  /** What {@code scripts/bench} leaves under {@code benchmarks/target/}. */
  static final String BENCH_RUNS_DIR = "bench";

  private void scanTree(Path root, Path target) throws IOException {
    Files.walkFileTree(target, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        String name = dir.getFileName().toString();
        boolean skip = name.equals(PLANTED_DIR) || name.equals("classes")
            || name.equals("test-classes") || name.equals("generated-sources")
            || name.equals("generated-test-sources") || name.equals("maven-status")
            || name.equals("maven-archiver")
            // The load harness's runs (scripts/bench): gigabytes of events from the benchmarks'
            // own made-up token, which no test fixture planted; the test suites never write there.
            || (name.equals(BENCH_RUNS_DIR) && target.equals(dir.getParent()));
        return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (attrs.isRegularFile() && scanned(file)) {
          scanFile(root.relativize(file), file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** Output files only: what tests print and write, not what the build compiles or packs. */
  static boolean scanned(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".xml")) {
      Path parent = file.getParent();
      return parent != null && parent.getFileName().toString().endsWith("-reports");
    }
    return name.endsWith(".txt") || name.endsWith(".log") || name.endsWith(".jsonl")
        || name.endsWith(".json") || name.endsWith(".out") || name.endsWith(".err")
        || name.endsWith(".dumpstream");
  }

  void scanFile(Path shown, Path file) throws IOException {
    files++;
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE);
    try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder))) {
      long number = 0;
      for (String line; (line = r.readLine()) != null; ) {
        number++;
        lines++;
        String kind = check(line);
        if (kind != null) {
          findings.add(shown + ":" + number + ": " + kind);
        }
      }
    }
  }

  /** The kind of secret on this line, or null. */
  String check(String line) {
    String kind = planted.find(line);
    if (kind != null) {
      return "planted " + kind;
    }
    for (Object[] p : PATTERNS) {
      if (((Pattern) p[0]).matcher(line).find()) {
        return (String) p[1];
      }
    }
    return null;
  }

  static boolean tokenChar(char c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
        || c == '_' || c == '+' || c == '/' || c == '=' || c == '.' || c == '~' || c == '%';
  }

  List<String> findings() {
    return findings;
  }

  int plantedSecrets() {
    return planted.size();
  }

  /** Prints the findings; true when clean. */
  boolean report(PrintStream out, long nanos) {
    for (String f : findings) {
      out.println("secret scan: " + f);
    }
    out.printf(Locale.ROOT, "secret scan: %d files, %d lines, %d planted secrets: %s (%.1f s)%n",
        files, lines, planted.size(),
        findings.isEmpty() ? "clean" : findings.size() + " finding(s)", nanos / 1e9);
    return findings.isEmpty();
  }

  /**
   * {@code SecretScan ROOT}: scans ROOT's module {@code target/} directories. Throws, rather than
   * calling {@code System.exit}, so that it fails a Maven build when run in the build's JVM.
   */
  public static void main(String[] args) throws IOException {
    Path root = Paths.get(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
    long started = System.nanoTime();
    SecretScan scan = run(root);
    if (!scan.report(System.out, System.nanoTime() - started)) {
      throw new IllegalStateException("secret scan: " + scan.findings.size()
          + " secret(s) in test output; see the file:line list above (the secrets are not shown)");
    }
  }
}
