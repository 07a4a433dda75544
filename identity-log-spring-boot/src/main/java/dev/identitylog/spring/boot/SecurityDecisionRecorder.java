package dev.identitylog.spring.boot;

import dev.identitylog.IdentityLog;
import dev.identitylog.RequestIdentity;
import dev.identitylog.handler.ServerHandler;
import dev.identitylog.internal.Throwables;
import dev.identitylog.outcome.Reason;
import jakarta.servlet.http.HttpServletRequest;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.core.ResolvableType;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.authentication.event.AbstractAuthenticationEvent;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.event.AuthorizationDeniedEvent;
import org.springframework.security.authorization.event.AuthorizationEvent;
import org.springframework.security.authorization.event.AuthorizationGrantedEvent;
import org.springframework.security.core.Authentication;
import org.springframework.util.ClassUtils;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Writes Spring Security's decisions into the current request's record through the public {@link
 * RequestIdentity#current()} API. Listens to the authentication events of Spring Security's {@code
 * AuthenticationEventPublisher} and to authorization events (for applications that bring their own
 * {@code AuthorizationEventPublisher}); {@link RecordingAuthorizationEventPublisher} calls it
 * directly otherwise.
 *
 * <p>Never throws into Spring Security: a failure here is counted by the {@link IdentityLog}.
 */
final class SecurityDecisionRecorder implements GenericApplicationListener {
  /**
   * Request attribute set once an authentication decision was recorded, so that the denial that
   * follows a failed authentication (the request goes on as anonymous and is refused) does not
   * replace the real reason with {@code credential_missing}.
   */
  static final String AUTHN_RECORDED = SecurityDecisionRecorder.class.getName() + ".authn";

  private static final boolean WEB_PRESENT =
      ClassUtils.isPresent(
          "org.springframework.web.context.request.RequestContextHolder",
          SecurityDecisionRecorder.class.getClassLoader());

  /** The Servlet API's request attribute for the certificate chain the TLS layer accepted. */
  private static final String CLIENT_CERTIFICATE = "jakarta.servlet.request.X509Certificate";

  private static final AuthenticationTrustResolver TRUST = new AuthenticationTrustResolverImpl();

  /** Only to count this listener's own failures on the {@link IdentityLog}. */
  private final ServerHandler handler;

  /**
   * Whether the chain serving a request takes a client certificate as its only credential: then a
   * refused anonymous request without one is {@code cert_missing}.
   */
  private final Predicate<HttpServletRequest> certificateOnly;

  /** Set when {@link RecordingAuthorizationEventPublisher} calls us: its events are then ours. */
  private volatile boolean calledDirectly;

  SecurityDecisionRecorder(IdentityLog identityLog) {
    this(identityLog, request -> false);
  }

  SecurityDecisionRecorder(IdentityLog identityLog, Predicate<HttpServletRequest> certificateOnly) {
    this.handler = ServerHandler.create(identityLog);
    this.certificateOnly = certificateOnly;
  }

  void calledDirectly() {
    this.calledDirectly = true;
  }

  /** Only Spring Security's events are delivered here (the multicaster caches this per type). */
  @Override
  public boolean supportsEventType(ResolvableType eventType) {
    Class<?> type = eventType.toClass();
    return AbstractAuthenticationEvent.class.isAssignableFrom(type)
        || AuthorizationEvent.class.isAssignableFrom(type);
  }

  @Override
  public void onApplicationEvent(ApplicationEvent event) {
    if (event instanceof AuthenticationSuccessEvent) {
      authenticated();
    } else if (event instanceof AbstractAuthenticationFailureEvent) {
      AbstractAuthenticationFailureEvent failure = (AbstractAuthenticationFailureEvent) event;
      authenticationFailed(failure.getAuthentication(), failure.getException());
    } else if (calledDirectly) {
      return;
    } else if (event instanceof AuthorizationDeniedEvent) {
      AuthorizationDeniedEvent<?> denied = (AuthorizationDeniedEvent<?>) event;
      authorization(denied.getAuthentication(), denied.getObject(), denied.getAuthorizationResult());
    } else if (event instanceof AuthorizationGrantedEvent) {
      AuthorizationGrantedEvent<?> granted = (AuthorizationGrantedEvent<?>) event;
      authorization(granted.getAuthentication(), granted.getObject(), granted.getAuthorizationResult());
    }
  }

