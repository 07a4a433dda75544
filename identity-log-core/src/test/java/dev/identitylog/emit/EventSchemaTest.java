package dev.identitylog.emit;

import dev.identitylog.testing.EventSchema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.identitylog.event.CertSource;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Field;
import dev.identitylog.event.Fields;
import dev.identitylog.event.HopLayer;
import dev.identitylog.event.TokenBinding;
import dev.identitylog.event.TokenType;
import dev.identitylog.event.TraceOrigin;
import dev.identitylog.outcome.Coded;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Phase;
import dev.identitylog.outcome.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shipped schema agrees with the Java model, and rejects what the standard forbids. */
class EventSchemaTest {
  private static final JsonNode SCHEMA = EventSchema.node();

  @ParameterizedTest
  @ValueSource(strings = {"1.0", "1.1"})
  void isDraft202012AndClosed(String version) {
    JsonNode schema = EventSchema.node(version);
    assertThat(schema.get("$schema").textValue())
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(schema.get("additionalProperties").booleanValue()).isFalse();
    assertThat(schema.get("required")).isEqualTo(SCHEMA.get("required"));
  }

  @Test
  void eventsWrittenNowSayVersion11() {
    assertThat(Fields.SCHEMA_VERSION).isEqualTo("1.1");
    assertThat(EventSchema.RESOURCE).endsWith("identity-event-1.1.schema.json");
  }

  @Test
  void everyVersion10EventIsAValidVersion11Event() {
    ObjectNode n = validNode10();
    assertThat(EventSchema.validate("1.0", n)).isEmpty();
    assertThat(EventSchema.validate("1.1", n)).isEmpty();
    n.put("identity.schema", "1.1");
    assertThat(EventSchema.validate("1.0", n)).isNotEmpty(); // 1.0 knows only itself
  }

  @Test
  void version10SchemaKnowsNoneOfTheAdditions() {
    ObjectNode n = validNode10();
    assertThat(EventSchema.validate("1.0", n)).isEmpty();
    n.putArray("identity.headers.oversized").add("traceparent");
    assertThat(EventSchema.validate("1.0", n).toString()).contains("identity.headers.oversized");
    n.remove("identity.headers.oversized");
    n.put("error.type", "internal_error");
    assertThat(EventSchema.validate("1.0", n).toString()).contains("error.type");
    n.put("error.type", "throttled");
    n.put("event.name", "identity.consumer");
    assertThat(EventSchema.validate("1.0", n).toString()).contains("event.name");
  }

  @Test
  void acceptsAMessageEventOfVersion11() {
    ObjectNode n = validNode();
    n.put("event.name", "identity.consumer");
    n.put("identity.cert.source", "message");
    n.put("messaging.system", "kafka");
    n.put("messaging.destination.name", "orders");
    n.put("messaging.destination.partition.id", "3");
    n.put("messaging.kafka.offset", 0);
    n.put("messaging.consumer.group.name", "billing");
    n.put("messaging.message.id", "m-1");
    n.put("identity.message.redelivered", true);
    n.put("identity.message.delivery_count", 2);
    n.putArray("identity.links").add(TestEvents.TRACE_ID + "-00f067aa0ba902b7");
    n.putArray("identity.headers.oversized").add("traceparent").add("authorization");
    n.putArray("identity.hygiene").add("token_long_lived").add("cert_self_signed");
    n.put("error.type", "internal_error");
    assertThat(EventSchema.validate(n)).isEmpty();
  }

  @Test
  void rejectsWhatVersion11Forbids() {
    assertRejected(n -> n.put("messaging.kafka.offset", -1), "messaging.kafka.offset");
    assertRejected(n -> n.put("messaging.kafka.offset", "7"), "messaging.kafka.offset");
    assertRejected(n -> n.put("messaging.destination.partition.id", 3),
        "messaging.destination.partition.id");
    assertRejected(n -> n.put("identity.message.delivery_count", 0),
        "identity.message.delivery_count");
    assertRejected(n -> n.put("identity.message.redelivered", "yes"),
        "identity.message.redelivered");
    assertRejected(n -> n.putArray("identity.links").add("not-a-context"), "identity.links");
    assertRejected(n -> n.putArray("identity.headers.oversized"), "identity.headers.oversized");
    assertRejected(n -> n.putArray("identity.hygiene").add("token_fine"), "identity.hygiene");
    assertRejected(n -> n.put("error.type", "trace_dropped"), "error.type");
    assertRejected(n -> n.put("identity.authn.reason", "internal_error"), "identity.authn.reason");
    assertRejected(n -> n.put("identity.cert.source", "kafka"), "identity.cert.source");
  }

