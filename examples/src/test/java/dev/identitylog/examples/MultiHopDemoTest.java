package dev.identitylog.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.identitylog.correlate.RequestVerdict;
import dev.identitylog.emit.RestrictedFields;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the whole demo once, in-process, and checks what it produced: each scenario's verdict, hop
 * and reason as the correlator decided them from the events file, and the file itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiHopDemoTest {
  private static final String SCHEMA = "dev/identitylog/schema/identity-event-1.1.schema.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PSEUDONYM = "hmac:[A-Za-z0-9_-]{22}";
  /** A JWS in compact form: three base64url parts, the first two JSON objects ("eyJ"). */
  private static final Pattern COMPACT_JWS =
      Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{16,}");

  private MultiHopDemo.Report report;
  private String console;
  private List<String> lines;
  private List<JsonNode> events;
  private List<String> restrictedLines;
  private List<JsonNode> restrictedEvents;

  @BeforeAll
  void runDemo(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      report = MultiHopDemo.run(dir.resolve("events.jsonl"), print);
    }
    console = out.toString(StandardCharsets.UTF_8);
    lines = Files.readAllLines(report.events, StandardCharsets.UTF_8);
    events = new ArrayList<>();
    for (String line : lines) {
      events.add(JSON.readTree(line));
    }
    restrictedLines = Files.readAllLines(report.restricted, StandardCharsets.UTF_8);
    restrictedEvents = new ArrayList<>();
    for (String line : restrictedLines) {
      restrictedEvents.add(JSON.readTree(line));
    }
  }

  @TestFactory
  Stream<DynamicTest> everyScenarioGetsItsVerdictHopAndReason() {
    return report.results.stream().map(r -> DynamicTest.dynamicTest(
        r.scenario.number + " " + r.scenario.name, () -> {
          assertThat(r.answer.status).as("status the client got (%s)", r.answer)
              .isEqualTo(r.scenario.status);
          assertThat(r.verdict).as("a correlated request with id %s", r.scenario.requestId())
              .isNotNull();
          assertThat(r.verdict.verdict().code()).as("verdict; evidence: %s", r.verdict.evidence())
              .isEqualTo(r.scenario.verdict);
          assertThat(r.verdict.verdictHop()).as("hop; evidence: %s", r.verdict.evidence())
              .isEqualTo(r.scenario.hop);
          assertThat(r.verdict.verdictReason()).as("reason; evidence: %s", r.verdict.evidence())
              .isEqualTo(r.scenario.reason);
        }));
  }

  @Test
  void theDemoPassesOnlyWhenEveryScenarioMatches() {
    boolean allMatch = report.results.stream().allMatch(MultiHopDemo.Result::matches);
    assertThat(report.passed()).isEqualTo(allMatch);
    assertThat(report.results).hasSize(Scenario.all().size());
  }

  @Test
  void theConsoleShowsTheFileAndTheCorrelatorTable() {
    assertThat(console).contains("Events of all hops: " + report.events.toAbsolutePath());
    assertThat(console).contains("TRACE").contains("REQUEST ID").contains("VERDICT");
    for (Scenario s : Scenario.all()) {
      assertThat(console).contains(s.requestId());
    }
  }

  @Test
  void theFileHasServerEventsOfAllFourHopsAndClientEvents() {
    Set<String> servers = services("identity.server");
    Set<String> clients = services("identity.client");
    assertThat(servers).contains("edge", "gateway", "backend", "inventory");
    // edge → gateway, gateway → token service and backend, backend → inventory
    assertThat(clients).contains("edge", "gateway", "backend");
  }

  @Test
  void everyLineValidatesAgainstTheSchema() throws Exception {
    JsonSchema schema;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(SCHEMA)) {
      assertThat(in).as(SCHEMA + " on the class path (bundled by the core jar)").isNotNull();
      schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(
          JSON.readTree(in),
          SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
    }
    assertThat(events).isNotEmpty();
    for (int i = 0; i < events.size(); i++) {
      Set<ValidationMessage> problems = schema.validate(events.get(i));
      assertThat(problems).as("line %d: %s", i + 1, lines.get(i)).isEmpty();
    }
    assertThat(restrictedEvents).hasSameSizeAs(events);
    for (int i = 0; i < restrictedEvents.size(); i++) {
      Set<ValidationMessage> problems = schema.validate(restrictedEvents.get(i));
      assertThat(problems).as("restricted line %d: %s", i + 1, restrictedLines.get(i)).isEmpty();
    }
  }

  @Test
  void noRawTokenReachesTheFile() throws Exception {
    String file = Files.readString(report.events, StandardCharsets.UTF_8)
        + Files.readString(report.restricted, StandardCharsets.UTF_8);
    // Client tokens and the tokens the exchange minted alike, in neither file.
    assertThat(report.issuedTokens).hasSizeGreaterThan(Scenario.all().size());
    for (String token : report.issuedTokens) {
      assertThat(file).doesNotContain(token);
      assertThat(file).doesNotContain(token.substring(token.lastIndexOf('.') + 1)); // signature
    }
    assertThat(COMPACT_JWS.matcher(file).find()).as("anything shaped like a JWT").isFalse();
    assertThat(file).doesNotContain("Bearer ").doesNotContain("PRIVATE KEY");
  }

  @Test
  void theRestrictedFileSitsBesideTheEventsFileAndIsPrinted() {
    assertThat(report.restricted.getParent()).isEqualTo(report.events.getParent());
    assertThat(report.restricted.getFileName().toString()).isEqualTo("events.restricted.jsonl");
    assertThat(console).contains("Restricted values of all hops: " + report.restricted.toAbsolutePath());
  }

  @Test
  void everyLineOfEitherFileJoinsWithExactlyOneLineOfTheOther() {
    Map<String, JsonNode> general = byJoinKey(events);
    Map<String, JsonNode> restricted = byJoinKey(restrictedEvents);
    assertThat(general).hasSize(events.size());
    assertThat(restricted).hasSize(restrictedEvents.size());
    assertThat(restricted.keySet()).isEqualTo(general.keySet());
  }

  @Test
  void theEventsFileHoldsNoRestrictedValue() throws Exception {
    String file = Files.readString(report.events, StandardCharsets.UTF_8);
    Set<String> values = new TreeSet<>();
    for (JsonNode e : restrictedEvents) {
      e.fields().forEachRemaining(f -> {
        if (RestrictedFields.isRestricted(f.getKey())) {
          if (f.getValue().isArray()) {
            f.getValue().forEach(v -> values.add(v.asText()));
          } else {
            values.add(f.getValue().asText());
          }
        }
      });
    }
    // What the demo's parties are: alice's and bob's certificates, the CA, the token issuer,
    // the token's subject, client and actors, and the address the edge forwards.
    String aliceDn = "CN=alice,OU=customers,O=identity-log demo";
    assertThat(values).contains(aliceDn, "alice", "urn:identitylog:demo:customer:alice",
        "127.0.0.1", DemoPki.spiffeId(GatewayHop.NAME));
    int checked = 0;
    for (String value : values) {
      if (value.equals("127.0.0.1")
          || value.startsWith(DemoPki.TRUST_DOMAIN + "/")
          || value.endsWith(".identitylog.test")) {
        // General by the standard's list, under other names: every hop's peer is on loopback
        // (network.peer.address), a workload's SPIFFE ID is identity.workload.id and
        // identity.cert.forwarded_by, and a server's DNS SAN is the server.address its callers
        // log. A customer's values have no such second name.
        continue;
      }
      assertThat(file).as("the events file holds the restricted value %s", value)
          .doesNotContain(value);
      checked++;
    }
    assertThat(checked).isGreaterThanOrEqualTo(5);
    assertThat(file).doesNotContain("alice").doesNotContain("bob");
  }

  @Test
  void theCorrelatorGivesTheSameVerdictsWithTheRestrictedValuesJoinedBackIn(@TempDir Path dir)
      throws Exception {
    Map<String, JsonNode> restricted = byJoinKey(restrictedEvents);
    StringBuilder whole = new StringBuilder();
    for (JsonNode e : events) {
      ObjectNode merged = ((ObjectNode) e).deepCopy();
      restricted.get(joinKey(e)).fields().forEachRemaining(f -> {
        if (RestrictedFields.isRestricted(f.getKey())) {
          merged.set(f.getKey(), f.getValue());
        }
      });
      whole.append(JSON.writeValueAsString(merged)).append('\n');
    }
    Path wholeFile = dir.resolve("whole.jsonl");
    Files.writeString(wholeFile, whole, StandardCharsets.UTF_8);

    Map<String, RequestVerdict> fromGeneral = MultiHopDemo.correlate(report.events);
    Map<String, RequestVerdict> fromWhole = MultiHopDemo.correlate(wholeFile);
    assertThat(fromGeneral.keySet()).isEqualTo(fromWhole.keySet());
    for (Scenario s : Scenario.all()) {
      RequestVerdict g = fromGeneral.get(s.requestId());
      RequestVerdict w = fromWhole.get(s.requestId());
      assertThat(g.verdict()).as(s.requestId()).isEqualTo(w.verdict());
      assertThat(g.verdictHop()).as(s.requestId()).isEqualTo(w.verdictHop());
      assertThat(g.verdictReason()).as(s.requestId()).isEqualTo(w.verdictReason());
    }
  }

  @Test
  void theGatewayBelievesTheEdgeByItsSpiffeIdAndSeesTheClientCertificate() {
    JsonNode edge = server("demo-01-success", "edge");
    JsonNode gateway = server("demo-01-success", "gateway");
    assertThat(edge.path("identity.cert.source").asText()).isEqualTo("tls");
    assertThat(gateway.path("identity.cert.source").asText()).isEqualTo("xfcc");
    assertThat(gateway.path("identity.cert.forwarded_by").asText())
        .isEqualTo(DemoPki.spiffeId(EdgeHop.NAME));
    // The hash the edge computed from the handshake and the one the gateway read from the edge's
    // header agree: the same certificate, seen by two hops.
    assertThat(gateway.path("tls.client.hash.sha256").asText())
        .hasSize(64)
        .isEqualTo(edge.path("tls.client.hash.sha256").asText());
    assertThat(gateway.path("identity.token.binding").asText()).isEqualTo("bound");
    assertThat(gateway.path("identity.token.verified").asBoolean()).isTrue();
  }

  @Test
  void theBackendSeesTheExchangedTokenActingForTheGateway() {
    JsonNode backend = server("demo-01-success", "backend");
    String gateway = DemoPki.spiffeId(GatewayHop.NAME);
    assertThat(backend.path("identity.workload.id").asText()).isEqualTo(gateway);
    assertThat(backend.path("identity.token.audience").toString()).isEqualTo("[\"backend\"]");
    // Who acts for whom is restricted: the events file has pseudonyms, its partner the values.
    JsonNode partner = byJoinKey(restrictedEvents).get(joinKey(backend));
    assertThat(backend.path("identity.token.actor_chain").get(0).asText()).matches(PSEUDONYM);
    assertThat(backend.path("identity.token.subject").asText()).matches(PSEUDONYM);
    assertThat(partner.path("identity.token.actor_chain").toString())
        .isEqualTo("[\"" + gateway + "\"]");
    assertThat(partner.path("identity.token.subject").asText()).isEqualTo("alice");
    // One party, one pseudonym at every hop: alice at the gateway and at the backend.
    assertThat(backend.path("identity.token.subject").asText()).isEqualTo(
        server("demo-01-success", "gateway").path("identity.token.subject").asText());
    assertThat(backend.path("identity.token.hash").asText())
        .isNotEqualTo(server("demo-01-success", "gateway").path("identity.token.hash").asText());
    assertThat(backend.path("identity.authz.policy").asText()).isEqualTo(BackendHop.SCOPE);
  }

  @Test
  void theInventoryNamesTheWorkloadItRefused() {
    JsonNode allowed = server("demo-01-success", "inventory");
    JsonNode refused = server("demo-12-workload-not-allowed", "inventory");
    assertThat(allowed.path("identity.workload.id").asText())
        .isEqualTo(DemoPki.spiffeId(BackendHop.NAME));
    assertThat(refused.path("identity.workload.id").asText())
        .isEqualTo(DemoPki.spiffeId("reports"));
    assertThat(refused.path("rpc.grpc.status_code").asText()).isEqualTo("PERMISSION_DENIED");
    assertThat(refused.path("identity.authz.reason").asText()).isEqualTo("policy_denied");
    assertThat(refused.path("identity.authz.policy").asText()).isEqualTo(InventoryHop.POLICY);
  }

  @Test
  void theLegacyRouteKeepsTheRequestIdButNotTheTrace() {
    JsonNode gateway = server("demo-13-legacy-hop-drops-traceparent", "gateway");
    JsonNode backend = server("demo-13-legacy-hop-drops-traceparent", "backend");
    assertThat(backend.path("identity.trace.origin").asText()).isEqualTo("generated");
    assertThat(backend.path("trace.id").asText()).isNotEqualTo(gateway.path("trace.id").asText());
  }

  @Test
  void theBackendPublishesTheOrderInsideTheRequestAndBillingCarriesTheCallersEvidence() {
    String id = "demo-14-billing-refuses-caller";
    JsonNode served = server(id, "backend");
    JsonNode produced = only(id, "identity.producer", "backend");
    JsonNode consumed = only(id, "identity.consumer", BillingConsumerHop.NAME);

    // The send is a call of the request: same trace, its span under the request's.
    assertThat(produced.path("trace.id").asText()).isEqualTo(served.path("trace.id").asText());
    assertThat(produced.path("span.parent.id").asText()).isEqualTo(served.path("span.id").asText());
    assertThat(produced.path("messaging.system").asText()).isEqualTo("kafka");
    assertThat(produced.path("messaging.destination.name").asText()).isEqualTo(DemoKafka.ORDERS);
    assertThat(produced.path("messaging.destination.partition.id").asText()).isEqualTo("0");
    assertThat(produced.path("event.outcome").asText()).isEqualTo("success");

    // The consumer continues the producer's trace and names the record it processed.
    assertThat(consumed.path("trace.id").asText()).isEqualTo(served.path("trace.id").asText());
    assertThat(consumed.path("span.parent.id").asText()).isEqualTo(produced.path("span.id").asText());
    assertThat(consumed.path("messaging.system").asText()).isEqualTo("kafka");
    assertThat(consumed.path("messaging.destination.name").asText()).isEqualTo(DemoKafka.ORDERS);
    assertThat(consumed.path("messaging.destination.partition.id").asText()).isEqualTo("0");
    assertThat(consumed.path("messaging.kafka.offset").asLong())
        .isEqualTo(produced.path("messaging.kafka.offset").asLong());
    assertThat(consumed.path("messaging.consumer.group.name").asText())
        .isEqualTo(BillingConsumerHop.GROUP);
    assertThat(consumed.has("identity.message.redelivered")).isFalse();
    // The evidence is the backend's caller, as the producer reported it: the batch job.
    assertThat(consumed.path("identity.cert.source").asText()).isEqualTo("message");
    assertThat(consumed.path("identity.workload.id").asText())
        .isEqualTo(DemoPki.spiffeId(Scenario.BatchJob.NAME));
    assertThat(consumed.path("tls.client.hash.sha256").asText())
        .hasSize(64)
        .isEqualTo(served.path("tls.client.hash.sha256").asText());
    assertThat(consumed.path("identity.token.hash").asText())
        .hasSize(32)
        .isEqualTo(served.path("identity.token.hash").asText());
    // Billing's own decision, recorded like a server's.
    assertThat(consumed.path("identity.authz.outcome").asText()).isEqualTo("failure");
    assertThat(consumed.path("identity.authz.reason").asText()).isEqualTo("policy_denied");
    assertThat(consumed.path("identity.authz.policy").asText()).isEqualTo(BillingConsumerHop.POLICY);
    assertThat(consumed.path("event.outcome").asText()).isEqualTo("failure");
  }

  @Test
  void thePoisonOrderIsDeliveredThreeTimesThenDeadLetteredInsideTheLastDelivery() {
    String id = "demo-15-poison-order-dead-lettered";
    JsonNode edge = server(id, "edge");
    JsonNode produced = only(id, "identity.producer", "backend");
    List<JsonNode> deliveries = all(id, "identity.consumer", BillingConsumerHop.NAME);

    assertThat(deliveries).hasSize(BillingConsumerHop.MAX_DELIVERIES);
    for (int i = 0; i < deliveries.size(); i++) {
      JsonNode d = deliveries.get(i);
      assertThat(d.path("trace.id").asText()).isEqualTo(edge.path("trace.id").asText());
      assertThat(d.path("span.parent.id").asText()).isEqualTo(produced.path("span.id").asText());
      assertThat(d.path("messaging.kafka.offset").asLong())
          .isEqualTo(produced.path("messaging.kafka.offset").asLong());
      assertThat(d.path("messaging.consumer.group.name").asText())
          .isEqualTo(BillingConsumerHop.GROUP);
      assertThat(d.path("identity.cert.source").asText()).isEqualTo("message");
      // Through the storefront: the backend's caller is the gateway, and billing accepts it.
      assertThat(d.path("identity.workload.id").asText())
          .isEqualTo(DemoPki.spiffeId(GatewayHop.NAME));
      assertThat(d.path("identity.authz.outcome").asText()).isEqualTo("success");
      assertThat(d.path("error.type").asText()).isEqualTo("internal_error");
      assertThat(d.path("event.outcome").asText()).isEqualTo("failure");
      // Read again from the broker after a seek back: the same group, partition and offset.
      if (i == 0) {
        assertThat(d.has("identity.message.redelivered")).isFalse();
      } else {
        assertThat(d.path("identity.message.redelivered").asBoolean()).isTrue();
      }
    }
    assertThat(deliveries).extracting(d -> d.path("span.id").asText()).doesNotHaveDuplicates();

    // The dead letter is a send of the last delivery: its trace, its span as parent.
    JsonNode last = deliveries.get(deliveries.size() - 1);
    JsonNode deadLetter = only(id, "identity.producer", BillingConsumerHop.NAME);
    assertThat(deadLetter.path("messaging.destination.name").asText())
        .isEqualTo(DemoKafka.ORDERS_DEAD_LETTERS);
    assertThat(deadLetter.path("trace.id").asText()).isEqualTo(edge.path("trace.id").asText());
    assertThat(deadLetter.path("span.parent.id").asText()).isEqualTo(last.path("span.id").asText());
    assertThat(deadLetter.path("event.outcome").asText()).isEqualTo("success");
  }

  @Test
  void onlyTheCheckoutScenariosSendMessages() {
    Set<String> withMessages = events.stream()
        .filter(e -> e.path("event.name").asText().matches("identity\\.(producer|consumer)"))
        .map(e -> e.path("identity.request.id").asText())
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(withMessages).containsExactly(
        "demo-14-billing-refuses-caller", "demo-15-poison-order-dead-lettered");
  }

  /** Each line by trace.id + span.id + identity.request.id; a key seen twice fails the test. */
  private static Map<String, JsonNode> byJoinKey(List<JsonNode> lines) {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode e : lines) {
      assertThat(out.put(joinKey(e), e)).as("one line per join key: %s", e).isNull();
    }
    return out;
  }

  private static String joinKey(JsonNode e) {
    assertThat(e.path("trace.id").asText()).hasSize(32);
    assertThat(e.path("span.id").asText()).hasSize(16);
    assertThat(e.path("identity.request.id").asText()).isNotEmpty();
    return e.path("trace.id").asText() + "/" + e.path("span.id").asText() + "/"
        + e.path("identity.request.id").asText();
  }

  private Set<String> services(String eventName) {
    return events.stream()
        .filter(e -> eventName.equals(e.path("event.name").asText()))
        .map(e -> e.path("service.name").asText())
        .collect(Collectors.toSet());
  }

  /** The events named {@code eventName} of {@code service} for {@code requestId}, in file order. */
  private List<JsonNode> all(String requestId, String eventName, String service) {
    return events.stream()
        .filter(e -> eventName.equals(e.path("event.name").asText()))
        .filter(e -> requestId.equals(e.path("identity.request.id").asText()))
        .filter(e -> service.equals(e.path("service.name").asText()))
        .collect(Collectors.toList());
  }

  private JsonNode only(String requestId, String eventName, String service) {
    List<JsonNode> found = all(requestId, eventName, service);
    assertThat(found).as("%s events of %s for %s", eventName, service, requestId).hasSize(1);
    return found.get(0);
  }

  /** The one server event of {@code service} for the request {@code requestId}. */
  private JsonNode server(String requestId, String service) {
    List<JsonNode> found = events.stream()
        .filter(e -> "identity.server".equals(e.path("event.name").asText()))
        .filter(e -> requestId.equals(e.path("identity.request.id").asText()))
        .filter(e -> service.equals(e.path("service.name").asText()))
        .collect(Collectors.toList());
    assertThat(found).as("server events of %s for %s", service, requestId).hasSize(1);
    return found.get(0);
  }
}
