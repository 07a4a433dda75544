package dev.identitylog.spring.boot.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code ```java} block of the root README, of every module's README and of docs/ compiles
 * as written, with the imports it lists, against this module's test class path: the one module
 * that has Spring, every adapter and Nimbus on it. Markers (see {@link JavaSnippet}) leave a block
 * out with a stated reason, continue the block above, or declare what the reader already has.
 *
 * <p>A README whose blocks import a module or library this class path does not have, from the list
 * in {@link #OPTIONAL}, is skipped (reported as skipped, with the missing name). identity-log-kafka
 * and kafka-clients are test dependencies of this module, so the Kafka README is compiled; they stay
 * listed so that the README is skipped, not failed, should they leave the class path. Any other
 * unresolvable import is a compile error.
 */
class ReadmeSnippetsTest {
  /** Package prefixes a README may need that this module's tests do not depend on. */
  static final List<String> OPTIONAL = List.of("dev.identitylog.kafka", "org.apache.kafka");

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** Surefire's own class path is one manifest jar; the test class path is in this property. */
  private static final String CLASS_PATH =
      System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));

  private static final JavaCompiler JAVAC = ToolProvider.getSystemJavaCompiler();

  /** One file manager for every compilation: it reads the jars of the class path once. */
  private static final Discarding FILES =
      new Discarding(JAVAC.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8));

  @TestFactory
  Stream<DynamicTest> everyJavaBlockCompiles() throws IOException {
    List<Path> files = markdownFiles();
    assertThat(files).as("README.md files found from " + ROOT).isNotEmpty();
    return files.stream().map(file -> DynamicTest.dynamicTest(ROOT.relativize(file).toString(), () -> {
      String name = ROOT.relativize(file).toString();
      List<JavaSnippet> snippets = JavaSnippet.parse(name, Files.readAllLines(file, StandardCharsets.UTF_8));
      String missing = missingOptionalDependency(snippets);
      Assumptions.assumeTrue(missing == null, () -> name + " needs " + missing + ", not on this test class path");
      List<String> errors = compile(units(snippets));
      assertThat(errors).as(name).isEmpty();
    }));
  }

  /** The compiler really refuses what does not compile, so a passing run means something. */
  @Test
  void aBrokenBlockFails() {
    List<String> readme = List.of(
        "<!-- given: dev.identitylog.IdentityLog identityLog -->",
        "```java",
        "import java.net.http.HttpClient;",
        "HttpClient http = IdentityLogHttpClient.create(identityLog).wrap(HttpClient.newHttpClient());",
        "```",
        "```java",
        "RequestIdentity.current().authnFailed(Reason.TOKEN_EXPIRED);",
        "```");
    List<String> errors = compile(units(JavaSnippet.parse("BROKEN.md", readme)));
    assertThat(errors).anyMatch(e -> e.startsWith("BROKEN.md:4:") && e.contains("IdentityLogHttpClient"));
    assertThat(errors).anyMatch(e -> e.startsWith("BROKEN.md:7:") && e.contains("RequestIdentity"));
  }

  @Test
  void aReadmeNeedingAnAbsentOptionalDependencyIsSkipped() {
    // Kafka is on this class path now (its README is compiled): the skip is shown with a library that is not.
    List<String> absent = List.of("org.example.absent");
    List<JavaSnippet> needing = JavaSnippet.parse("ABSENT.md", List.of(
        "```java", "import org.example.absent.Client;", "Client c = null;", "```"));
    assertThat(missingOptionalDependency(needing, absent)).isEqualTo("org.example.absent.Client");
    List<JavaSnippet> kafka = JavaSnippet.parse("KAFKA.md", List.of(
        "```java", "import org.apache.kafka.clients.producer.KafkaProducer;", "KafkaProducer<String, String> p = null;", "```"));
    assertThat(missingOptionalDependency(kafka)).as("kafka-clients is on this class path").isNull();
    List<JavaSnippet> typo = JavaSnippet.parse("TYPO.md", List.of(
        "```java", "import dev.identitylog.IdentityLogg;", "```"));
    assertThat(missingOptionalDependency(typo, absent)).as("only the listed optional packages are skipped").isNull();
  }

  static List<Path> markdownFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(ROOT.resolve("README.md"));
    try (Stream<Path> modules = Files.list(ROOT)) {
      modules.filter(d -> Files.isRegularFile(d.resolve("pom.xml")) && Files.isRegularFile(d.resolve("README.md")))
          .map(d -> d.resolve("README.md")).sorted().forEach(files::add);
    }
    try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }

  static String missingOptionalDependency(List<JavaSnippet> snippets) {
    return missingOptionalDependency(snippets, OPTIONAL);
  }

  static String missingOptionalDependency(List<JavaSnippet> snippets, List<String> optionalPrefixes) {
    for (JavaSnippet s : snippets) {
      if (s.notCompiled != null) {
        continue;
      }
      for (String name : s.importedNames()) {
        for (String optional : optionalPrefixes) {
          if (name.startsWith(optional + ".") && !onClassPath(name, optional)) {
            return name;
          }
        }
      }
    }
    return null;
  }

  /** The class (or package) an import names, or its enclosing class, within the optional prefix. */
  private static boolean onClassPath(String name, String prefix) {
    ClassLoader loader = ReadmeSnippetsTest.class.getClassLoader();
    for (String candidate = name; candidate.length() > prefix.length(); candidate = candidate.substring(0, candidate.lastIndexOf('.'))) {
      String path = candidate.replace('.', '/');
      if (loader.getResource(path + ".class") != null || loader.getResource(path + "/") != null) {
        return true;
      }
    }
    return false;
  }

  /** One compilation unit per block, a block that continues another merged into it. */
  static List<Unit> units(List<JavaSnippet> snippets) {
    List<Unit> units = new ArrayList<>();
    Unit last = null;
    for (JavaSnippet s : snippets) {
      if (s.notCompiled != null) {
        last = null;
        continue;
      }
      if (s.continues) {
        if (last == null) {
          throw new AssertionError(s.file + ":" + s.line + ": <!-- continues --> with no compiled block above");
        }
        last.parts.add(s);
      } else {
        last = new Unit(units.size(), s);
        units.add(last);
      }
    }
    return units;
  }

  static List<String> compile(List<Unit> units) {
    if (units.isEmpty()) {
      return List.of();
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    List<String> options = List.of("--release", "17", "-proc:none", "-classpath", CLASS_PATH);
    List<Source> sources = units.stream().map(Unit::source).collect(Collectors.toList());
    synchronized (FILES) {
      JAVAC.getTask(null, FILES, diagnostics, options, null, sources).call();
    }
    Set<String> errors = new LinkedHashSet<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() == Diagnostic.Kind.ERROR) {
        Source source = (Source) d.getSource();
        String where = source == null ? "?" : source.unit.where((int) d.getLineNumber());
        // "cannot find symbol" alone says little: keep the line naming the symbol.
        String message = d.getMessage(Locale.ROOT).lines().limit(2).map(String::trim).collect(Collectors.joining(" "));
        errors.add(where + ": " + message);
      }
    }
    return new ArrayList<>(errors);
  }

  /** One block, or a block and the blocks that continue it, as one Java source file. */
  static final class Unit {
    final int index;
    final List<JavaSnippet> parts = new ArrayList<>();
    /** For each line of the source, the README line it came from (or the fence's). */
    private final List<String> origin = new ArrayList<>();

    Unit(int index, JavaSnippet first) {
      this.index = index;
      parts.add(first);
    }

    String where(int sourceLine) {
      return sourceLine >= 1 && sourceLine <= origin.size() ? origin.get(sourceLine - 1) : parts.get(0).file + ":" + parts.get(0).line;
    }

    Source source() {
      JavaSnippet first = parts.get(0);
      StringBuilder java = new StringBuilder();
      String fence = first.file + ":" + first.line;
      line(java, "package snippets.s" + index + ";", fence);
      for (JavaSnippet p : parts) {
        for (String i : p.imports) {
          line(java, i, p.file + ":" + p.line);
        }
      }
      String type = first.declaredType();
      if (type != null) {
        body(java);
        return new Source(this, type, java.toString());
      }
      line(java, "@SuppressWarnings(\"all\") class Snippet {", fence);
      if (first.members()) {
        body(java);
      } else {
        line(java, "void snippet(" + parameters() + ") throws Exception {", fence);
        body(java);
        line(java, "}", fence);
      }
      line(java, "}", fence);
      return new Source(this, "Snippet", java.toString());
    }

    private String parameters() {
      List<String> given = new ArrayList<>();
      for (JavaSnippet p : parts) {
        for (String g : p.given.split(",")) {
          if (!g.isBlank()) {
            given.add(g.trim());
          }
        }
      }
      return String.join(", ", given);
    }

    private void body(StringBuilder java) {
      for (JavaSnippet p : parts) {
        for (int i = 0; i < p.body.size(); i++) {
          line(java, p.body.get(i), p.file + ":" + (p.bodyLine + i));
        }
      }
    }

    private void line(StringBuilder java, String text, String from) {
      java.append(text).append('\n');
      origin.add(from);
    }
  }

  static final class Source extends SimpleJavaFileObject {
    final Unit unit;
    private final String code;

    Source(Unit unit, String type, String code) {
      super(URI.create("string:///snippets/s" + unit.index + "/" + type + ".java"), Kind.SOURCE);
      this.unit = unit;
      this.code = code;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return code;
    }
  }

  /** Class files are not needed: they go nowhere. */
  static final class Discarding extends ForwardingJavaFileManager<StandardJavaFileManager> {
    Discarding(StandardJavaFileManager standard) {
      super(standard);
    }

    @Override
    public JavaFileObject getJavaFileForOutput(
        Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
      return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
        @Override
        public OutputStream openOutputStream() {
          return OutputStream.nullOutputStream();
        }
      };
    }
  }
}