  @Override
  public boolean supportsAsyncExecution() {
    // The record is bound to the publishing thread: an async multicaster would lose it.
    return false;
  }

  void authenticated() {
    RequestIdentity record = RequestIdentity.current();
    if (!record.isRecording()) {
      return;
    }
    try {
      record.authnSucceeded();
      markAuthn(null);
    } catch (Throwable t) {
      failed("recording an authentication success", t);
    }
  }

  void authenticationFailed(Authentication request, Exception failure) {
    RequestIdentity record = RequestIdentity.current();
    if (!record.isRecording()) {
      return;
    }
    try {
      record.authnFailed(AuthenticationFailures.reason(request, failure));
      markAuthn(null);
    } catch (Throwable t) {
      failed("recording an authentication failure", t);
    }
  }

  /**
   * An authorization decision. A request refused because nobody authenticated (anonymous) is an
   * authentication failure, {@code credential_missing}, unless an authentication decision was
   * recorded first (a failed login the request survived as anonymous): that one explains it.
   */
  void authorization(
      Supplier<Authentication> authentication, Object object, AuthorizationResult result) {
    if (result == null) {
      return;
    }
    RequestIdentity record = RequestIdentity.current();
    if (!record.isRecording()) {
      return;
    }
    try {
      String policy = AuthorizationPolicies.policy(result);
      if (result.isGranted()) {
        record.authzSucceeded(policy);
        return;
      }
      Authentication who = authentication == null ? null : authentication.get();
      if (who == null || TRUST.isAnonymous(who) || !who.isAuthenticated()) {
        if (!authnRecorded(object)) {
          record.authnFailed(missing(object));
          markAuthn(object);
        }
        return;
      }
      record.authzFailed(AuthorizationPolicies.deniedReason(result), policy);
    } catch (Throwable t) {
      failed("recording an authorization decision", t);
    }
  }

  /**
   * {@code cert_missing} when the request came without a client certificate to a chain whose only
   * credential is one ({@code x509()}); {@code credential_missing} otherwise.
   */
  private Reason missing(Object object) {
    HttpServletRequest request = request(object);
    if (request != null
        && request.getAttribute(CLIENT_CERTIFICATE) == null
        && certificateOnly.test(request)) {
      return Reason.CERT_MISSING;
    }
    return Reason.CREDENTIAL_MISSING;
  }

  /** The request of an HTTP decision, or of the request thread a method-security decision ran on. */
  private static HttpServletRequest request(Object object) {
    if (object instanceof HttpServletRequest) {
      return (HttpServletRequest) object;
    }
    RequestAttributes attributes = WEB_PRESENT ? RequestContextHolder.getRequestAttributes() : null;
    return attributes instanceof ServletRequestAttributes
        ? ((ServletRequestAttributes) attributes).getRequest()
        : null;
  }

  private static boolean authnRecorded(Object object) {
    if (object instanceof HttpServletRequest) {
      return ((HttpServletRequest) object).getAttribute(AUTHN_RECORDED) != null;
    }
    RequestAttributes attributes = WEB_PRESENT ? RequestContextHolder.getRequestAttributes() : null;
    return attributes != null
        && attributes.getAttribute(AUTHN_RECORDED, RequestAttributes.SCOPE_REQUEST) != null;
  }

  private static void markAuthn(Object object) {
    if (object instanceof HttpServletRequest) {
      ((HttpServletRequest) object).setAttribute(AUTHN_RECORDED, Boolean.TRUE);
      return;
    }
    RequestAttributes attributes = WEB_PRESENT ? RequestContextHolder.getRequestAttributes() : null;
    if (attributes != null) {
      attributes.setAttribute(AUTHN_RECORDED, Boolean.TRUE, RequestAttributes.SCOPE_REQUEST);
    }
  }

  private void failed(String where, Throwable t) {
    Throwables.propagateIfFatal(t);
    handler.internalError(where, t);
  }

  @Override
  public String toString() {
    return "SecurityDecisionRecorder";
  }
}
