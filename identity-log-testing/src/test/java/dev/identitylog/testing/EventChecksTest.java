package dev.identitylog.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitylog.event.EventName;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checks every contract case ends with must be able to fail: a suite that cannot is useless. */
class EventChecksTest {
  private static IdentityEvent event(String path) {
    return withoutOutcome(path).set(Fields.EVENT_OUTCOME, EventOutcome.SUCCESS).build();
  }

  private static IdentityEvent.Builder withoutOutcome(String path) {
    return IdentityEvent.builder()
        .set(Fields.TIMESTAMP, Instant.parse("2026-11-28T09:00:00.123Z"))
        .set(Fields.EVENT_NAME, EventName.SERVER)
        .set(Fields.SCHEMA, Fields.SCHEMA_VERSION)
        .set(Fields.SERVICE_NAME, "orders")
        .set(Fields.TRACE_ID, "4bf92f3577b34da6a3ce929d0e0e4736")
        .set(Fields.SPAN_ID, "00f067aa0ba902b7")
        .set(Fields.REQUEST_ID, "req-1")
        .set(Fields.URL_PATH, path);
  }

  @Test
  void aPlantedSecretInAnyFieldFailsAndIsNotShown() {
    String secret = "3F2A9C0D41B7E6A5C8D9";
    IdentityEvent leaky = event("/orders;jsessionid=" + secret);

    assertThatThrownBy(() -> EventChecks.assertNoSecret(leaky, List.of(secret)))
        .isInstanceOf(AssertionError.class)
        .hasMessageNotContaining(secret)
        .hasMessageContaining("<planted secret>");
    EventChecks.assertNoSecret(event("/orders"), List.of(secret));
  }

  @Test
  void anEventIsCheckedAgainstTheSchemaOfItsVersion() {
    EventChecks.assertSchemaValid(event("/orders"));
    IdentityEvent incomplete = withoutOutcome("/orders").build(); // event.outcome is required
    assertThatThrownBy(() -> EventChecks.assertSchemaValid(incomplete))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("event.outcome");
  }

  @Test
  void theTokenHashIsTheFirstSixteenBytesOfSha256() {
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    assertThat(EventChecks.tokenHash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223");
  }

  @Test
  void routesAreReadFromThePathWithoutItsParameters() {
    assertThat(HttpServerAdapterContract.routeOf("/contract/challenge;jsessionid=X"))
        .isEqualTo(ServerAdapterContract.Route.CHALLENGE);
    assertThat(HttpServerAdapterContract.routeOf("/contract/nope")).isNull();
    assertThat(HttpServerAdapterContract.routeOf("/other/ok")).isNull();
  }
}
