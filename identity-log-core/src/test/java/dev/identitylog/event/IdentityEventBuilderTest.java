package dev.identitylog.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.redact.Limits;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The builder's copy-avoidance never lets one event see another's changes. */
class IdentityEventBuilderTest {
  @Test
  void changingTheBuilderAfterBuildLeavesTheEventAsBuilt() {
    IdentityEvent.Builder b = IdentityEvent.builder().set(Fields.URL_PATH, "/a");
    IdentityEvent first = b.build();
    b.set(Fields.URL_PATH, "/b").set(Fields.SERVICE_NAME, "orders").claim("tenant", "acme");
    IdentityEvent second = b.build();
    b.remove(Fields.URL_PATH);

    assertThat(first.get(Fields.URL_PATH)).isEqualTo("/a");
    assertThat(first.has(Fields.SERVICE_NAME)).isFalse();
    assertThat(first.claims()).isEmpty();
    assertThat(second.get(Fields.URL_PATH)).isEqualTo("/b");
    assertThat(second.claims()).containsEntry("identity.token.claim.tenant", "acme");
    assertThat(b.build().has(Fields.URL_PATH)).isFalse();
    assertThat(second.get(Fields.URL_PATH)).isEqualTo("/b");
  }

  @Test
  void aRepeatedValueFoundCleanIsRememberedAndStillCutToEachBuildersLimit() {
    String subject = // a new instance, longer than the smallest limit
        "CN=alice-" + System.nanoTime() + ",OU=" + "x".repeat(80) + ",O=Example Customers";
    IdentityEvent first = IdentityEvent.builder().set(Fields.TLS_CLIENT_SUBJECT, subject).build();

    assertThat(first.get(Fields.TLS_CLIENT_SUBJECT)).isSameAs(subject);
    assertThat(Fields.TLS_CLIENT_SUBJECT.lastClean()).isSameAs(subject);
    // The same instance under a smaller limit is still cut: only its characters were remembered.
    IdentityEvent cut =
        IdentityEvent.builder(Limits.of(64, 32, 16 * 1024))
            .set(Fields.TLS_CLIENT_SUBJECT, subject)
            .build();
    assertThat(cut.get(Fields.TLS_CLIENT_SUBJECT)).hasSize(64).endsWith("\u2026");
    // A value that needed cleaning is not remembered; a per-request id is never remembered.
    IdentityEvent.builder().set(Fields.TLS_CLIENT_SUBJECT, "CN=bad\nline").build();
    assertThat(Fields.TLS_CLIENT_SUBJECT.lastClean()).isSameAs(subject);
    IdentityEvent.builder().set(Fields.SPAN_ID, "00f067aa0ba902b7").build();
    assertThat(Fields.SPAN_ID.lastClean()).isNull();
  }

  @Test
  void aListCleanedBeforeIsKeptNotRebuiltWhenItFitsTheLimits() {
    String longScope = "s".repeat(100);
    List<String> cleaned =
        IdentityEvent.builder().set(Fields.TOKEN_SCOPES, List.of(longScope, "write")).build()
            .get(Fields.TOKEN_SCOPES);
    IdentityEvent again = IdentityEvent.builder().set(Fields.TOKEN_SCOPES, cleaned).build();
    assertThat(again.get(Fields.TOKEN_SCOPES)).isSameAs(cleaned).containsExactly(longScope, "write");

    // Tighter limits than it was cleaned with: cut again, as any list would be.
    IdentityEvent tighter =
        IdentityEvent.builder(Limits.of(64, 1, 16 * 1024)).set(Fields.TOKEN_SCOPES, cleaned).build();
    assertThat(tighter.get(Fields.TOKEN_SCOPES)).containsExactly("s".repeat(63) + "\u2026");
  }

  @Test
  void cleanedListsAreUnmodifiable() {
    List<String> cleaned =
        IdentityEvent.builder().set(Fields.TOKEN_AUDIENCE, List.of("a")).build()
            .get(Fields.TOKEN_AUDIENCE);
    org.junit.jupiter.api.Assertions.assertThrows(
        UnsupportedOperationException.class, () -> cleaned.add("b"));
    org.junit.jupiter.api.Assertions.assertThrows(
        UnsupportedOperationException.class, () -> cleaned.set(0, "b"));
  }
}
