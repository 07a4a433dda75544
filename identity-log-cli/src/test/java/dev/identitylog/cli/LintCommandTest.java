package dev.identitylog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LintCommandTest {
  @TempDir Path dir;

  private Path write(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  private static String valid() {
    return Events.line(Events.server());
  }

  /** A valid line with one field replaced by raw JSON text. */
  private static String with(String key, String rawJson) {
    String line = valid();
    String marker = "\"" + key + "\":";
    int start = line.indexOf(marker);
    if (start < 0) {
      return line.substring(0, line.length() - 1) + "," + marker + rawJson + "}";
    }
    int valueStart = start + marker.length();
    int end = valueStart;
    if (line.charAt(valueStart) == '"') {
      end = valueStart + 1;
      while (line.charAt(end) != '"' || line.charAt(end - 1) == '\\') {
        end++;
      }
      end++;
    } else {
      while (line.charAt(end) != ',' && line.charAt(end) != '}') {
        end++;
      }
    }
    return line.substring(0, valueStart) + rawJson + line.substring(end);
  }

  private static String append(String line, String rawFields) {
    return line.substring(0, line.length() - 1) + "," + rawFields + "}";
  }

  private static String without(String key) {
    return with(key, "null").replace(",\"" + key + "\":null", "").replace("\"" + key + "\":null,", "");
  }

  @Test
  void cleanFilesExitZeroAndPrintNothing() throws Exception {
    Path a = write("a.jsonl", valid() + "\n" + Events.line(Events.client()) + "\n");
    Path b = write("b.jsonl", "\ufeff" + valid() + "\r\n\r\n  \n" + valid()); // BOM, CRLF, blanks, no final newline
    Cli r = Cli.run("lint", a.toString(), b.toString());
    assertThat(r.code).as(r.toString()).isZero();
    assertThat(r.out).isEmpty();
    // A clean run says so on stderr (it used to print nothing at all); stdout stays empty.
    assertThat(r.err).isEqualTo(
        "identity-log lint: 2 files, 4 lines checked, 0 with violations, 0 violations\n");
  }

  @Test
  void violationsArePrintedAsFileLineFieldProblem() throws Exception {
    String content =
        String.join(
                "\n",
                valid(),
                "not json",
                "[1,2]",
                with("trace.id", "\"4BF92F3577B34DA6A3CE929D0E0E4736\""),
                without("identity.request.id"),
                with("url.path", "\"\""),
                with("url.path", "null"),
                with("identity.tenant", "\"x\""),
                with("http.response.status_code", "\"403\""),
                with("identity.token.scopes", "[]"),
                with("identity.authz.reason", "\"token_expired\""),
                with("span.id", "\"0000000000000000\""),
                with("url.path", "\"/a\\nb\""),
                with("identity.token.scopes", "[\"ok\",\"\"]"),
                "{\"a\":1,\"a\":2}",
                with("identity.schema", "\"2.0\""),
                with("timestamp", "\"2026-11-28T09:00:00Z\""),
                "{\"timestamp\":\"2026-11-28T09:00:00.000Z\"} trailing")
            + "\n";
    Path f = write("bad.jsonl", content);
    Cli r = Cli.run("lint", f.toString());
    String p = f + ":";
    assertThat(r.code).as(r.toString()).isEqualTo(1);
    assertThat(r.err).matches("identity-log lint: 1 file, \\d+ lines checked, \\d+ with violations, \\d+ violations\n");
    assertThat(r.out)
        .isEqualTo(
            String.join(
                    "\n",
                    p + "2: $: not a JSON object",
                    p + "3: $: not a JSON object",
                    p + "4: trace.id: does not match ^[0-9a-f]{32}$",
                    p + "5: identity.request.id: required field is missing",
                    p + "6: url.path: must not be empty (omit the field instead)",
                    p + "7: url.path: must not be null (omit the field instead)",
                    p + "8: identity.tenant: not a field of the standard",
                    p + "9: http.response.status_code: string found, integer expected",
                    p + "10: identity.token.scopes: must not be an empty array (omit the field instead)",
                    p + "11: identity.authz.reason: must be one of insufficient_scope, policy_denied,"
                        + " actor_not_permitted, authz_dependency_unavailable",
                    p + "12: span.id: must not be all zeros",
                    p + "13: url.path: contains a control character or line separator",
                    p + "14: identity.token.scopes[1]: must not be empty (omit the field instead)",
                    p + "15: a: duplicate key",
                    p + "16: identity.schema: must be one of 1.0, 1.1",
                    p + "17: timestamp: must be RFC 3339 UTC with milliseconds, e.g. 2026-11-28T09:00:00.000Z",
                    p + "18: $: not a JSON object")
                + "\n");
  }

  @Test
  void severalProblemsOnOneLineComeInCanonicalOrder() throws Exception {
    String line = "{\"zzz\":1,\"event.outcome\":\"nope\",\"timestamp\":\"2026-02-31T09:00:00.000Z\"}";
    Path f = write("multi.jsonl", line + "\n");
    Cli r = Cli.run("lint", f.toString());
    assertThat(r.code).isEqualTo(1);
    String[] lines = r.out.split("\n");
    assertThat(lines).allMatch(l -> l.startsWith(f + ":1: "));
    assertThat(lines[0]) // a real date is checked, not only the shape: there is no February 31st
        .isEqualTo(f + ":1: timestamp: must be RFC 3339 UTC with milliseconds, e.g. 2026-11-28T09:00:00.000Z");
    assertThat(r.out)
        .contains(f + ":1: event.name: required field is missing\n")
        .contains(f + ":1: trace.id: required field is missing\n")
        .contains(f + ":1: event.outcome: must be one of success, failure, unknown\n")
        .endsWith(f + ":1: zzz: not a field of the standard\n");
    assertThat(r.out.indexOf("event.name:")).isLessThan(r.out.indexOf("event.outcome:"));
  }

  @Test
  void invalidUtf8IsAViolationOfThatLine() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write((valid() + "\n").getBytes(StandardCharsets.UTF_8));
    bytes.write(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'});
    bytes.write((valid() + "\n").getBytes(StandardCharsets.UTF_8));
    Path f = dir.resolve("latin.jsonl");
    Files.write(f, bytes.toByteArray());
    Cli r = Cli.run("lint", f.toString());
    assertThat(r.code).isEqualTo(1);
    assertThat(r.out).isEqualTo(f + ":2: $: not valid UTF-8\n");
  }

  @Test
  void readsStandardInput() {
    byte[] in = (valid() + "\nnope\n").getBytes(StandardCharsets.UTF_8);
    Cli r = Cli.runWithInput(in, "lint", "-");
    assertThat(r.code).isEqualTo(1);
    assertThat(r.out).isEqualTo("-:2: $: not a JSON object\n");
  }

  @Test
  void missingFileIsExitTwoWithOneLineAndNoOutput() throws Exception {
    Path bad = write("bad.jsonl", "nope\n");
    Path missing = dir.resolve("missing.jsonl");
    Cli r = Cli.run("lint", bad.toString(), missing.toString());
    assertThat(r.code).isEqualTo(2);
    assertThat(r.out).isEmpty();
    assertThat(r.err).isEqualTo("identity-log lint: cannot read " + missing + ": no such file\n");
  }

  @Test
  void directoryIsExitTwo() {
    Cli r = Cli.run("lint", dir.toString());
    assertThat(r.code).isEqualTo(2);
    assertThat(r.out).isEmpty();
    assertThat(r.err).isEqualTo("identity-log lint: cannot read " + dir + ": is a directory\n");
  }

  @Test
  void noFileIsAUsageError() {
    Cli r = Cli.run("lint");
    assertThat(r.code).isEqualTo(2);
    assertThat(r.out).isEmpty();
    assertThat(r.err).startsWith("identity-log lint: Missing required parameter").endsWith("(see --help)\n");
    assertThat(r.err.split("\n")).hasSize(1);
  }

  @Test
  void everyEventTheLibraryWritesIsClean() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      sb.append(Events.line(Events.server().toBuilder().set(dev.identitylog.event.Fields.URL_PATH, "/p/" + i + "\u0000\n\u2029").build())).append('\n');
      sb.append(Events.line(Events.client())).append('\n');
    }
    Path f = write("many.jsonl", sb.toString());
    Cli r = Cli.run("lint", f.toString());
    assertThat(r.code).as(r.toString()).isZero();
    assertThat(r.out).isEmpty();
  }

  @Test
  void tooLongLineIsAViolation() throws Exception {
    Path f = dir.resolve("long.jsonl");
    byte[] big = new byte[LintCommand.MAX_LINE_BYTES + 10];
    java.util.Arrays.fill(big, (byte) 'x');
    try (var out = Files.newOutputStream(f)) {
      out.write(big);
      out.write('\n');
      out.write((valid() + "\n").getBytes(StandardCharsets.UTF_8));
    }
    Cli r = Cli.run("lint", f.toString());
    assertThat(r.code).isEqualTo(1);
    assertThat(r.out).isEqualTo(f + ":1: $: line longer than " + LintCommand.MAX_LINE_BYTES + " bytes\n");
  }

  @Test
  void eachLineIsCheckedAgainstTheSchemaOfItsOwnVersion() throws Exception {
    String v10 = with("identity.schema", "\"1.0\"");
    String v11WithAdditions =
        append(
            valid().replace("\"error.type\":\"insufficient_scope\"", "\"error.type\":\"internal_error\""),
            "\"messaging.system\":\"kafka\",\"identity.headers.oversized\":[\"traceparent\"]");
    String v10WithAdditions = append(v10, "\"identity.hygiene\":[\"token_no_expiry\"]");
    Path f = write("versions.jsonl", String.join("\n", v10, v11WithAdditions, v10WithAdditions) + "\n");
    Cli r = Cli.run("lint", f.toString());
    assertThat(r.code).as(r.toString()).isEqualTo(1);
    assertThat(r.out).isEqualTo(f + ":3: identity.hygiene: not a field of the standard\n");
  }

  @Test
  void aSpanThatIsItsOwnParentIsRejected() throws Exception {
    String own = with("span.parent.id", "\"00f067aa0ba902b7\"");
    String other = with("span.parent.id", "\"b7ad6b7169203331\"");
    Path f = write("parent.jsonl", other + "\n" + own + "\n");
    Cli r = Cli.run("lint", f.toString());
    assertThat(r.code).as(r.toString()).isEqualTo(1);
    assertThat(r.out)
        .isEqualTo(f + ":2: span.parent.id: must not equal span.id (a span is not its own parent)\n");
  }
}
