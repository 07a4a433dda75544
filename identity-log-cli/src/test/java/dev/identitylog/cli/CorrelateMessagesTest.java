package dev.identitylog.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code correlate} on 1.1 message events: the lines are what the core's ProducerHandler and
 * ConsumerHandler write (same keys and values), a request sending one record that consumer
 * groups process.
 */
class CorrelateMessagesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-11-28T09:00:00Z");
  private static final String TRACE = "54ff0bec936b92ffa4e7d71af9624559";
  private static final String SERVER_SPAN = "b900ec83573bbe28";
  private static final String SEND_SPAN = "6f7a7f374e927a48";

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = new CommandLine(new CorrelateCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  /** checkout answered 202 after its send to orders.created was acknowledged at 3@42. */
  private static List<String> order() {
    String t = T0.toString();
    List<String> lines = new ArrayList<>();
    lines.add(json("timestamp", t, "event.name", "identity.producer", "identity.schema", "1.1",
        "service.name", "checkout", "identity.hop.layer", "backend", "trace.id", TRACE,
        "span.id", SEND_SPAN, "span.parent.id", SERVER_SPAN, "identity.request.id", "r-1",
        "event.duration", 16610284, "event.outcome", "success",
        "identity.dependency.outcome", "success", "identity.client.attempts", 1,
        "messaging.system", "kafka", "messaging.destination.name", "orders.created",
        "messaging.destination.partition.id", "3", "messaging.kafka.offset", 42));
    lines.add(json("timestamp", t, "event.name", "identity.server", "identity.schema", "1.1",
        "service.name", "checkout", "identity.hop.layer", "backend", "trace.id", TRACE,
        "span.id", SERVER_SPAN, "identity.trace.origin", "generated", "identity.request.id",
        "r-1", "http.request.method", "POST", "url.path", "/orders",
        "http.response.status_code", 202, "event.duration", 108246234, "event.outcome",
        "success"));
    return lines;
  }

  /** One delivery to {@code group}, {@code seconds} after the send. */
  private static String delivery(String group, int seconds, String span, String errorType,
      boolean authzDenied) {
    Map<String, Object> m = obj("timestamp", T0.plusSeconds(seconds).toString(), "event.name",
        "identity.consumer", "identity.schema", "1.1", "service.name", group,
        "identity.hop.layer", "backend", "trace.id", TRACE, "span.id", span, "span.parent.id",
        SEND_SPAN, "identity.trace.origin", "traceparent", "identity.request.id", "r-1",
        "event.duration", 46919262, "event.outcome", errorType == null ? "success" : "failure");
    if (errorType != null) {
      m.put("error.type", errorType);
    }
    if (authzDenied) {
      m.put("identity.authz.outcome", "failure");
      m.put("identity.authz.reason", "policy_denied");
      m.put("identity.authz.policy", group + ":consume");
    }
    m.put("messaging.system", "kafka");
    m.put("messaging.destination.name", "orders.created");
    m.put("messaging.destination.partition.id", "3");
    m.put("messaging.kafka.offset", 42);
    m.put("messaging.consumer.group.name", group);
    return json(m);
  }

  /** Another request every 2 s, so that event time moves on. */
  private static List<String> traffic(int from, int count) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      lines.add(json("timestamp", T0.plusSeconds(from + 2L * i).toString(), "event.name",
          "identity.server", "service.name", "gateway", "trace.id",
          String.format("%032x", 0xabc000L + i), "span.id", String.format("%016x", 0xdef000L + i),
          "http.response.status_code", 200, "event.outcome", "success"));
    }
    return lines;
  }

  @Test
  void aGroupThatRefusedTheMessageIsTheVerdictAndTheJsonListsTheMessage() throws IOException {
    List<String> lines = order();
    lines.add(delivery("audit", 1, "758849e9920ed376", null, false));
    lines.add(delivery("billing", 2, "ad05944fcd124a90", "policy_denied", true));

    assertThat(run(file(lines))).isZero();

    JsonNode v = MAPPER.readTree(out.toString().trim());
    assertThat(v.get("verdict").asText()).isEqualTo("authz_failure");
    assertThat(v.get("verdict.hop").asText()).isEqualTo("billing");
    assertThat(v.get("verdict.evidence").asText()).startsWith("billing (group billing) refused"
        + " the message checkout sent to orders.created (partition 3, offset 42): policy denied");
    JsonNode m = v.get("messages").get(0);
    assertThat(m.get("fate").asText()).isEqualTo("refused");
    assertThat(m.get("groups")).hasSize(2);
    assertThat(v.get("hops")).hasSize(4);
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void tableShowsEachMessageUnderItsRequest() throws IOException {
    List<String> lines = order();
    lines.add(delivery("audit", 1, "758849e9920ed376", null, false));
    lines.add(delivery("billing", 2, "ad05944fcd124a90", "policy_denied", true));

    assertThat(run("--format", "table", file(lines))).isZero();

    String[] rows = out.toString().split("\n");
    assertThat(rows).hasSize(3);
    assertThat(rows[1]).contains("authz_failure", "billing", "policy_denied");
    assertThat(rows[2]).startsWith("           ↳ message orders.created [3]@42 from checkout:"
        + " refused; audit processed, billing refused (policy_denied)");
  }

  @Test
  void messageWindowDecidesHowLongALateConsumerCanJoin() throws IOException {
    List<String> lines = order();
    lines.addAll(traffic(2, 61)); // two minutes of other requests
    lines.add(delivery("billing", 125, "ad05944fcd124a90", null, false));
    String events = file(lines);

    assertThat(run("--message-window", "1m", events)).isZero();
    String oneMinute = out.toString();
    out.getBuffer().setLength(0);
    assertThat(run(events)).isZero();
    String byDefault = out.toString();

    assertThat(oneMinute).contains("\"fate\":\"not_consumed\"", "was not consumed by any group"
        + " within the 1m message window");
    assertThat(byDefault).doesNotContain("not_consumed").contains("\"fate\":\"processed\"");
  }

  @Test
  void deadLetterTopicPatternsAreAnOption() throws IOException {
    List<String> lines = order();
    lines.add(delivery("billing", 1, "a3fd7471e436b5a0", "internal_error", false));
    lines.add(json("timestamp", T0.plusSeconds(1).toString(), "event.name", "identity.producer",
        "service.name", "billing", "trace.id", TRACE, "span.id", "befc8a928cb3b9ba",
        "span.parent.id", "a3fd7471e436b5a0", "event.outcome", "success",
        "messaging.destination.name", "parking.orders.created",
        "messaging.destination.partition.id", "3", "messaging.kafka.offset", 7));
    String events = file(lines);

    assertThat(run("--dead-letter-topics", "parking.*", events)).isZero();

    JsonNode v = MAPPER.readTree(out.toString().trim());
    assertThat(v.get("verdict").asText()).isEqualTo("unknown");
    assertThat(v.get("verdict.reason").asText()).isEqualTo("internal_error");
    assertThat(v.get("messages")).hasSize(1);
    assertThat(v.get("messages").get(0).get("groups").get(0).get("dead_letter.topic").asText())
        .isEqualTo("parking.orders.created");
  }

  @Test
  void badMessageOptionsAreOneLineAndExit2() throws IOException {
    String events = file(order());

    assertThat(run("--message-window", "soon", events)).isEqualTo(2);
    assertThat(err.toString()).endsWith("correlate: --message-window must be a positive"
        + " duration of at most 7d, such as 30s, 500ms, 2m or 1h\n");
    assertThat(out.toString()).isEmpty();

    err.getBuffer().setLength(0);
    assertThat(run("--dead-letter-topics", "orders-dlt", events)).isEqualTo(2);
    assertThat(err.toString()).contains("correlate: --dead-letter-topics: each pattern needs"
        + " exactly one *");
    assertThat(out.toString()).isEmpty();
  }

  private String file(List<String> lines) throws IOException {
    Path p = dir.resolve("events-" + lines.size() + ".log");
    Files.write(p, lines, UTF_8);
    return p.toString();
  }

  private static String json(Object... keysAndValues) {
    return json(obj(keysAndValues));
  }

  private static Map<String, Object> obj(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
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
}
