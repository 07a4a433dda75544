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

/** The shipped schema agrees with the Java model, and rejects what the standard forbids. */
class EventSchemaTest {
  private static final JsonNode SCHEMA = EventSchema.node();
  private static final JsonNode PROPERTIES = SCHEMA.get("properties");

  @Test
  void isDraft202012AndClosed() {
    assertThat(SCHEMA.get("$schema").textValue())
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(SCHEMA.get("additionalProperties").booleanValue()).isFalse();
  }

  @Test
  void everyFieldIsAPropertyWithTheMatchingType() {
    for (Field<?> f : Fields.ALL) {
      JsonNode p = PROPERTIES.get(f.key());
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
        assertThat(resolve(p.get("items")).get("type").textValue()).as(f.key()).isEqualTo("string");
      }
    }
  }

  @Test
  void everyPropertyIsAField() {
    List<String> unknown = new ArrayList<>();
    PROPERTIES.fieldNames().forEachRemaining(k -> {
      if (Fields.byKey(k) == null) {
        unknown.add(k);
      }
    });
    assertThat(unknown).isEmpty();
    assertThat(PROPERTIES.size()).isEqualTo(Fields.count());
  }

  @Test
  void codedFieldsListExactlyTheCodesOfTheirEnums() {
    Map<Field<?>, Set<String>> expected = new HashMap<>();
    expected.put(Fields.EVENT_NAME, codes(EventName.values()));
    expected.put(Fields.HOP_LAYER, codes(HopLayer.values()));
    expected.put(Fields.TRACE_ORIGIN, codes(TraceOrigin.values()));
    expected.put(Fields.EVENT_OUTCOME, codes(EventOutcome.values()));
    expected.put(Fields.ERROR_TYPE, codes(Reason.values()));
    expected.put(Fields.CERT_SOURCE, codes(CertSource.values()));
    expected.put(Fields.TOKEN_TYPE, codes(TokenType.values()));
    expected.put(Fields.TOKEN_BINDING, codes(TokenBinding.values()));
    expected.put(Fields.AUTHN_OUTCOME, codes(Outcome.values()));
    expected.put(Fields.AUTHZ_OUTCOME, codes(Outcome.values()));
    expected.put(Fields.DEPENDENCY_OUTCOME, codes(Outcome.values()));
    expected.put(Fields.AUTHN_REASON, reasons(Phase.AUTHN));
    expected.put(Fields.AUTHZ_REASON, reasons(Phase.AUTHZ));
    expected.put(Fields.DEPENDENCY_REASON, reasons(Phase.DEPENDENCY));

    for (Field<?> f : Fields.ALL) {
      if (f.kind() == Field.Kind.CODE) {
        assertThat(expected).as("test covers %s", f.key()).containsKey(f);
      }
    }
    expected.forEach(
        (f, codes) -> assertThat(enumOf(f.key())).as(f.key()).isEqualTo(codes));
  }

  @Test
  void reasonEnumHoldsEveryReasonCodeOfTheStandard() {
    // Written out from the standard, independently of the Reason enum.
    Set<String> fromSpec =
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
    assertThat(enumOf("error.type")).isEqualTo(fromSpec);
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

  private static JsonNode resolve(JsonNode n) {
    if (n.has("type")) {
      return n;
    }
    String ref = n.get("$ref").textValue();
    assertThat(ref).startsWith("#/$defs/");
    return SCHEMA.get("$defs").get(ref.substring("#/$defs/".length()));
  }

  private static Set<String> enumOf(String key) {
    Set<String> out = new LinkedHashSet<>();
    PROPERTIES.get(key).get("enum").forEach(n -> out.add(n.textValue()));
    return out;
  }

  private static Set<String> codes(Coded[] values) {
    return Arrays.stream(values).map(Coded::code).collect(Collectors.toCollection(LinkedHashSet::new));
  }

  private static Set<String> reasons(Phase phase) {
    return Arrays.stream(Reason.values())
        .filter(r -> r.phase() == phase)
        .map(Reason::code)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }
}
