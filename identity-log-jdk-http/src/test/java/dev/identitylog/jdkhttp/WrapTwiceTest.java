package dev.identitylog.jdkhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import java.net.http.HttpClient;
import org.junit.jupiter.api.Test;

class WrapTwiceTest {
  @Test
  void anInstrumentedClientIsNotWrappedAgain() {
    IdentityLog log = IdentityLog.builder().serviceName("wrap-twice").build();
    IdentityLogHttpClient jdk = IdentityLogHttpClient.create(log);
    HttpClient once = jdk.wrap(HttpClient.newHttpClient());
    assertThat(jdk.wrap(once)).isSameAs(once);
    assertThat(IdentityLogHttpClient.create(log).wrap(once)).isSameAs(once);
  }
}
