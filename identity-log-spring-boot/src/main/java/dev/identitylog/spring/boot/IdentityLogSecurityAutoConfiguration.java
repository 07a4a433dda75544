package dev.identitylog.spring.boot;

import dev.identitylog.IdentityLog;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.security.authentication.event.AbstractAuthenticationEvent;
import org.springframework.security.authorization.AuthorizationEventPublisher;
import org.springframework.util.ClassUtils;

/**
 * Records Spring Security's decisions on the event of the request being served, instead of leaving
 * them to be inferred from the status: authentication successes and failures (with the reason
 * read from the exception) from the {@code AuthenticationEventPublisher}'s events, and
 * authorization decisions (with the deciding authority or expression) from an {@link
 * AuthorizationEventPublisher} that HTTP ({@code authorizeHttpRequests}) and method security both
 * use.
 */
@AutoConfiguration(after = IdentityLogAutoConfiguration.class)
@ConditionalOnClass({AbstractAuthenticationEvent.class, AuthorizationEventPublisher.class})
@ConditionalOnBean(IdentityLog.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = "identity-log.security", name = "enabled", matchIfMissing = true)
public class IdentityLogSecurityAutoConfiguration {
  /** Spring Security's web filter chains: without them, there is no {@code x509()} to look at. */
  private static final String FILTER_CHAIN_PROXY = "org.springframework.security.web.FilterChainProxy";

  @Bean
  @ConditionalOnMissingBean
  SecurityDecisionRecorder identityLogSecurityDecisionRecorder(
      IdentityLog identityLog, BeanFactory beanFactory) {
    if (!ClassUtils.isPresent(FILTER_CHAIN_PROXY, getClass().getClassLoader())) {
      return new SecurityDecisionRecorder(identityLog);
    }
    return new SecurityDecisionRecorder(identityLog, ClientCertificateChains.of(beanFactory));
  }

  /**
   * Spring Security publishes denials only, and method security none at all, unless an {@link
   * AuthorizationEventPublisher} bean exists. This one records every decision directly (no event
   * per granted request) and publishes denials as Spring's own publisher does.
   */
  @Bean
  @ConditionalOnMissingBean(AuthorizationEventPublisher.class)
  AuthorizationEventPublisher identityLogAuthorizationEventPublisher(
      SecurityDecisionRecorder recorder, ApplicationEventPublisher publisher) {
    return new RecordingAuthorizationEventPublisher(recorder, publisher);
  }
}
