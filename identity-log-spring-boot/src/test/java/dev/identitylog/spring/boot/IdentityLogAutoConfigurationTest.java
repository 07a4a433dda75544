package dev.identitylog.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.RequestIdentity;
import dev.identitylog.event.Fields;
import dev.identitylog.event.HopLayer;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.context.Scope;
import dev.identitylog.handler.ServerHandler;
import dev.identitylog.protocol.HttpServerRequest;
import dev.identitylog.protocol.HttpServerResponse;
import dev.identitylog.protocol.ServerRecord;
import dev.identitylog.servlet.IdentityLogFilter;
import dev.identitylog.testing.CollectingSink;
import dev.identitylog.testing.TestPki;
import dev.identitylog.testing.TestTokens;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.servlet.DispatcherType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.task.TaskDecorator;
import org.springframework.security.authorization.AuthorizationEventPublisher;

class IdentityLogAutoConfigurationTest {
  private static final AutoConfigurations BOTH =
      AutoConfigurations.of(IdentityLogAutoConfiguration.class, IdentityLogSecurityAutoConfiguration.class);

  private final WebApplicationContextRunner web = new WebApplicationContextRunner().withConfiguration(BOTH);

  @TempDir Path dir;

  @Test
  void defaultsRegisterEverything() {
    web.withPropertyValues("spring.application.name=orders").run(context -> {
      assertThat(context).hasSingleBean(IdentityLog.class);
      IdentityLog log = context.getBean(IdentityLog.class);
      assertThat(log.serviceName()).isEqualTo("orders");
      assertThat(log.hopLayer()).isEqualTo(HopLayer.BACKEND);
      assertThat(log.requestIdHeader()).isEqualTo("X-Request-ID");

      FilterRegistrationBean<?> filter = context.getBean("identityLogFilter", FilterRegistrationBean.class);
      assertThat(filter.getFilter()).isInstanceOf(IdentityLogFilter.class);
      assertThat(filter.getOrder())
          .isEqualTo(Ordered.HIGHEST_PRECEDENCE + 10)
          .as("inside ServerHttpObservationFilter").isGreaterThan(Ordered.HIGHEST_PRECEDENCE + 1)
          .as("before Spring Security's chain").isLessThan(-100);
      assertThat(filter.isAsyncSupported()).isTrue();
      assertThat(filter.determineDispatcherTypes())
          .containsExactlyInAnyOrder(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);

      assertThat(context).hasSingleBean(TaskDecorator.class);
      assertThat(context).hasSingleBean(SecurityDecisionRecorder.class);
      assertThat(context).hasBean("identityLogRestClientCustomizer").hasBean("identityLogRestTemplateCustomizer");
      // Closed with the context whenever IdentityLog has a close() (Spring's inferred destroy method).
      AbstractBeanDefinition definition =
          (AbstractBeanDefinition) context.getBeanFactory().getBeanDefinition("identityLog");
      assertThat(definition.getDestroyMethodNames()).containsExactly(AbstractBeanDefinition.INFER_METHOD);
      assertThat(context.getBean(AuthorizationEventPublisher.class))
          .isInstanceOf(RecordingAuthorizationEventPublisher.class);
    });
  }

  @Test
  void withoutAnApplicationNameTheLibraryDefaultStays() {
    web.run(context -> assertThat(context.getBean(IdentityLog.class).serviceName()).isEqualTo("unknown_service"));
  }

  @Test
  void serviceNamePropertyWinsOverTheApplicationName() {
    web.withPropertyValues("spring.application.name=orders", "identity-log.service-name=orders-edge")
        .run(context -> assertThat(context.getBean(IdentityLog.class).serviceName()).isEqualTo("orders-edge"));
  }

  @Test
  void everythingOff() {
    web.withPropertyValues("identity-log.enabled=false").run(context -> {
      assertThat(context).doesNotHaveBean(IdentityLog.class);
      assertThat(context).doesNotHaveBean("identityLogFilter");
      assertThat(context).doesNotHaveBean(TaskDecorator.class);
      assertThat(context).doesNotHaveBean(SecurityDecisionRecorder.class);
      assertThat(context).doesNotHaveBean(AuthorizationEventPublisher.class);
    });
  }

