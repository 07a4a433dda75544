package dev.identitylog.spring.boot;

import java.util.function.Supplier;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.authorization.AuthorizationEventPublisher;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.SpringAuthorizationEventPublisher;
import org.springframework.security.core.Authentication;

/**
 * Records each authorization decision on the current request's event, then publishes as Spring's
 * default publisher does (denials as {@code AuthorizationDeniedEvent}), so other listeners see what
 * they saw before.
 */
final class RecordingAuthorizationEventPublisher implements AuthorizationEventPublisher {
  private final SecurityDecisionRecorder recorder;
  private final SpringAuthorizationEventPublisher delegate;

  RecordingAuthorizationEventPublisher(SecurityDecisionRecorder recorder, ApplicationEventPublisher publisher) {
    this.recorder = recorder;
    recorder.calledDirectly();
    this.delegate = new SpringAuthorizationEventPublisher(publisher);
  }

  @Override
  public <T> void publishAuthorizationEvent(
      Supplier<Authentication> authentication, T object, AuthorizationResult result) {
    recorder.authorization(authentication, object, result);
    delegate.publishAuthorizationEvent(authentication, object, result);
  }

  @Override
  public String toString() {
    return "RecordingAuthorizationEventPublisher";
  }
}
