package dev.identitylog.spring.boot;

import dev.identitylog.IdentityLog;
import dev.identitylog.emit.EventSink;
import dev.identitylog.servlet.IdentityLogFilter;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.servlet.DispatcherType;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingFilterBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.RestTemplateCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.task.TaskDecorator;
import org.springframework.http.client.ClientHttpRequestInterceptor;

/**
 * Configures one {@link IdentityLog} for the application, the servlet filter that writes one
 * event per request, and a {@link TaskDecorator} that carries the request's record onto executor
 * threads. Spring Security's decisions are recorded by {@link
 * IdentityLogSecurityAutoConfiguration}.
 *
 * <p>Every bean backs off when the application defines its own.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "identity-log", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(IdentityLogProperties.class)
public class IdentityLogAutoConfiguration {
  /**
   * Inside Boot's {@code ServerHttpObservationFilter} ({@code HIGHEST_PRECEDENCE + 1}), so that
   * the observation's trace context is current when the event starts, and far before Spring
   * Security's chain ({@code SecurityFilterProperties.DEFAULT_FILTER_ORDER}, -100), so that every
   * decision the chain makes lands in this request's event.
   */
  public static final int DEFAULT_FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

  /**
   * The library's {@link IdentityLog}: events go to every {@link EventSink} bean (to SLF4J's
   * {@code identity.events} when there is none) and to the application's {@link OpenTelemetry}
   * when it has exactly one. {@link IdentityLogBuilderCustomizer} beans get the last word.
   */
  @Bean
  @ConditionalOnMissingBean
  IdentityLog identityLog(
      IdentityLogProperties properties,
      Environment environment,
      ObjectProvider<EventSink> sinks,
      ObjectProvider<OpenTelemetry> openTelemetry,
      ObjectProvider<IdentityLogBuilderCustomizer> customizers) {
    IdentityLog.Builder builder =
        IdentityLogFactory.builder(
            properties,
            environment.getProperty("spring.application.name"),
            sinks.orderedStream(),
            properties.getOpenTelemetry().isEnabled() ? openTelemetry.getIfUnique() : null);
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.build();
  }

  @Bean
  @ConditionalOnMissingBean(TaskDecorator.class)
  @ConditionalOnProperty(prefix = "identity-log.task-decorator", name = "enabled", matchIfMissing = true)
  TaskDecorator identityLogTaskDecorator() {
    return new IdentityLogTaskDecorator();
  }

  /** The servlet filter, when this is a servlet application and identity-log-servlet is there. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass({IdentityLogFilter.class, FilterRegistrationBean.class})
  @ConditionalOnProperty(prefix = "identity-log.filter", name = "enabled", matchIfMissing = true)
  static class ServletFilterConfiguration {
    @Bean
    @ConditionalOnMissingFilterBean(IdentityLogFilter.class)
    FilterRegistrationBean<IdentityLogFilter> identityLogFilter(
        IdentityLog identityLog, IdentityLogProperties properties) {
      IdentityLogFilter filter =
          IdentityLogFilter.builder(identityLog)
              .echoRequestIdHeader(properties.getFilter().getEchoRequestIdHeader())
              .build();
      FilterRegistrationBean<IdentityLogFilter> registration = new FilterRegistrationBean<>(filter);
      registration.setName("identityLogFilter");
      registration.setOrder(properties.getFilter().getOrder());
      // The filter finishes an async request when it completes, times out or fails, and binds the
      // record again on the async and error dispatches of the same request.
      registration.setAsyncSupported(true);
      registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
      return registration;
    }
  }

  /**
   * Outbound calls of the {@code RestClient.Builder} and {@code RestTemplateBuilder} that Boot
   * provides (and of every builder these customizers are applied to).
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({ClientHttpRequestInterceptor.class, RestClientCustomizer.class})
  @ConditionalOnProperty(prefix = "identity-log.rest-client", name = "enabled", matchIfMissing = true)
  static class RestClientConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "identityLogRestClientCustomizer")
    RestClientCustomizer identityLogRestClientCustomizer(IdentityLog identityLog) {
      ClientHttpRequestInterceptor interceptor = new IdentityLogClientHttpRequestInterceptor(identityLog);
      return builder -> builder.requestInterceptor(interceptor);
    }

    @Bean
    @ConditionalOnMissingBean(name = "identityLogRestTemplateCustomizer")
    RestTemplateCustomizer identityLogRestTemplateCustomizer(IdentityLog identityLog) {
      ClientHttpRequestInterceptor interceptor = new IdentityLogClientHttpRequestInterceptor(identityLog);
      return template -> template.getInterceptors().add(interceptor);
    }
  }
}