  @Test
  void eachFeatureSwitchesOffAlone() {
    web.withPropertyValues("identity-log.filter.enabled=false").run(context -> {
      assertThat(context).hasSingleBean(IdentityLog.class);
      assertThat(context).doesNotHaveBean("identityLogFilter");
      assertThat(context).hasSingleBean(TaskDecorator.class);
    });
    web.withPropertyValues("identity-log.task-decorator.enabled=false").run(context -> {
      assertThat(context).doesNotHaveBean(TaskDecorator.class);
      assertThat(context).hasBean("identityLogFilter");
    });
    web.withPropertyValues("identity-log.security.enabled=false").run(context -> {
      assertThat(context).doesNotHaveBean(SecurityDecisionRecorder.class);
      assertThat(context).doesNotHaveBean(AuthorizationEventPublisher.class);
      assertThat(context).hasBean("identityLogFilter");
    });
    web.withPropertyValues("identity-log.rest-client.enabled=false").run(context -> {
      assertThat(context).doesNotHaveBean("identityLogRestClientCustomizer");
      assertThat(context).doesNotHaveBean("identityLogRestTemplateCustomizer");
      assertThat(context).hasBean("identityLogFilter");
    });
    web.withPropertyValues("identity-log.open-telemetry.enabled=false")
        .withBean(OpenTelemetry.class, OpenTelemetry::noop)
        .run(context -> assertThat(context.getBean(IdentityLog.class).openTelemetry()).isNull());
  }

  @Test
  void theApplicationsOpenTelemetryIsUsed() {
    OpenTelemetry otel = OpenTelemetry.noop();
    web.withBean(OpenTelemetry.class, () -> otel)
        .run(context -> assertThat(context.getBean(IdentityLog.class).openTelemetry()).isSameAs(otel));
  }

  @Test
  void applicationBeansWin() {
    IdentityLog own = IdentityLog.builder().serviceName("own").build();
    TaskDecorator decorator = r -> r;
    AuthorizationEventPublisher publisher = new AuthorizationEventPublisher() {
      @Override
      public <T> void publishAuthorizationEvent(
          java.util.function.Supplier<org.springframework.security.core.Authentication> a,
          T object,
          org.springframework.security.authorization.AuthorizationResult result) {}
    };
    web.withBean(IdentityLog.class, () -> own)
        .withBean(TaskDecorator.class, () -> decorator)
        .withBean(AuthorizationEventPublisher.class, () -> publisher)
        .run(context -> {
          assertThat(context.getBean(IdentityLog.class)).isSameAs(own);
          assertThat(context.getBean(TaskDecorator.class)).isSameAs(decorator);
          assertThat(context.getBean(AuthorizationEventPublisher.class)).isSameAs(publisher);
          // Denials published by the application's publisher are still recorded, by the listener.
          assertThat(context).hasSingleBean(SecurityDecisionRecorder.class);
          FilterRegistrationBean<?> filter = context.getBean("identityLogFilter", FilterRegistrationBean.class);
          assertThat(filter.getFilter().toString()).contains("service.name=own");
        });
  }

  @Test
  void anApplicationRegisteredFilterWins() {
    web.withUserConfiguration(OwnFilter.class)
        .run(context -> {
          assertThat(context).doesNotHaveBean("identityLogFilter");
          assertThat(context).hasBean("myFilter");
        });
  }

  @Test
  void notAServletApplication() {
    new ApplicationContextRunner().withConfiguration(BOTH).run(context -> {
      assertThat(context).hasSingleBean(IdentityLog.class);
      assertThat(context).doesNotHaveBean("identityLogFilter");
      assertThat(context).doesNotHaveBean(SecurityDecisionRecorder.class);
      assertThat(context).hasSingleBean(TaskDecorator.class);
    });
  }

