package dev.identitylog.spring.boot.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code ```java} block of a Markdown file, with the markers written in HTML comments on the
 * lines just above its fence (invisible where the Markdown is rendered):
 *
 * <ul>
 *   <li>{@code <!-- not compiled: REASON -->}: left out, for the stated reason;
 *   <li>{@code <!-- continues -->}: the block goes on from the previous block of the same file
 *       (compiled together with it, so it may use what that one declared and imported);
 *   <li>{@code <!-- given: TYPE NAME, TYPE NAME -->}: what the reader already has (a {@code
 *       ServletContext}, a request), declared as parameters around the block; fully qualified or
 *       imported by the block.
 * </ul>
 *
 * <p>A block holds its own {@code import} lines first, then either whole types, or members of a
 * class ({@code @Bean} methods), or statements.
 */
final class JavaSnippet {
  private static final Pattern MARKER = Pattern.compile("<!--\\s*(not compiled|continues|given)\\s*(?::(.*?))?-->");
  private static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?([\\w.]+)(\\.\\*)?\\s*;\\s*$");
  private static final Pattern TYPE =
      Pattern.compile("^(@\\w+(\\(.*\\))?\\s+)*((public|final|abstract)\\s+)*(class|interface|record|enum)\\s+(\\w+)");
  private static final Pattern MEMBER =
      Pattern.compile("^((public|protected|private|static|final)\\s+)*[\\w<>,.?\\[\\] ]+\\s+\\w+\\s*\\(.*$");

  final String file;
  /** The line of the fence, 1-based. */
  final int line;
  final List<String> imports = new ArrayList<>();
  /** The lines after the imports, and the README line of the first of them. */
  final List<String> body = new ArrayList<>();
  int bodyLine;
  String notCompiled;
  boolean continues;
  String given = "";

  JavaSnippet(String file, int line) {
    this.file = file;
    this.line = line;
  }

  /** Every {@code ```java} block of a Markdown text, with its markers. */
  static List<JavaSnippet> parse(String file, List<String> lines) {
    List<JavaSnippet> snippets = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).trim().equals("```java")) {
        continue;
      }
      JavaSnippet s = new JavaSnippet(file, i + 1);
      for (int m = i - 1; m >= 0 && lines.get(m).trim().startsWith("<!--"); m--) {
        s.marker(lines.get(m).trim());
      }
      int j = i + 1;
      for (; j < lines.size() && !lines.get(j).trim().equals("```"); j++) {
        s.add(lines.get(j), j + 1);
      }
      i = j;
      snippets.add(s);
    }
    return snippets;
  }

  private void marker(String comment) {
    Matcher m = MARKER.matcher(comment);
    if (!m.find()) {
      return;
    }
    String value = m.group(2) == null ? "" : m.group(2).trim();
    switch (m.group(1)) {
      case "not compiled":
        notCompiled = value.isEmpty() ? null : value;
        if (notCompiled == null) {
          throw new AssertionError(file + ":" + line + ": <!-- not compiled --> needs a reason");
        }
        break;
      case "continues":
        continues = true;
        break;
      default:
        given = value;
    }
  }

  private void add(String text, int readmeLine) {
    Matcher m = IMPORT.matcher(text.trim());
    if (body.isEmpty() && m.matches()) {
      imports.add(text.trim());
      return;
    }
    if (body.isEmpty() && text.isBlank()) {
      return;
    }
    if (body.isEmpty()) {
      bodyLine = readmeLine;
    }
    body.add(text);
  }

  /** The packages and classes the imports name (for the dependency a README needs). */
  List<String> importedNames() {
    List<String> names = new ArrayList<>();
    for (String i : imports) {
      Matcher m = IMPORT.matcher(i);
      if (m.matches()) {
        names.add(m.group(2));
      }
    }
    return names;
  }

  String firstLine() {
    for (String l : body) {
      String t = l.trim();
      if (!t.isEmpty() && !t.startsWith("//")) {
        return t;
      }
    }
    return "";
  }

  /** The name of the type the block declares, when it declares whole types. */
  String declaredType() {
    Matcher m = TYPE.matcher(firstLine());
    return m.find() ? m.group(6) : null;
  }

  boolean members() {
    String first = firstLine();
    if (declaredType() != null) {
      return false;
    }
    if (first.startsWith("@")) {
      return true; // @Bean, @Override: statements do not start with an annotation
    }
    return MEMBER.matcher(first).matches()
        && first.endsWith("{")
        && !first.startsWith("try")
        && !first.contains("=");
  }
}
