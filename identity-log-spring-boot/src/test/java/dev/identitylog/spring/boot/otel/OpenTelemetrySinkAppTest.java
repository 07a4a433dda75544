package dev.identitylog.spring.boot.otel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The OpenTelemetry sink under Spring Boot, with the OpenTelemetry API at the version Boot's
 * dependency management gives: the application's SDK gets one log record per event whose
 * EventName is {@code event.name}, and the server fields land on the SERVER span Boot's
 * observation made, whose ids the event carries.
 *
 * <p>Started with {@code SpringApplication} rather than {@code @SpringBootTest}, which switches
 * tracing off in tests.
 */
class OpenTelemetrySinkAppTest {
  private static ConfigurableApplicationContext app;

  @BeforeAll
  static void start() {
    app = new SpringApplicationBuilder(OpenTelemetryApp.class)
        .properties(
            "server.port=0",
            "server.address=127.0.0.1",
            "spring.application.name=orders",
            "management.tracing.sampling.probability=1.0")
        .run();
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void theApplicationsOpenTelemetryIsTheOneInUse() {
    assertThat(app.getBean(IdentityLog.class).openTelemetry()).isSameAs(app.getBean(OpenTelemetry.class));
  }

  @Test
  void eachEventIsALogRecordNamedAfterItAndItsFieldsAreOnTheServerSpan() throws Exception {
    String requestId = UUID.randomUUID().toString();
    int port = ((WebServerApplicationContext) app).getWebServer().getPort();
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello"))
            .header("X-Request-ID", requestId).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);

    LogRecordData record = await(() -> app.getBean(InMemoryLogRecordExporter.class).getFinishedLogRecordItems()
        .stream().filter(r -> requestId.equals(r.getAttributes().get(AttributeKey.stringKey("identity.request.id"))))
        .findFirst().orElse(null));
    assertThat(record.getEventName()).isEqualTo("identity.server");
    assertThat(record.getInstrumentationScopeInfo().getName()).isEqualTo("dev.identitylog");
    assertThat(record.getAttributes().get(AttributeKey.stringKey("service.name"))).isEqualTo("orders");
    assertThat(record.getAttributes().get(AttributeKey.stringKey("identity.trace.origin")))
        .as("the observation's span was current when the event started").isEqualTo("otel");
    String spanId = record.getAttributes().get(AttributeKey.stringKey("span.id"));
    String traceId = record.getAttributes().get(AttributeKey.stringKey("trace.id"));

    SpanData server = await(() -> app.getBean(InMemorySpanExporter.class).getFinishedSpanItems().stream()
        .filter(s -> s.getKind() == SpanKind.SERVER && s.getSpanId().equals(spanId))
        .findFirst().orElse(null));
    assertThat(server.getTraceId()).isEqualTo(traceId);
    assertThat(server.getAttributes().get(AttributeKey.stringKey("identity.request.id"))).isEqualTo(requestId);
    assertThat(server.getAttributes().get(AttributeKey.stringKey("event.outcome"))).isEqualTo("success");
    assertThat(server.getAttributes().get(AttributeKey.stringKey("identity.hop.layer"))).isEqualTo("backend");
    assertThat(record.getSpanContext().getSpanId()).as("the record is linked to the span").isEqualTo(spanId);
    List<LogRecordData> all = app.getBean(InMemoryLogRecordExporter.class).getFinishedLogRecordItems();
    assertThat(all.stream().filter(r -> requestId.equals(r.getAttributes().get(AttributeKey.stringKey("identity.request.id")))))
        .as("one record per event").hasSize(1);
  }

  private static <T> T await(Supplier<T> probe) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      T found = probe.get();
      if (found != null) {
        return found;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("not exported within 10 s");
  }
}
