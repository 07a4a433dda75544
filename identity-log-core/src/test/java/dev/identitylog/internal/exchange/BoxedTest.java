package dev.identitylog.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.testing.CollectingSink;
import org.junit.jupiter.api.Test;

/** A status or port above 127 is not boxed anew for every request; its value is unchanged. */
class BoxedTest {
  private final IdentityLog log =
      IdentityLog.builder().serviceName("orders").addSink(new CollectingSink()).build();

  private IdentityEvent request(int status) {
    return ServerExchange.start(log, new FakeInboundRequest()).finishHttp(status, null, null);
  }

  @Test
  void statusAndPortAreBoxedOnce() {
    IdentityEvent first = request(200);
    IdentityEvent second = request(200);

    assertThat(second.get(Fields.HTTP_RESPONSE_STATUS_CODE))
        .isEqualTo(200L)
        .isSameAs(first.get(Fields.HTTP_RESPONSE_STATUS_CODE));
    assertThat(second.get(Fields.SERVER_PORT))
        .isEqualTo(8443L)
        .isSameAs(first.get(Fields.SERVER_PORT));
  }

  @Test
  void valuesOutsideTheTablesAreStillWritten() {
    assertThat(Boxed.status(599)).isEqualTo(599L);
    assertThat(Boxed.status(42)).isEqualTo(42L);
    assertThat(Boxed.status(1000)).isEqualTo(1000L);
    assertThat(Boxed.port(0)).isNull();
    assertThat(Boxed.port(-1)).isNull();
    assertThat(Boxed.port(8080)).isEqualTo(8080L);
    assertThat(Boxed.port(8081)).isEqualTo(8081L);
    assertThat(Boxed.port(8080)).isEqualTo(8080L);
  }
}
