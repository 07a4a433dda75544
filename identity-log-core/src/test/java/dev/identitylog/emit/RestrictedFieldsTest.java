package dev.identitylog.emit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitylog.IdentityLog;
import dev.identitylog.event.Field;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.redact.Limits;
import dev.identitylog.testing.CollectingSink;
import dev.identitylog.testing.EventSchema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class RestrictedFieldsTest {
  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final Limits LIMITS = Limits.defaults();

  /** Every restricted key of SPEC section 7 as this test reads the standard, claims apart. */
  private static final Set<String> RESTRICTED_KEYS = Set.of(
      "client.address",
      "tls.client.subject",
      "tls.client.issuer",
      "tls.client.x509.alternative_names",
      "tls.server.subject",
      "identity.token.issuer",
      "identity.token.subject",
      "identity.token.client_id",
      "identity.token.actor_chain");

  private final RestrictedFields restricted =
      RestrictedFields.toSink(EventSinks.noop()).pseudonymKey(KEY).build();

  @Test
  void theRestrictedListIsTheStandardsList() {
    Set<String> keys = new HashSet<>();
    for (Field<?> f : RestrictedFields.restrictedFields()) {
      keys.add(f.key());
    }
    assertThat(keys).isEqualTo(RESTRICTED_KEYS);
    assertThat(RestrictedFields.isRestricted("identity.token.claim.tenant")).isTrue();
    // Decided in the README: the SPEC's list does not name them, and the schema's pattern for
    // the workload id would reject a pseudonym.
    assertThat(RestrictedFields.isRestricted("identity.workload.id")).isFalse();
    assertThat(RestrictedFields.isRestricted("identity.cert.forwarded_by")).isFalse();
    assertThat(RestrictedFields.isRestricted("network.peer.address")).isFalse();
  }

  @Test
  void theGeneralViewPseudonymisesEveryRestrictedFieldAndKeepsEveryOther() {
    IdentityEvent full = TestEvents.full();
    IdentityEvent general = restricted.generalView(full, LIMITS);

    for (Field<?> f : Fields.ALL) {
      Object original = full.get(f);
      assertThat(original).as("the fixture sets %s", f).isNotNull();
      if (RESTRICTED_KEYS.contains(f.key())) {
        assertThat((Object) general.get(f)).as(f.key()).isEqualTo(expectedPseudonyms(original));
      } else {
        assertThat((Object) general.get(f)).as(f.key()).isEqualTo(original);
      }
    }
    assertThat(general.claims())
        .containsExactly(Map.entry("identity.token.claim.tenant", hmac("acme")));
  }

  @Test
  void theGeneralLineHoldsNoRestrictedValueAndStaysSchemaValid() {
    IdentityEvent full = TestEvents.full();
    String line = JsonLineWriter.toJson(restricted.generalView(full, LIMITS));
    for (String value : restrictedValues(full)) {
      if (value.equals(full.get(Fields.WORKLOAD_ID))) {
        continue; // the SAN that is also the workload id: general by the SPEC's list
      }
      assertThat(line).as("raw %s", value).doesNotContain(value);
    }
    assertThat(EventSchema.validate(line)).isEmpty();
  }

  @Test
  void theRestrictedViewHoldsTheJoinKeysAndTheRestrictedValuesOnly() {
    IdentityEvent full = TestEvents.full();
    IdentityEvent view = restricted.restrictedView(full, LIMITS);
    Set<String> expected = new HashSet<>(RESTRICTED_KEYS);
    expected.addAll(Set.of("timestamp", "event.name", "identity.schema", "service.name",
        "trace.id", "span.id", "identity.request.id", "event.outcome",
        "tls.client.hash.sha256", "tls.server.hash.sha256", "identity.token.hash"));
    Set<String> present = new HashSet<>();
    for (Field<?> f : Fields.ALL) {
      if (view.has(f)) {
        present.add(f.key());
        assertThat((Object) view.get(f)).as(f.key()).isEqualTo(full.get(f));
      }
    }
    assertThat(present).isEqualTo(expected);
    assertThat(view.claims()).isEqualTo(full.claims());
    assertThat(EventSchema.validate(JsonLineWriter.toJson(view))).isEmpty();
  }

  @Test
  void anEventWithoutRestrictedValuesIsWrittenAsItIsAndStillGetsItsPartner() {
    IdentityEvent plain = TestEvents.ok().toBuilder().build();
    IdentityEvent noClaims = IdentityEvent.builder().set(Fields.TRACE_ID, TestEvents.TRACE_ID)
        .set(Fields.SPAN_ID, "00f067aa0ba902b7").set(Fields.REQUEST_ID, "req-1")
        .set(Fields.URL_PATH, "/health").build();
    assertThat(restricted.generalView(noClaims, LIMITS)).isSameAs(noClaims);
    IdentityEvent partner = restricted.restrictedView(noClaims, LIMITS);
    assertThat(JsonLineWriter.toJson(partner)).isEqualTo(
        "{\"trace.id\":\"" + TestEvents.TRACE_ID
            + "\",\"span.id\":\"00f067aa0ba902b7\",\"identity.request.id\":\"req-1\"}");
    // A claim alone is restricted.
    assertThat(restricted.generalView(plain, LIMITS).claims().get("identity.token.claim.tenant"))
        .isEqualTo(hmac("acme"));
  }

  @Test
  void pseudonymsAreStableKeyedCompactAndRecognisable() {
    RestrictedFields sameKey = RestrictedFields.toLogger("other").pseudonymKey(KEY.clone()).build();
    byte[] otherKey = KEY.clone();
    otherKey[0] ^= 1;
    RestrictedFields differentKey =
        RestrictedFields.toSink(EventSinks.noop()).pseudonymKey(otherKey).build();

    String p = restricted.pseudonym("CN=alice,O=Example");
    assertThat(p).matches("hmac:[A-Za-z0-9_-]{22}").isEqualTo(hmac("CN=alice,O=Example"));
    assertThat(restricted.pseudonym("CN=alice,O=Example")).isEqualTo(p);
    assertThat(sameKey.pseudonym("CN=alice,O=Example")).isEqualTo(p);
    assertThat(differentKey.pseudonym("CN=alice,O=Example")).isNotEqualTo(p);
    assertThat(restricted.pseudonym("CN=alice,O=Example ")).isNotEqualTo(p);
    // Unkeyed SHA-256 of the value would let anyone test guesses: not what we write.
    assertThat(p).isNotEqualTo(unkeyed("CN=alice,O=Example"));
    // The same value in two events, and in two fields, gets one pseudonym: analysts can count.
    IdentityEvent a = TestEvents.full();
    IdentityEvent b = a.toBuilder().set(Fields.REQUEST_ID, "other").build();
    assertThat(restricted.generalView(a, LIMITS).get(Fields.TOKEN_SUBJECT))
        .isEqualTo(restricted.generalView(b, LIMITS).get(Fields.TOKEN_SUBJECT));
  }

  @Test
  void aValueShapedLikeAPseudonymIsPseudonymisedToo() {
    String forged = restricted.pseudonym("alice");
    IdentityEvent e = TestEvents.ok().toBuilder().set(Fields.TOKEN_SUBJECT, forged).build();
    assertThat(restricted.generalView(e, LIMITS).get(Fields.TOKEN_SUBJECT))
        .isNotEqualTo(forged)
        .isEqualTo(hmac(forged));
  }

  @Test
  void valuesAreSanitisedAndTruncatedInBothViews() {
    String raw = "CN=eve\n{\"injected\":true}" + "x".repeat(600);
    IdentityEvent e = TestEvents.ok().toBuilder().set(Fields.TLS_CLIENT_SUBJECT, raw).build();
    String held = e.get(Fields.TLS_CLIENT_SUBJECT);
    assertThat(held).hasSize(Limits.DEFAULT_MAX_STRING_LENGTH).doesNotContain("\n");

    IdentityEvent view = restricted.restrictedView(e, LIMITS);
    assertThat(view.get(Fields.TLS_CLIENT_SUBJECT)).isEqualTo(held);
    assertThat(JsonLineWriter.toJson(view)).doesNotContain("\n");
    assertThat(restricted.generalView(e, LIMITS).get(Fields.TLS_CLIENT_SUBJECT))
        .isEqualTo(hmac(held));
  }

  @Test
  void disabledByDefaultEveryEventIsEmittedAsItIs() {
    CollectingSink sink = new CollectingSink();
    IdentityLog log = IdentityLog.builder().addSink(sink).build();
    IdentityEvent full = TestEvents.full();
    log.sink().emit(full);
    assertThat(JsonLineWriter.toJson(sink.single())).isEqualTo(JsonLineWriter.toJson(full));
  }

  @Test
  void enabledTheConfiguredSinksGetTheGeneralViewAndTheDestinationTheRestrictedOne() {
    CollectingSink general = new CollectingSink();
    CollectingSink other = new CollectingSink();
    CollectingSink restrictedSink = new CollectingSink();
    IdentityLog log = IdentityLog.builder()
        .addSink(general)
        .addSink(other)
        .restrictedFields(RestrictedFields.toSink(restrictedSink).pseudonymKey(KEY).build())
        .build();
    IdentityEvent full = TestEvents.full();
    log.sink().emit(full);

    assertThat(general.single()).isEqualTo(restricted.generalView(full, LIMITS));
    assertThat(other.single()).isEqualTo(restricted.generalView(full, LIMITS));
    assertThat(restrictedSink.single()).isEqualTo(restricted.restrictedView(full, LIMITS));
    assertThat(log.droppedEvents()).isZero();
  }

  @Test
  void aFailingRestrictedDestinationIsCountedAndTheGeneralStreamGoesOn() {
    CollectingSink general = new CollectingSink();
    IdentityLog log = IdentityLog.builder()
        .addSink(general)
        .restrictedFields(RestrictedFields.toSink(e -> {
          throw new IllegalStateException("disk full");
        }).pseudonymKey(KEY).build())
        .build();
    log.sink().emit(TestEvents.full());
    log.sink().emit(TestEvents.denied());
    assertThat(general.events()).hasSize(2);
    assertThat(log.droppedEvents()).isEqualTo(2);
  }

  @Test
  void asynchronousEmissionSplitsToo() {
    CollectingSink general = new CollectingSink();
    CollectingSink restrictedSink = new CollectingSink();
    IdentityLog log = IdentityLog.builder()
        .addSink(general)
        .emitAsynchronously(16)
        .restrictedFields(RestrictedFields.toSink(restrictedSink).pseudonymKey(KEY).build())
        .build();
    log.sink().emit(TestEvents.full());
    IdentityEvent g = general.awaitEvents(1, java.time.Duration.ofSeconds(5)).get(0);
    IdentityEvent r = restrictedSink.awaitEvents(1, java.time.Duration.ofSeconds(5)).get(0);
    assertThat(g.get(Fields.TOKEN_SUBJECT)).isEqualTo(hmac("user-42"));
    assertThat(r.get(Fields.TOKEN_SUBJECT)).isEqualTo("user-42");
  }

  @Test
  void configurationMistakesAreRefusedAtBuildTime() {
    assertThatThrownBy(() -> RestrictedFields.toLogger("identity.events"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RestrictedFields.toLogger(" "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RestrictedFields.toLogger("r").build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> RestrictedFields.toLogger("r").pseudonymKey(new byte[15]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("0, 0");
    assertThat(restricted.toString()).doesNotContain("0123456789abcdef");
  }

  @Test
  void theKeyIsCopied() {
    byte[] key = KEY.clone();
    RestrictedFields r = RestrictedFields.toSink(EventSinks.noop()).pseudonymKey(key).build();
    key[0] ^= 1;
    assertThat(r.pseudonym("alice")).isEqualTo(hmac("alice"));
  }

  // Expected values are computed here with the JDK's Mac, never by the code under test.

  private static Object expectedPseudonyms(Object value) {
    if (value instanceof List) {
      List<String> out = new ArrayList<>();
      for (Object o : (List<?>) value) {
        out.add(hmac((String) o));
      }
      return out;
    }
    return hmac((String) value);
  }

  private static List<String> restrictedValues(IdentityEvent e) {
    List<String> out = new ArrayList<>();
    for (Field<?> f : RestrictedFields.restrictedFields()) {
      Object v = e.get(f);
      if (v instanceof List) {
        for (Object o : (List<?>) v) {
          out.add((String) o);
        }
      } else if (v != null) {
        out.add((String) v);
      }
    }
    out.addAll(e.claims().values());
    return out;
  }

  static String hmac(String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
      byte[] d = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
      return "hmac:" + Base64.getUrlEncoder().withoutPadding()
          .encodeToString(java.util.Arrays.copyOf(d, 16));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String unkeyed(String value) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256")
          .digest(value.getBytes(StandardCharsets.UTF_8));
      return "hmac:" + Base64.getUrlEncoder().withoutPadding()
          .encodeToString(java.util.Arrays.copyOf(d, 16));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
