package dev.identitylog.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.identitylog.IdentityLog;
import dev.identitylog.testing.CollectingSink;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client instrumented once (by a container, e.g. Spring Boot's auto-configuration) and then
 * again by the application ({@code newCallFactory}) writes one event per call, not two.
 */
class InstrumentTwiceTest {
  private HttpServer callee;

  @BeforeEach
  void start() throws Exception {
    callee = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    callee.createContext("/", exchange -> {
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    callee.start();
  }

  @AfterEach
  void stop() {
    callee.stop(0);
  }

  @Test
  void aClientInstrumentedTwiceLogsEachCallOnce() throws Exception {
    CollectingSink sink = new CollectingSink();
    IdentityLog log = IdentityLog.builder().serviceName("caller").addSink(sink).build();
    IdentityLogOkHttp okHttp = IdentityLogOkHttp.create(log);
    OkHttpClient once = okHttp.newClient(new OkHttpClient());
    Call.Factory twice = okHttp.newCallFactory(once);
    OkHttpClient thrice = okHttp.newClient(okHttp.newClient(once));
    assertThat(thrice.interceptors()).hasSize(1);
    assertThat(thrice.networkInterceptors()).hasSize(1);

    String url = "http://127.0.0.1:" + callee.getAddress().getPort() + "/inventory";
    try (Response response = twice.newCall(new Request.Builder().url(url).build()).execute()) {
      assertThat(response.code()).isEqualTo(204);
    }
    assertThat(sink.events()).hasSize(1);
  }
}
