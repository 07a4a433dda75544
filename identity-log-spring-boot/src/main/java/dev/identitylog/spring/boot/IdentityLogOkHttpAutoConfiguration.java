package dev.identitylog.spring.boot;

import dev.identitylog.IdentityLog;
import dev.identitylog.okhttp.IdentityLogOkHttp;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Outbound calls through OkHttp, when the application has OkHttp and {@code identity-log-okhttp}
 * (Spring Boot 4 itself no longer configures OkHttp): an {@link IdentityLogOkHttp} bean, and every
 * {@link OkHttpClient} bean of the application gets its two interceptors.
 */
@AutoConfiguration(after = IdentityLogAutoConfiguration.class)
@ConditionalOnClass({OkHttpClient.class, IdentityLogOkHttp.class})
@ConditionalOnBean(IdentityLog.class)
@ConditionalOnProperty(prefix = "identity-log.okhttp", name = "enabled", matchIfMissing = true)
public class IdentityLogOkHttpAutoConfiguration {
  /**
   * {@code identityLogOkHttp.newCallFactory(client)} is the call factory to prefer: it captures
   * the request being served when a call is created, so {@code enqueue}d calls report into it too.
   */
  @Bean
  @ConditionalOnMissingBean
  IdentityLogOkHttp identityLogOkHttp(IdentityLog identityLog) {
    return IdentityLogOkHttp.create(identityLog);
  }

  /** Static: a post-processor is created before the other beans, and must not pull them in early. */
  @Bean
  static BeanPostProcessor identityLogOkHttpClients(ObjectProvider<IdentityLogOkHttp> okHttp) {
    return new OkHttpClientPostProcessor(okHttp);
  }

  /**
   * Replaces each {@link OkHttpClient} bean with the same client plus this library's interceptors,
   * unless it already has them (built with {@code IdentityLogOkHttp} by the application).
   */
  static final class OkHttpClientPostProcessor implements BeanPostProcessor {
    /** The adapter's interceptors live in this package; nothing else of it is public. */
    private static final String ADAPTER_PACKAGE = IdentityLogOkHttp.class.getPackageName() + ".";

    private final ObjectProvider<IdentityLogOkHttp> okHttp;

    OkHttpClientPostProcessor(ObjectProvider<IdentityLogOkHttp> okHttp) {
      this.okHttp = okHttp;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
      if (!(bean instanceof OkHttpClient)) {
        return bean;
      }
      OkHttpClient client = (OkHttpClient) bean;
      IdentityLogOkHttp adapter = okHttp.getIfAvailable();
      if (adapter == null || instrumented(client)) {
        return bean;
      }
      return adapter.newClient(client);
    }

    static boolean instrumented(OkHttpClient client) {
      for (Interceptor i : client.interceptors()) {
        if (i.getClass().getName().startsWith(ADAPTER_PACKAGE)) {
          return true;
        }
      }
      return false;
    }
  }
}