  /** The codes SPEC 1.1 adds to the coded fields, written out from the standard. */
  private static final Set<String> CODES_ADDED_IN_1_1 =
      Set.of("identity.producer", "identity.consumer", "message", "internal_error");

  @ParameterizedTest
  @ValueSource(strings = {"1.0", "1.1"})
  void everyFieldIsAPropertyWithTheMatchingType(String version) {
    JsonNode properties = EventSchema.node(version).get("properties");
    for (Field<?> f : Fields.ofVersion(version)) {
      JsonNode p = properties.get(f.key());
      assertThat(p).as(f.key()).isNotNull();
      String expected;
      switch (f.kind()) {
        case LONG:
          expected = "integer";
          break;
        case BOOLEAN:
          expected = "boolean";
          break;
        case STRINGS:
          expected = "array";
          break;
        default:
          expected = "string";
      }
      assertThat(p.get("type").textValue()).as(f.key()).isEqualTo(expected);
      if (f.kind() == Field.Kind.STRINGS) {
        assertThat(resolve(version, p.get("items")).get("type").textValue())
            .as(f.key())
            .isEqualTo("string");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.0", "1.1"})
  void everyPropertyIsAFieldOfThatVersion(String version) {
    List<String> keys = new ArrayList<>();
    EventSchema.node(version).get("properties").fieldNames().forEachRemaining(keys::add);
    assertThat(keys)
        .as("the schema lists the fields of %s in canonical order", version)
        .containsExactlyElementsOf(
            Fields.ofVersion(version).stream().map(Field::key).collect(Collectors.toList()));
  }

  @Test
  void version11OnlyAddsFieldsAtTheEnd() {
    List<Field<?>> v10 = Fields.ofVersion("1.0");
    assertThat(Fields.ofVersion("1.1")).isEqualTo(Fields.ALL);
    assertThat(Fields.ALL.subList(0, v10.size())).isEqualTo(v10);
    assertThat(Fields.ALL.subList(v10.size(), Fields.count()))
        .extracting(Field::key)
        .containsExactly(
            "messaging.system", "messaging.destination.name",
            "messaging.destination.partition.id", "messaging.kafka.offset",
            "messaging.consumer.group.name", "messaging.message.id",
            "identity.message.redelivered", "identity.message.delivery_count", "identity.links",
            "identity.headers.oversized", "identity.hygiene");
    assertThat(Fields.ofVersion("2.0")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.0", "1.1"})
  void codedFieldsListExactlyTheCodesOfTheirEnums(String version) {
    Map<Field<?>, Set<String>> expected = new HashMap<>();
    expected.put(Fields.EVENT_NAME, codes(EventName.values()));
    expected.put(Fields.HOP_LAYER, codes(HopLayer.values()));
    expected.put(Fields.TRACE_ORIGIN, codes(TraceOrigin.values()));
    expected.put(Fields.EVENT_OUTCOME, codes(EventOutcome.values()));
    expected.put(Fields.ERROR_TYPE, reasons(null));
    expected.put(Fields.CERT_SOURCE, codes(CertSource.values()));
    expected.put(Fields.TOKEN_TYPE, codes(TokenType.values()));
    expected.put(Fields.TOKEN_BINDING, codes(TokenBinding.values()));
    expected.put(Fields.AUTHN_OUTCOME, codes(Outcome.values()));
    expected.put(Fields.AUTHZ_OUTCOME, codes(Outcome.values()));
    expected.put(Fields.DEPENDENCY_OUTCOME, codes(Outcome.values()));
    expected.put(Fields.AUTHN_REASON, reasons(Phase.AUTHN));
    expected.put(Fields.AUTHZ_REASON, reasons(Phase.AUTHZ));
    expected.put(Fields.DEPENDENCY_REASON, reasons(Phase.DEPENDENCY));
    if (version.equals("1.0")) {
      expected.values().forEach(codes -> codes.removeAll(CODES_ADDED_IN_1_1));
    }

    for (Field<?> f : Fields.ofVersion(version)) {
      if (f.kind() == Field.Kind.CODE) {
        assertThat(expected).as("test covers %s", f.key()).containsKey(f);
      }
    }
    expected.forEach(
        (f, codes) -> assertThat(enumOf(version, f.key())).as(f.key()).isEqualTo(codes));
  }

  @Test
  void reasonEnumHoldsEveryReasonCodeOfTheStandard() {
    // Written out from the standard, independently of the Reason enum.
    Set<String> fromSpec10 =
        Set.of(
            "credential_missing", "credential_malformed", "token_invalid", "token_expired",
            "token_not_yet_valid", "issuer_untrusted", "audience_mismatch", "cert_missing",
            "cert_untrusted", "cert_expired", "cert_not_yet_valid", "cert_revoked",
            "binding_mismatch", "identity_header_untrusted", "authn_dependency_unavailable",
            "insufficient_scope", "policy_denied", "actor_not_permitted",
            "authz_dependency_unavailable", "no_route", "dns_failure", "connect_failure",
            "timeout", "reset", "retry_exhausted", "overflow", "protocol_error",
            "upstream_tls_failure", "upstream_unauthenticated", "upstream_forbidden",
            "upstream_unavailable", "upstream_error", "client_abort", "throttled");
    assertThat(enumOf("1.0", "error.type")).isEqualTo(fromSpec10);
    Set<String> fromSpec11 = new LinkedHashSet<>(fromSpec10);
    fromSpec11.add("internal_error");
    assertThat(enumOf("1.1", "error.type")).isEqualTo(fromSpec11);
    // trace_dropped is a verdict reason of correlate, never a reason inside an event.
    assertThat(Reason.fromCode("trace_dropped")).isEqualTo(Reason.TRACE_DROPPED);
    assertThat(Reason.TRACE_DROPPED.inEvents()).isFalse();
    assertThat(Reason.INTERNAL_ERROR.phase()).isEqualTo(Phase.NONE);
    for (Reason r : Reason.values()) {
      assertThat(r.since()).as(r.code())
          .isEqualTo(fromSpec10.contains(r.code()) ? "1.0" : "1.1");
    }
  }

  @Test
  void requiredFieldsAreTheCoreOfEveryEvent() {
    List<String> required = new ArrayList<>();
    SCHEMA.get("required").forEach(n -> required.add(n.textValue()));
    assertThat(required)
        .containsExactlyInAnyOrder(
            "timestamp", "event.name", "identity.schema", "service.name", "trace.id", "span.id",
            "identity.request.id", "event.outcome");
  }

  @Test
  void sampleEventsAreValid() {
    assertThat(EventSchema.validate(JsonLineWriter.toJson(TestEvents.full()))).isEmpty();
    assertThat(EventSchema.validate(JsonLineWriter.toJson(TestEvents.denied()))).isEmpty();
    assertThat(EventSchema.validate(JsonLineWriter.toJson(TestEvents.ok()))).isEmpty();
  }

  @Test
  void rejectsWhatTheStandardForbids() {
    assertRejected(n -> n.putNull("url.path"), "url.path");
    assertRejected(n -> n.put("url.path", ""), "url.path");
    assertRejected(n -> n.put("url.path", "/a\nb"), "url.path");
    assertRejected(n -> n.put("url.path", "/a\u2028"), "url.path");
    assertRejected(n -> n.put("trace.id", "4BF92F3577B34DA6A3CE929D0E0E4736"), "trace.id");
    assertRejected(n -> n.put("trace.id", "0".repeat(32)), "trace.id");
    assertRejected(n -> n.put("trace.id", TestEvents.TRACE_ID + "\n"), "trace.id");
    assertRejected(n -> n.put("span.id", "00f067aa0ba902b"), "span.id");
    assertRejected(n -> n.put("span.parent.id", "0000000000000000"), "span.parent.id");
    assertRejected(n -> n.put("tls.client.hash.sha256", "a".repeat(64)), "tls.client.hash.sha256");
    assertRejected(n -> n.put("tls.client.x509.serial_number", "0A"), "tls.client.x509.serial_number");
    assertRejected(n -> n.put("identity.token.hash", "0123456789ABCDEF0123456789abcdef"),
        "identity.token.hash");
    assertRejected(n -> n.put("timestamp", "2026-11-28T09:00:00Z"), "timestamp");
    assertRejected(n -> n.put("timestamp", "2026-11-28T09:00:00.000+01:00"), "timestamp");
    assertRejected(n -> n.put("timestamp", "2026-02-30T09:00:00.000Z"), "timestamp");
    assertRejected(n -> n.put("http.response.status_code", "403"), "http.response.status_code");
    assertRejected(n -> n.put("http.response.status_code", 4030), "http.response.status_code");
    assertRejected(n -> n.put("event.duration", -1), "event.duration");
    assertRejected(n -> n.put("identity.token.verified", "true"), "identity.token.verified");
    assertRejected(n -> n.putArray("identity.token.audience"), "identity.token.audience");
    assertRejected(n -> n.putArray("identity.token.audience").add(""), "identity.token.audience");
    assertRejected(n -> n.put("identity.authz.reason", "token_expired"), "identity.authz.reason");
    assertRejected(n -> n.put("error.type", "nope"), "error.type");
    assertRejected(n -> n.put("rpc.grpc.status_code", "14"), "rpc.grpc.status_code");
    assertRejected(n -> n.put("url.full", "https://a/b?token=x"), "url.full");
    assertRejected(n -> n.put("identity.schema", "2.0"), "identity.schema");
    assertRejected(n -> n.put("identity.workload.id", "user-42"), "identity.workload.id");
    assertRejected(n -> n.put("identity.tenant", "x"), "identity.tenant");
    assertRejected(n -> n.put("identity.token.claim.tenant", 5), "identity.token.claim.tenant");
    assertRejected(n -> n.remove("trace.id"), "trace.id");
  }

  @Test
  void acceptsClaimsAndEdgeValues() {
    ObjectNode n = validNode();
    n.put("identity.token.claim.tenant_id", "acme");
    n.put("tls.client.x509.serial_number", "0");
    n.put("timestamp", "2016-12-31T23:59:60.000Z");
    n.put("rpc.grpc.status_code", "UNAUTHENTICATED");
    assertThat(EventSchema.validate(n)).isEmpty();
  }

  private static void assertRejected(Consumer<ObjectNode> change, String field) {
    ObjectNode n = validNode();
    change.accept(n);
    var errors = EventSchema.validate(n);
    assertThat(errors).as("%s: %s", field, n).isNotEmpty();
    assertThat(errors.stream().map(Object::toString).collect(Collectors.joining("\n")))
        .as(field)
        .contains(field);
  }

  private static ObjectNode validNode() {
    try {
      return (ObjectNode) EventSchema.MAPPER.readTree(JsonLineWriter.toJson(TestEvents.full()));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A valid 1.0 event: every field 1.0 has. */
  private static ObjectNode validNode10() {
    ObjectNode n = validNode();
    n.put("identity.schema", "1.0");
    for (Field<?> f : Fields.ALL) {
      if (!f.since().equals("1.0")) {
        n.remove(f.key());
      }
    }
    return n;
  }

  private static JsonNode resolve(String version, JsonNode n) {
    if (n.has("type")) {
      return n;
    }
    String ref = n.get("$ref").textValue();
    assertThat(ref).startsWith("#/$defs/");
    return EventSchema.node(version).get("$defs").get(ref.substring("#/$defs/".length()));
  }

  private static Set<String> enumOf(String version, String key) {
    Set<String> out = new LinkedHashSet<>();
    EventSchema.node(version).get("properties").get(key).get("enum")
        .forEach(n -> out.add(n.textValue()));
    return out;
  }

  private static Set<String> codes(Coded[] values) {
    return Arrays.stream(values).map(Coded::code).collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /** The event reasons of this phase, or of every phase for {@code null}. */
  private static Set<String> reasons(Phase phase) {
    return Arrays.stream(Reason.values())
        .filter(Reason::inEvents)
        .filter(r -> phase == null || r.phase() == phase)
        .map(Reason::code)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }
}