  @Test
  void customizersHaveTheLastWord() {
    web.withPropertyValues("identity-log.service-name=from-properties")
        .withBean(IdentityLogBuilderCustomizer.class, () -> b -> b.serviceName("from-code"))
        .run(context -> assertThat(context.getBean(IdentityLog.class).serviceName()).isEqualTo("from-code"));
  }

  @Test
  void properties() {
    web.withPropertyValues(
            "identity-log.hop-layer=gateway",
            "identity-log.request-id-header=X-Correlation-ID",
            "identity-log.strict-forwarding=true",
            "identity-log.peer-certificates-verified=true",
            "identity-log.trusted-proxies=10.0.0.0/8,192.168.1.1",
            "identity-log.ssl-client-cert-header=X-SSL-Client-Cert",
            "identity-log.limits.max-string-length=100",
            "identity-log.limits.max-array-size=5",
            "identity-log.limits.max-header-bytes=2048",
            "identity-log.filter.order=5",
            "identity-log.async.enabled=true",
            "identity-log.async.queue-capacity=16")
        .run(context -> {
          IdentityLog log = context.getBean(IdentityLog.class);
          assertThat(log.hopLayer()).isEqualTo(HopLayer.GATEWAY);
          assertThat(log.requestIdHeader()).isEqualTo("X-Correlation-ID");
          assertThat(log.strictForwarding()).isTrue();
          assertThat(log.peerCertificatesVerified()).isTrue();
          assertThat(log.trustedProxies().trustsAddress("10.1.2.3")).isTrue();
          assertThat(log.trustedProxies().trustsAddress("192.168.1.1")).isTrue();
          assertThat(log.trustedProxies().trustsAddress("192.168.1.2")).isFalse();
          assertThat(log.sslClientCertHeader()).isEqualTo("X-SSL-Client-Cert");
          assertThat(log.limits().maxStringLength()).isEqualTo(100);
          assertThat(log.limits().maxArraySize()).isEqualTo(5);
          assertThat(log.limits().maxHeaderBytes()).isEqualTo(2048);
          assertThat(context.getBean("identityLogFilter", FilterRegistrationBean.class).getOrder()).isEqualTo(5);
        });
  }

  @Test
  void clientCertificateTrustAnchorsFromAPemResource() throws Exception {
    Path pem = dir.resolve("anchors.pem");
    Files.writeString(pem, TestPki.create("Anchor Root").rootPem(), StandardCharsets.US_ASCII);
    web.withPropertyValues("identity-log.client-cert.trust-anchors=" + pem.toUri())
        .run(context -> assertThat(context.getBean(IdentityLog.class).clientCertVerifier()).isNotNull());
    web.run(context -> assertThat(context.getBean(IdentityLog.class).clientCertVerifier()).isNull());
    Path empty = dir.resolve("empty.pem");
    Files.writeString(empty, "nothing here");
    web.withPropertyValues("identity-log.client-cert.trust-anchors=" + empty.toUri())
        .run(context -> assertThat(context).getFailure().hasMessageContaining("identity-log.client-cert.trust-anchors"));
  }

