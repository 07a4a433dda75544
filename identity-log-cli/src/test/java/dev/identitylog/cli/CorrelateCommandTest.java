package dev.identitylog.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CorrelateCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-11-28T09:00:00Z");

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private CorrelateCommand command = new CorrelateCommand();

  private int run(String... args) {
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  /** A two-hop request: gateway calling backend; {@code backendStatus} 200 or 403. */
  private static List<String> request(int n, int second, int backendStatus) {
    String trace = trace(n);
    String rid = "req-" + n;
    String gwSpan = String.format("%016x", 0x1000L + n);
    String callSpan = String.format("%016x", 0x2000L + n);
    String beSpan = String.format("%016x", 0x3000L + n);
    String t = T0.plusSeconds(second).toString();
    boolean denied = backendStatus == 403;
    List<String> lines = new ArrayList<>();
    lines.add(json(obj("timestamp", t, "event.name", "identity.server", "service.name",
        "gateway", "identity.hop.layer", "gateway", "trace.id", trace, "span.id", gwSpan,
        "identity.request.id", rid, "http.response.status_code", backendStatus)));
    lines.add(json(obj("timestamp", t, "event.name", "identity.client", "service.name",
        "gateway", "trace.id", trace, "span.id", callSpan, "span.parent.id", gwSpan,
        "identity.request.id", rid, "server.address", "backend", "http.response.status_code",
        backendStatus)));
    lines.add(json(denied
        ? obj("timestamp", t, "event.name", "identity.server", "service.name", "backend",
            "identity.hop.layer", "backend", "trace.id", trace, "span.id", beSpan,
            "span.parent.id", callSpan, "identity.request.id", rid, "http.response.status_code",
            403, "identity.authz.outcome", "failure", "identity.authz.reason", "policy_denied")
        : obj("timestamp", t, "event.name", "identity.server", "service.name", "backend",
            "identity.hop.layer", "backend", "trace.id", trace, "span.id", beSpan,
            "span.parent.id", callSpan, "identity.request.id", rid, "http.response.status_code",
            200)));
    return lines;
  }

  private static String trace(int n) {
    return String.format("%08x", 0x5eed0000 + n) + "0af7651916cd43dd8448eb21";
  }

  private static Map<String, Object> obj(Object... keysAndValues) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  private static String json(Map<String, Object> m) {
    try {
      return MAPPER.writeValueAsString(m);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private Path file(String name, List<String> lines) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, lines, UTF_8);
    return p;
  }

  private Path sample() throws IOException {
    List<String> lines = new ArrayList<>();
    lines.addAll(request(1, 0, 200));
    lines.addAll(request(2, 1, 403));
    lines.addAll(request(3, 2, 200));
    return file("events.log", lines);
  }

  private List<JsonNode> jsonOut() throws IOException {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : out.toString().split("\n")) {
      if (!line.isEmpty()) {
        nodes.add(MAPPER.readTree(line));
      }
    }
    return nodes;
  }

  @Test
  void printsOneJsonObjectPerRequest() throws IOException {
    int code = run(sample().toString());

    assertThat(code).isZero();
    assertThat(err.toString()).isEmpty();
    List<JsonNode> nodes = jsonOut();
    assertThat(nodes).hasSize(3);
    JsonNode denied = nodes.stream()
        .filter(n -> n.get("identity.request.id").asText().equals("req-2")).findFirst().get();
    assertThat(denied.get("verdict").asText()).isEqualTo("authz_failure");
    assertThat(denied.get("verdict.hop").asText()).isEqualTo("backend");
    assertThat(denied.get("verdict.reason").asText()).isEqualTo("policy_denied");
    assertThat(denied.get("hops")).hasSize(3);
    assertThat(denied.get("hops").get(0).get("service").asText()).isEqualTo("gateway");
  }

  @Test
  void tableListsFailuresFirstInAlignedColumns() throws IOException {
    int code = run("--format", "table", sample().toString());

    assertThat(code).isZero();
    String[] rows = out.toString().split("\n");
    assertThat(rows).hasSize(4);
    assertThat(rows[0]).startsWith("TRACE").contains("REQUEST ID", "VERDICT", "HOP", "REASON",
        "EVIDENCE");
    assertThat(rows[1]).contains("req-2", "authz_failure", "backend", "policy_denied",
        "backend denied the request: policy denied (403)");
    assertThat(rows[2]).contains("req-1", "ok");
    assertThat(rows[3]).contains("req-3", "ok");
    assertThat(rows[1]).startsWith(trace(2).substring(0, 8) + "…");
    int verdictColumn = rows[0].indexOf("VERDICT");
    int evidenceColumn = rows[0].indexOf("EVIDENCE");
    for (String r : rows) {
      assertThat(r.charAt(verdictColumn - 1)).isEqualTo(' ');
      assertThat(r.charAt(verdictColumn)).isNotEqualTo(' ');
      assertThat(r.charAt(evidenceColumn)).isNotEqualTo(' ');
    }
  }

  @Test
  void filtersByVerdictTraceRequestIdAndTime() throws IOException {
    Path events = sample();

    assertThat(run("--verdict", "authz_failure,trace_broken", events.toString())).isZero();
    assertThat(jsonOut()).extracting(n -> n.get("identity.request.id").asText())
        .containsExactly("req-2");

    out.getBuffer().setLength(0);
    command = new CorrelateCommand();
    assertThat(run("--trace", trace(3).substring(0, 8), events.toString())).isZero();
    assertThat(jsonOut()).extracting(n -> n.get("identity.request.id").asText())
        .containsExactly("req-3");

    out.getBuffer().setLength(0);
    command = new CorrelateCommand();
    assertThat(run("--request-id", "req-1", events.toString())).isZero();
    assertThat(jsonOut()).extracting(n -> n.get("identity.request.id").asText())
        .containsExactly("req-1");

    out.getBuffer().setLength(0);
    command = new CorrelateCommand();
    assertThat(run("--since", "2026-11-28T09:00:01Z", "--until", "2026-11-28T10:00:02+01:00",
        events.toString())).isZero();
    assertThat(jsonOut()).extracting(n -> n.get("identity.request.id").asText())
        .containsExactly("req-2");
  }

  @Test
  void readsStandardInput() throws IOException {
    command.stdin = new ByteArrayInputStream(
        (String.join("\n", request(7, 0, 403)) + "\n").getBytes(UTF_8));

    assertThat(run("-")).isZero();
    assertThat(jsonOut()).hasSize(1);
    assertThat(jsonOut().get(0).get("verdict").asText()).isEqualTo("authz_failure");
  }

  @Test
  void mergesGzipAndPlainFiles() throws IOException {
    List<String> gateway = new ArrayList<>();
    List<String> backend = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      List<String> r = request(100 + i, i * 2, i % 10 == 0 ? 403 : 200);
      gateway.addAll(r.subList(0, 2));
      backend.add(r.get(2));
    }
    Path gz = dir.resolve("backend.log.gz");
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
      o.write((String.join("\n", backend) + "\n").getBytes(UTF_8));
    }

    assertThat(run("--verdict", "authz_failure", file("gateway.log", gateway).toString(),
        gz.toString())).isZero();
    assertThat(jsonOut()).hasSize(10).allSatisfy(n -> assertThat(n.get("hops")).hasSize(3));
  }

  @Test
  void reportsSkippedLinesOnStderr() throws IOException {
    List<String> lines = new ArrayList<>(request(1, 0, 200));
    lines.add("not json");
    lines.add("[1]");
    lines.add("{\"msg\":\"application log\"}");

    assertThat(run(file("mixed.log", lines).toString())).isZero();
    assertThat(jsonOut()).hasSize(1);
    assertThat(err.toString()).isEqualTo(
        "correlate: 2 lines skipped: not a JSON object; 1 line skipped: not an identity event\n");
  }

  @Test
  void reportsProgressWhenInputTakesLong() throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      lines.addAll(request(i, i / 100, 200));
    }
    AtomicLong clock = new AtomicLong();
    command.nanoTime = () -> clock.addAndGet(5_000_000_000L);

    assertThat(run(file("big.log", lines).toString())).isZero();
    assertThat(jsonOut()).hasSize(3000);
    assertThat(err.toString()).containsPattern("correlate: [0-9,]+ events read, [0-9,]+ events/s");
    assertThat(err.toString()).contains("correlate: 9,000 events read");
  }

  @Test
  void noProgressForQuickInput() throws IOException {
    assertThat(run(sample().toString())).isZero();
    assertThat(err.toString()).doesNotContain("events read");
  }

  @Test
  void unreadableInputIsExitTwoWithOneLineAndNothingOnStdout() throws IOException {
    Path events = sample();
    Path corrupt = dir.resolve("corrupt.gz");
    Files.write(corrupt, new byte[] {0x1f, (byte) 0x8b, 1, 2, 3});
    String[][] cases = {
      {events.toString(), dir.resolve("missing.log").toString()},
      {dir.toString()},
      {corrupt.toString()},
      {"-", "-"},
      {"--format", "xml", events.toString()},
      {"--since", "yesterday", events.toString()},
      {"--until", "2026-11-28", events.toString()},
      {"--since", "2026-11-28T10:00:00Z", "--until", "2026-11-28T09:00:00Z", events.toString()},
      {"--window", "0s", events.toString()},
      {"--window", "soon", events.toString()},
      {"--window", "999999999999999h", events.toString()},
      {"--window", "PT999999999999999H", events.toString()},
      {"--window", "1e300", events.toString()},
      {"--window", "8d", events.toString()},
      {"--verdict", "broken", events.toString()},
    };
    for (String[] args : cases) {
      out.getBuffer().setLength(0);
      err.getBuffer().setLength(0);
      command = new CorrelateCommand();
      command.stdin = new ByteArrayInputStream(new byte[0]);

      int code = run(args);

      assertThat(code).as(Arrays.toString(args)).isEqualTo(2);
      assertThat(out.toString()).as(Arrays.toString(args)).isEmpty();
      assertThat(err.toString()).as(Arrays.toString(args)).startsWith("correlate: ")
          .endsWith("\n").hasLineCount(1);
    }
  }

  @Test
  void windowAcceptsTheUsualSpellings() {
    assertThat(CorrelateCommand.duration("30s").toMillis()).isEqualTo(30_000);
    assertThat(CorrelateCommand.duration("500ms").toMillis()).isEqualTo(500);
    assertThat(CorrelateCommand.duration("2m").toMillis()).isEqualTo(120_000);
    assertThat(CorrelateCommand.duration("1h").toMillis()).isEqualTo(3_600_000);
    assertThat(CorrelateCommand.duration("PT45S").toMillis()).isEqualTo(45_000);
    assertThat(CorrelateCommand.duration("1.5").toMillis()).isEqualTo(1_500);
  }

  @Test
  void helpDescribesTheCommand() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("correlate", "--format", "--window", "--since");
  }
}
