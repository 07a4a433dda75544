package dev.identitylog.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.identitylog.IdentityLog;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.grpc.GrpcIdentityLog;
import dev.identitylog.okhttp.IdentityLogOkHttp;
import dev.identitylog.testing.CollectingSink;
import io.grpc.ClientInterceptor;
import io.grpc.ServerInterceptor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The OkHttp and gRPC parts of the auto-configuration: each condition, on and off. */
class ClientAdaptersAutoConfigurationTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  IdentityLogAutoConfiguration.class,
                  IdentityLogOkHttpAutoConfiguration.class,
                  IdentityLogGrpcAutoConfiguration.class));

  @Test
  void okHttpClientBeansGetTheInterceptorsAndTheirCallsAnEvent() throws Exception {
    HttpServer callee = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    callee.createContext("/inventory", exchange -> {
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    callee.start();
    try {
      runner
          .withBean(CollectingSink.class, CollectingSink::new)
          .withBean(OkHttpClient.class, OkHttpClient::new)
          .run(context -> {
            assertThat(context).hasSingleBean(IdentityLogOkHttp.class);
            OkHttpClient client = context.getBean(OkHttpClient.class);
            assertThat(client.interceptors()).hasSize(1);
            assertThat(client.networkInterceptors()).hasSize(1);
            String url = "http://127.0.0.1:" + callee.getAddress().getPort() + "/inventory?sku=1";
            try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
              assertThat(response.code()).isEqualTo(204);
            }
            // The bean through the adapter's call factory (for enqueue): still one event per call.
            okhttp3.Call.Factory calls = context.getBean(IdentityLogOkHttp.class).newCallFactory(client);
            try (Response response = calls.newCall(new Request.Builder().url(url).build()).execute()) {
              assertThat(response.code()).isEqualTo(204);
            }
            List<IdentityEvent> events = context.getBean(CollectingSink.class).events();
            assertThat(events).hasSize(2);
            assertThat(events.get(0).get(Fields.EVENT_NAME)).isEqualTo(EventName.CLIENT);
            assertThat(events.get(0).get(Fields.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(204L);
          });
    } finally {
      callee.stop(0);
    }
  }

  @Test
  void aClientTheApplicationInstrumentedItselfIsLeftAlone() {
    runner
        .withBean(
            OkHttpClient.class,
            () -> IdentityLogOkHttp.create(IdentityLog.builder().build()).newClient(new OkHttpClient()))
        .run(context -> {
          OkHttpClient client = context.getBean(OkHttpClient.class);
          assertThat(client.interceptors()).as("not instrumented twice").hasSize(1);
          assertThat(client.networkInterceptors()).hasSize(1);
        });
  }

  @Test
  void okHttpOffWithThePropertyOrWithoutOkHttpOrTheAdapter() {
    runner.withPropertyValues("identity-log.okhttp.enabled=false")
        .withBean(OkHttpClient.class, OkHttpClient::new)
        .run(context -> {
          assertThat(context).doesNotHaveBean(IdentityLogOkHttp.class);
          assertThat(context.getBean(OkHttpClient.class).interceptors()).isEmpty();
        });
    runner.withClassLoader(new FilteredClassLoader(OkHttpClient.class))
        .run(context -> assertThat(context).hasSingleBean(IdentityLog.class).doesNotHaveBean(IdentityLogOkHttp.class));
    runner.withClassLoader(new FilteredClassLoader(IdentityLogOkHttp.class))
        .run(context -> assertThat(context).hasSingleBean(IdentityLog.class).doesNotHaveBean("identityLogOkHttp"));
    runner.withPropertyValues("identity-log.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(IdentityLogOkHttp.class));
  }

  @Test
  void theApplicationsOwnOkHttpAdapterWins() {
    IdentityLogOkHttp own = IdentityLogOkHttp.builder(IdentityLog.builder().build()).propagate(false).build();
    runner.withBean(IdentityLogOkHttp.class, () -> own)
        .run(context -> assertThat(context.getBean(IdentityLogOkHttp.class)).isSameAs(own));
  }

  @Test
  void grpcInterceptorBeans() {
    runner.run(context -> {
      assertThat(context).hasSingleBean(GrpcIdentityLog.class);
      assertThat(context.getBean("identityLogServerInterceptor", ServerInterceptor.class).getClass().getName())
          .startsWith("dev.identitylog.grpc.");
      assertThat(context.getBean("identityLogClientInterceptor", ClientInterceptor.class).getClass().getName())
          .startsWith("dev.identitylog.grpc.");
    });
  }

  @Test
  void grpcOffWithThePropertyOrWithoutGrpcOrTheAdapter() {
    runner.withPropertyValues("identity-log.grpc.enabled=false").run(context -> {
      assertThat(context).doesNotHaveBean(GrpcIdentityLog.class);
      assertThat(context).doesNotHaveBean(ServerInterceptor.class).doesNotHaveBean(ClientInterceptor.class);
    });
    runner.withClassLoader(new FilteredClassLoader(ServerInterceptor.class)).run(context ->
        assertThat(context).hasSingleBean(IdentityLog.class)
            .doesNotHaveBean("identityLogGrpc").doesNotHaveBean("identityLogServerInterceptor"));
    runner.withClassLoader(new FilteredClassLoader(GrpcIdentityLog.class)).run(context ->
        assertThat(context).hasSingleBean(IdentityLog.class)
            .doesNotHaveBean("identityLogGrpc").doesNotHaveBean("identityLogClientInterceptor"));
  }

  @Test
  void theApplicationsOwnGrpcBeansWin() {
    GrpcIdentityLog own = GrpcIdentityLog.builder(IdentityLog.builder().build()).propagate(false).build();
    ServerInterceptor server = own.newServerInterceptor();
    runner.withBean(GrpcIdentityLog.class, () -> own)
        .withBean("identityLogServerInterceptor", ServerInterceptor.class, () -> server)
        .run(context -> {
          assertThat(context.getBean(GrpcIdentityLog.class)).isSameAs(own);
          assertThat(context.getBean(ServerInterceptor.class)).isSameAs(server);
          assertThat(context).hasSingleBean(ClientInterceptor.class);
        });
  }
}
