package dev.identitylog.spring.boot;

import dev.identitylog.IdentityLog;
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
  @Bean
  @ConditionalOnMissingBean
  SecurityDecisionRecorder identityLogSecurityDecisionRecorder(IdentityLog identityLog) {
    return new SecurityDecisionRecorder(identityLog);
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
