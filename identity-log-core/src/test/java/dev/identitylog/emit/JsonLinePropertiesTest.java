package dev.identitylog.emit;

import dev.identitylog.testing.EventSchema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identitylog.event.Field;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.event.Timestamps;
import dev.identitylog.outcome.Coded;
import dev.identitylog.outcome.Phase;
import dev.identitylog.outcome.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.arbitraries.StringArbitrary;

/**
 * Events built from arbitrary strings (control characters, separators, lone surrogates, quotes,
 * very long values) always become one valid JSON line that the shipped schema accepts, and that
 * reads back to the event's values.
 */
class JsonLinePropertiesTest {
  private static final Set<String> REQUIRED =
      Set.of(
          "timestamp", "event.name", "identity.schema", "service.name", "trace.id", "span.id",
          "identity.request.id", "event.outcome");

  @Property(tries = 300)
  void everyLineIsOneSchemaValidJsonObject(@ForAll("events") IdentityEvent event) throws Exception {
    String line = JsonLineWriter.toJson(event);

    assertThat(line.chars().filter(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029))
        .as("raw control characters in %s", line)
        .isEmpty();
    assertThat(new String(line.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .as("survives UTF-8")
        .isEqualTo(line);

    JsonNode node = EventSchema.MAPPER.readTree(line);
    assertThat(node.isObject()).isTrue();
    assertThat(EventSchema.validate(node)).as(line).isEmpty();

    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    List<String> expectedKeys = new ArrayList<>();
    event.forEach(
        new IdentityEvent.FieldVisitor() {
          @Override
          public void visit(Field<?> field, Object value) {
            expectedKeys.add(field.key());
            assertReadsBack(node.get(field.key()), field, value);
          }

          @Override
          public void visitClaim(String key, String value) {
            expectedKeys.add(key);
            assertThat(node.get(key).textValue()).isEqualTo(value);
          }
        });
    assertThat(keys).containsExactlyElementsOf(expectedKeys);
  }

  @Property(tries = 300)
  void theUtf8LineIsTheJsonLineEncodedInUtf8(@ForAll("events") IdentityEvent event) {
    byte[] expected = (JsonLineWriter.toJson(event) + "\n").getBytes(StandardCharsets.UTF_8);
    assertThat(JsonLineWriter.toUtf8Line(event)).isEqualTo(expected);
  }

  private static void assertReadsBack(JsonNode v, Field<?> field, Object value) {
    switch (field.kind()) {
      case STRING:
        assertThat(v.textValue()).isEqualTo(value);
        break;
      case LONG:
        assertThat(v.longValue()).isEqualTo(value);
        break;
      case BOOLEAN:
        assertThat(v.booleanValue()).isEqualTo(value);
        break;
      case STRINGS:
        List<String> items = new ArrayList<>();
        v.forEach(n -> items.add(n.textValue()));
        assertThat(items).isEqualTo(value);
        break;
      case TIME:
        assertThat(v.textValue()).isEqualTo(Timestamps.format((Instant) value));
        break;
      case CODE:
        assertThat(v.textValue()).isEqualTo(((Coded) value).code());
        break;
      default:
        throw new AssertionError(field.kind());
    }
  }

  @Provide
  Arbitrary<IdentityEvent> events() {
    List<Arbitrary<Object>> perField = new ArrayList<>();
    for (Field<?> f : Fields.ALL) {
      Arbitrary<Object> a = valueOf(f);
      perField.add(REQUIRED.contains(f.key()) ? a : a.injectNull(0.4));
    }
    Arbitrary<List<Object>> values = Combinators.combine(perField).as(list -> list);
    Arbitrary<Map<String, String>> claims =
        Arbitraries.maps(anyString().ofMaxLength(20), freeText()).ofMaxSize(4);
    return Combinators.combine(values, claims)
        .as(
            (vs, cs) -> {
              IdentityEvent.Builder b = IdentityEvent.builder();
              for (int i = 0; i < vs.size(); i++) {
                set(b, Fields.ALL.get(i), vs.get(i));
              }
              cs.forEach(b::claim);
              return b.build();
            })
        // A required string made only of removable input would be absent; such events are not
        // what an adapter emits, so they are not part of this property.
        .filter(e -> REQUIRED.stream().allMatch(k -> e.has(Fields.byKey(k))));
  }

  @SuppressWarnings("unchecked")
  private static <T> void set(IdentityEvent.Builder b, Field<T> field, Object value) {
    b.set(field, (T) value);
  }

  private static StringArbitrary anyString() {
    return Arbitraries.strings().all();
  }

  private static Arbitrary<String> freeText() {
    // A value that is one unpaired high surrogate is left out: the event model currently keeps it
    // as an empty string (see JsonLineWriterTest#loneHighSurrogateValueIsNotAnEmptyString).
    return Arbitraries.frequencyOf(
            Tuple.of(6, anyString().ofMinLength(1).ofMaxLength(40)),
            Tuple.of(
                3,
                Arbitraries.strings()
                    .withChars("\n\r\t\u0000\u007f\u0085\u2028\u2029\"\\/{}[]:,\ud800\udc00 a\u00e9")
                    .ofMinLength(1)
                    .ofMaxLength(30)),
            Tuple.of(1, anyString().ofMinLength(500).ofMaxLength(700)))
        .filter(s -> !(s.length() == 1 && Character.isHighSurrogate(s.charAt(0))));
  }

  private static Arbitrary<String> hex(String digits, int length) {
    return Arbitraries.strings().withChars(digits).ofLength(length).filter(s -> s.chars().anyMatch(c -> c != '0'));
  }

  private static Arbitrary<Object> valueOf(Field<?> f) {
    String key = f.key();
    switch (f.kind()) {
      case STRING:
        return stringFor(key).map(s -> s);
      case LONG:
        switch (key) {
          case "http.response.status_code":
            return Arbitraries.longs().between(100, 599).map(n -> n);
          case "server.port":
            return Arbitraries.longs().between(1, 65535).map(n -> n);
          case "identity.client.attempts":
          case "identity.message.delivery_count":
            return Arbitraries.longs().between(1, Long.MAX_VALUE).map(n -> n);
          default:
            return Arbitraries.longs().between(0, Long.MAX_VALUE).map(n -> n);
        }
      case BOOLEAN:
        return Arbitraries.of(true, false).map(b -> b);
      case STRINGS:
        switch (key) {
          case "identity.hygiene":
            return Arbitraries.of(
                    "token_long_lived", "token_no_expiry", "token_alg_none", "token_unbound",
                    "cert_long_lived", "cert_expiring", "cert_self_signed", "cert_weak_key",
                    "shared_secret")
                .list().ofMinSize(1).ofMaxSize(6).map(l -> l);
          case "identity.links":
            return Combinators.combine(hex("0123456789abcdef", 32), hex("0123456789abcdef", 16))
                .as((t, sp) -> t + "-" + sp)
                .list().ofMinSize(1).ofMaxSize(6).map(l -> l);
          default:
            return freeText().list().ofMinSize(1).ofMaxSize(6).map(l -> l);
        }
      case TIME:
        return Arbitraries.longs()
            .between(Instant.parse("0000-01-01T00:00:00Z").toEpochMilli(),
                Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli())
            .map(ms -> Instant.ofEpochMilli(ms));
      case CODE:
        return Arbitraries.of(codesFor(f)).map(c -> c);
      default:
        throw new AssertionError(f.kind());
    }
  }

  private static Arbitrary<String> stringFor(String key) {
    switch (key) {
      case "identity.schema":
        return Arbitraries.just(Fields.SCHEMA_VERSION);
      case "trace.id":
      case "identity.token.hash":
        return hex("0123456789abcdef", 32);
      case "span.id":
      case "span.parent.id":
        return hex("0123456789abcdef", 16);
      case "tls.client.hash.sha256":
      case "tls.server.hash.sha256":
        return hex("0123456789ABCDEF", 64);
      case "tls.client.x509.serial_number":
        return Arbitraries.bigIntegers()
            .between(java.math.BigInteger.ZERO, java.math.BigInteger.TWO.pow(159))
            .map(n -> n.toString(16).toUpperCase(java.util.Locale.ROOT));
      case "identity.workload.id":
        return Arbitraries.strings().alpha().numeric().withChars(".-_/").ofMinLength(1).ofMaxLength(60)
            .map(s -> "spiffe://" + (s.startsWith("/") ? "x" + s : s));
      case "url.full":
        return freeText().map(s -> s.replace('?', '_').replace('#', '_'));
      case "rpc.grpc.status_code":
        return Arbitraries.of(
            "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
            "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
            "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
            "UNAUTHENTICATED");
      default:
        return freeText();
    }
  }

  private static List<Object> codesFor(Field<?> f) {
    if (f.type() == Reason.class) {
      Phase phase;
      switch (f.key()) {
        case "identity.authn.reason":
          phase = Phase.AUTHN;
          break;
        case "identity.authz.reason":
          phase = Phase.AUTHZ;
          break;
        case "identity.dependency.reason":
          phase = Phase.DEPENDENCY;
          break;
        default:
          phase = null; // error.type: any reason
      }
      List<Object> out = new ArrayList<>();
      for (Reason r : Reason.values()) {
        if (r.inEvents() && (phase == null || r.phase() == phase)) {
          out.add(r);
        }
      }
      return out;
    }
    return Arrays.asList(f.type().getEnumConstants());
  }
}
