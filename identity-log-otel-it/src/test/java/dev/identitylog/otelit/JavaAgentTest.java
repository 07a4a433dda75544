package dev.identitylog.otelit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.identitylog.otelit.Agreement.Ev;
import dev.identitylog.otelit.Agreement.Incoming;
import dev.identitylog.otelit.Agreement.Sp;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real OpenTelemetry Java agent (the release Maven copied into {@code target/agent}) attached
 * to a forked JVM running {@link AgentApp}, with its spans and log records exported as OTLP JSON
 * (the {@code logging-otlp} exporters), compared one for one with the identity events the app
 * logged through Logback and the shipped encoder. One JVM for all scenarios: the agent takes
 * seconds to start.
 *
 * <p>The agent runs as the module README tells users to run it: logback capture off
 * ({@code otel.instrumentation.logback-appender.enabled=false}), so each event is exported once,
 * by the library. The outside client is {@code HttpsURLConnection}, whose instrumentation is off,
 * so "no incoming traceparent" really is none.
 */
class JavaAgentTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<Ev> events = new ArrayList<>();
  private static final List<Sp> spans = new ArrayList<>();
  private static final List<JsonNode> logRecords = new ArrayList<>();

  @BeforeAll
  static void runTheAppUnderTheAgent() throws Exception {
    Path agent = Paths.get(System.getProperty("identitylog.it.javaagent", "target/agent/opentelemetry-javaagent.jar"));
    assertThat(agent).exists();
    Path work = Paths.get(System.getProperty("identitylog.it.work", "target/agent-run"));
    Files.createDirectories(work);
    Path eventsFile = work.resolve("identity-events.jsonl");
    Path out = work.resolve("stdout.txt");
    Path err = work.resolve("stderr.txt");
    Files.deleteIfExists(eventsFile);
    String logback = Paths.get(JavaAgentTest.class.getResource("/agent-app-logback.xml").toURI()).toString();
    List<String> command = new ArrayList<>(List.of(
        Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-javaagent:" + agent.toAbsolutePath(),
        "-Dotel.service.name=otel-it",
        "-Dotel.traces.exporter=logging-otlp",
        "-Dotel.logs.exporter=logging-otlp",
        "-Dotel.metrics.exporter=none",
        "-Dotel.bsp.schedule.delay=200",
        "-Dotel.blrp.schedule.delay=200",
        "-Dotel.instrumentation.logback-appender.enabled=false",
        "-Dotel.instrumentation.http-url-connection.enabled=false",
        "-Dotel.javaagent.logging=simple",
        "-Dlogback.configurationFile=" + logback,
        "-Didentitylog.it.events=" + eventsFile.toAbsolutePath(),
        "-Xshare:auto", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"),
        AgentApp.class.getName()));
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(150, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the app under the agent did not finish; see " + err);
    }
    assertThat(p.exitValue()).as("exit status; see %s", err).isZero();

    for (String line : Files.readAllLines(eventsFile, StandardCharsets.UTF_8)) {
      JsonNode e = JSON.readTree(line);
      events.add(new Ev(text(e, "event.name"), text(e, "service.name"), text(e, "trace.id"),
          text(e, "span.id"), text(e, "span.parent.id"), text(e, "identity.request.id")));
    }
    for (Path output : List.of(out, err)) {
      for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
        int start = line.indexOf('{');
        if (start < 0 || !(line.contains("\"scopeSpans\"") || line.contains("\"scopeLogs\""))) {
          continue;
        }
        collect(JSON.readTree(line.substring(start)));
      }
    }
  }

  @Test
  void everyScenarioAgreesWithTheAgentsSpans() {
    assertThat(spans).as("spans exported by the agent").isNotEmpty();
    for (String path : AgentApp.PATHS) {
      for (Incoming incoming : Incoming.values()) {
        for (boolean otel : new boolean[] {true, false}) {
          Agreement.check(AgentApp.requestId(otel, path, incoming), incoming, events, spans, otel);
        }
      }
    }
  }

  @Test
  void oneLogRecordPerEventOfTheServiceThatExportsThem() {
    for (String path : AgentApp.PATHS) {
      for (Incoming incoming : Incoming.values()) {
        String requestId = AgentApp.requestId(true, path, incoming);
        List<String> names = new ArrayList<>();
        for (JsonNode r : logRecords) {
          if (requestId.equals(attributes(r.path("attributes")).get("identity.request.id"))) {
            names.add(r.path("eventName").asText());
          }
        }
        // The front service's server and client events, sampled or not; the back service does
        // not export (no openTelemetry(..)), and the agent's Logback capture is off.
        assertThat(names).as(requestId).containsExactlyInAnyOrder("identity.server", "identity.client");
      }
    }
  }

  private static void collect(JsonNode node) {
    if (node.isObject()) {
      if (node.has("spanId") && node.has("traceId") && node.has("kind")) {
        String parent = node.path("parentSpanId").asText("");
        spans.add(new Sp(node.get("traceId").asText(), node.get("spanId").asText(),
            parent.isEmpty() ? null : parent, kind(node.get("kind")), attributes(node.path("attributes"))));
        return;
      }
      if (node.has("timeUnixNano") && node.has("body") || node.has("eventName")) {
        logRecords.add(node);
        return;
      }
      node.forEach(JavaAgentTest::collect);
    } else if (node.isArray()) {
      node.forEach(JavaAgentTest::collect);
    }
  }

  private static String kind(JsonNode kind) {
    if (kind.isInt()) {
      return switch (kind.asInt()) {
        case 2 -> "SERVER";
        case 3 -> "CLIENT";
        case 4 -> "PRODUCER";
        case 5 -> "CONSUMER";
        default -> "INTERNAL";
      };
    }
    return kind.asText().replace("SPAN_KIND_", "");
  }

  private static Map<String, Object> attributes(JsonNode list) {
    Map<String, Object> map = new HashMap<>();
    for (JsonNode a : list) {
      JsonNode v = a.path("value");
      Object value = v.has("stringValue") ? v.get("stringValue").asText()
          : v.has("intValue") ? v.get("intValue").asText() : v.toString();
      map.put(a.path("key").asText(), value);
    }
    return map;
  }

  private static String text(JsonNode e, String key) {
    JsonNode v = e.get(key);
    return v == null ? null : v.asText();
  }

}