  @Test
  void keysMustBeHexAndLongEnoughAndAreNeverQuoted() {
    String secret = "not-hex-secret-value-zz";
    web.withPropertyValues("identity-log.token.hash-key=" + secret).run(context -> {
      assertThat(context).getFailure().hasMessageContaining("identity-log.token.hash-key");
      assertThat(stackText(context.getStartupFailure())).doesNotContain(secret);
    });
    web.withPropertyValues("identity-log.token.hash-key=0011").run(context ->
        assertThat(context).getFailure().hasMessageContaining("at least 16 bytes"));
    web.withPropertyValues("identity-log.restricted.enabled=true").run(context ->
        assertThat(context).getFailure().hasMessageContaining("identity-log.restricted.pseudonym-key is required"));
    web.withPropertyValues("identity-log.restricted.enabled=true",
            "identity-log.restricted.pseudonym-key=00112233445566778899aabbccddeeff")
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void tokenPropertiesAndEventSinkBeans() throws Exception {
    Path jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, TestTokens.jwkSet().toPublicJWKSet().toString());
    CollectingSink sink = new CollectingSink();
    String token = TestTokens.rs256().claim("tenant", "acme").sign();
    web.withPropertyValues(
            "identity-log.token.jwk-set=" + jwks.toUri(),
            "identity-log.token.allowed-claims=tenant",
            "identity-log.token.hash-key=00112233445566778899aabbccddeeff")
        .withBean(CollectingSink.class, () -> sink)
        .run(context -> {
          IdentityLog log = context.getBean(IdentityLog.class);
          ServerHandler handler = ServerHandler.create(log);
          ServerRecord exchange = handler.start(request("Bearer " + token));
          handler.finish(exchange, HttpServerResponse.of(200, null, null));
          IdentityEvent e = sink.awaitEvents(1, Duration.ofSeconds(5)).get(0);
          assertThat(e.get(Fields.TOKEN_VERIFIED)).isTrue();
          assertThat(e.claims()).containsEntry("identity.token.claim.tenant", "acme");
          String plain = IdentityLog.builder().build().tokenInspector().inspect(token).hash();
          assertThat(e.get(Fields.TOKEN_HASH)).as("keyed hash differs from plain SHA-256").isNotEqualTo(plain);
        });
  }

  @Test
  void unreadableJwkSetUriDoesNotStopTheApplication() {
    web.withPropertyValues("identity-log.token.jwk-set-uri=http://127.0.0.1:1/jwks.json")
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void taskDecoratorCarriesTheRequestsRecord() throws Exception {
    web.run(context -> {
      IdentityLog log = context.getBean(IdentityLog.class);
      TaskDecorator decorator = context.getBean(TaskDecorator.class);
      Runnable plain = () -> {};
      assertThat(decorator.decorate(plain)).as("outside a request: untouched").isSameAs(plain);

      ServerRecord exchange = ServerHandler.create(log).start(request(null));
      AtomicReference<String> seen = new AtomicReference<>();
      Runnable decorated;
      try (Scope ignored = exchange.makeCurrent()) {
        decorated = decorator.decorate(() -> seen.set(RequestIdentity.current().requestId()));
      }
      Thread worker = new Thread(decorated);
      worker.start();
      worker.join(5_000);
      assertThat(seen.get()).isNotNull().isEqualTo(exchange.requestId());
    });
  }

  @Test
  void taskDecoratorPutsTheRequestsIdsInTheWorkersMdc() throws Exception {
    web.run(context -> {
      IdentityLog log = context.getBean(IdentityLog.class);
      TaskDecorator decorator = context.getBean(TaskDecorator.class);
      ServerRecord exchange = ServerHandler.create(log).start(request(null));
      AtomicReference<String> requestId = new AtomicReference<>();
      AtomicReference<String> traceId = new AtomicReference<>();
      Runnable decorated;
      try (Scope ignored = exchange.makeCurrent()) {
        decorated = decorator.decorate(() -> {
          requestId.set(org.slf4j.MDC.get("identity.request.id"));
          traceId.set(org.slf4j.MDC.get("trace.id"));
        });
      }
      Thread worker = new Thread(decorated);
      worker.start();
      worker.join(5_000);
      // The application's own log lines on the executor thread join the request's event.
      assertThat(requestId.get()).isNotNull().isEqualTo(exchange.requestId());
      assertThat(traceId.get()).isNotNull().isEqualTo(exchange.traceId());
    });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnFilter {
    @Bean
    FilterRegistrationBean<IdentityLogFilter> myFilter() {
      return new FilterRegistrationBean<>(IdentityLogFilter.builder(IdentityLog.builder().build()).build());
    }
  }

  private static HttpServerRequest request(String authorization) {
    return new HttpServerRequest() {
      @Override
      public String header(String name) {
        return "Authorization".equalsIgnoreCase(name) ? authorization : null;
      }

      @Override
      public String method() {
        return "GET";
      }

      @Override
      public String path() {
        return "/x";
      }
    };
  }

  private static String stackText(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c).append('\n');
    }
    return sb.toString();
  }
}
