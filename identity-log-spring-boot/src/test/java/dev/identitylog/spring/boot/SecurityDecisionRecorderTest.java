package dev.identitylog.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.context.Scope;
import dev.identitylog.handler.ServerHandler;
import dev.identitylog.protocol.HttpServerResponse;
import dev.identitylog.protocol.ServerRecord;
import dev.identitylog.protocol.ServerRequest;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import dev.identitylog.testing.CollectingSink;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationEvent;
import org.springframework.core.ResolvableType;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationFailureServiceExceptionEvent;
import org.springframework.security.authorization.AuthorityAuthorizationDecision;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.ExpressionAuthorizationDecision;
import org.springframework.security.authorization.event.AuthorizationDeniedEvent;
import org.springframework.security.authorization.event.AuthorizationGrantedEvent;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The recorder as an application listener (what an application with its own {@code
 * AuthorizationEventPublisher} relies on), with Spring Security's real event and exception types.
 */
class SecurityDecisionRecorderTest {
  private final CollectingSink sink = new CollectingSink();
  private final IdentityLog log = IdentityLog.builder().addSink(sink).build();
  private final SecurityDecisionRecorder recorder = new SecurityDecisionRecorder(log);
  private final Authentication user =
      new TestingAuthenticationToken("alice", "n/a", AuthorityUtils.createAuthorityList("SCOPE_orders:read"));

  private IdentityEvent during(int status, Consumer<SecurityDecisionRecorder> security) {
    ServerHandler handler = ServerHandler.create(log);
    ServerRecord exchange = handler.start(new ServerRequest() {
      @Override
      public String header(String name) {
        return null;
      }
    });
    try (Scope ignored = exchange.makeCurrent()) {
      security.accept(recorder);
    }
    return handler.finish(exchange, HttpServerResponse.of(status, null, null));
  }

  private static ApplicationEvent denied(Authentication who, Object object, AuthorizationDecision decision) {
    return new AuthorizationDeniedEvent<>(() -> who, object, decision);
  }

  @Test
  void listensOnlyToSecurityEvents() {
    assertThat(recorder.supportsEventType(ResolvableType.forClass(AuthorizationDeniedEvent.class))).isTrue();
    assertThat(recorder.supportsEventType(ResolvableType.forClass(AuthenticationFailureBadCredentialsEvent.class))).isTrue();
    assertThat(recorder.supportsEventType(ResolvableType.forClass(ApplicationEvent.class))).isFalse();
  }

  @Test
  void deniedEventWithRequiredScopes() {
    AuthorityAuthorizationDecision decision =
        new AuthorityAuthorizationDecision(false, List.of(new SimpleGrantedAuthority("SCOPE_orders:write")));
    IdentityEvent e = during(403, r -> r.onApplicationEvent(denied(user, new MockHttpServletRequest(), decision)));
    assertThat(e.get(Fields.AUTHZ_OUTCOME)).isEqualTo(Outcome.FAILURE);
    assertThat(e.get(Fields.AUTHZ_REASON)).isEqualTo(Reason.INSUFFICIENT_SCOPE);
    assertThat(e.get(Fields.AUTHZ_POLICY)).isEqualTo("SCOPE_orders:write");
    assertThat(e.has(Fields.AUTHZ_INFERRED)).isFalse();
  }

  @Test
  void deniedRoleIsAPolicyDenial() {
    AuthorityAuthorizationDecision decision =
        new AuthorityAuthorizationDecision(false, List.of(new SimpleGrantedAuthority("ROLE_ADMIN"), new SimpleGrantedAuthority("SCOPE_x")));
    IdentityEvent e = during(403, r -> r.onApplicationEvent(denied(user, new MockHttpServletRequest(), decision)));
    assertThat(e.get(Fields.AUTHZ_REASON)).isEqualTo(Reason.POLICY_DENIED);
    assertThat(e.get(Fields.AUTHZ_POLICY)).isEqualTo("ROLE_ADMIN,SCOPE_x");
  }

  @Test
  void scopeOnlyExpressionIsInsufficientScope() {
    ExpressionAuthorizationDecision decision = new ExpressionAuthorizationDecision(
        false, new SpelExpressionParser().parseExpression("hasAnyAuthority('SCOPE_a', 'SCOPE_b')"));
    IdentityEvent e = during(403, r -> r.onApplicationEvent(denied(user, "method invocation", decision)));
    assertThat(e.get(Fields.AUTHZ_REASON)).isEqualTo(Reason.INSUFFICIENT_SCOPE);
    assertThat(e.get(Fields.AUTHZ_POLICY)).isEqualTo("hasAnyAuthority('SCOPE_a', 'SCOPE_b')");
  }

  @Test
  void grantedEventRecordsTheDecidingRule() {
    AuthorityAuthorizationDecision decision =
        new AuthorityAuthorizationDecision(true, List.of(new SimpleGrantedAuthority("SCOPE_orders:read")));
    IdentityEvent e = during(200, r -> r.onApplicationEvent(new AuthorizationGrantedEvent<>(() -> user, "method invocation", decision)));
    assertThat(e.get(Fields.AUTHZ_OUTCOME)).isEqualTo(Outcome.SUCCESS);
    assertThat(e.get(Fields.AUTHZ_POLICY)).isEqualTo("SCOPE_orders:read");
  }

  @Test
  void anonymousDenialIsAMissingCredentialButNeverHidesAnEarlierFailure() {
    Authentication anonymous =
        new AnonymousAuthenticationToken("k", "anonymousUser", AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS"));
    AuthorizationDecision no = new AuthorizationDecision(false);
    IdentityEvent missing = during(401, r -> r.onApplicationEvent(denied(anonymous, new MockHttpServletRequest(), no)));
    assertThat(missing.get(Fields.AUTHN_REASON)).isEqualTo(Reason.CREDENTIAL_MISSING);
    assertThat(missing.has(Fields.AUTHN_INFERRED)).isFalse();
    assertThat(missing.get(Fields.AUTHZ_REASON)).as("not an authorization failure").isNull();

    MockHttpServletRequest request = new MockHttpServletRequest();
    PreAuthenticatedAuthenticationToken certificate = new PreAuthenticatedAuthenticationToken(
        "mallory", dev.identitylog.testing.TestPki.create("R").issue(dev.identitylog.testing.TestPki.leaf("CN=mallory")).certificate());
    // As RequestContextFilter does before Spring Security runs.
    RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
    IdentityEvent refused;
    try {
      refused = during(403, r -> {
        r.onApplicationEvent(new AuthenticationFailureBadCredentialsEvent(certificate, new BadCredentialsException("unknown")));
        r.onApplicationEvent(denied(anonymous, request, no));
      });
    } finally {
      RequestContextHolder.resetRequestAttributes();
    }
    assertThat(refused.get(Fields.AUTHN_REASON)).isEqualTo(Reason.CERT_UNTRUSTED);
  }

  @Test
  void authenticationFailureReasons() {
    UsernamePasswordAuthenticationToken presented = UsernamePasswordAuthenticationToken.unauthenticated("alice", "pw");
    assertThat(during(401, r -> r.onApplicationEvent(new AuthenticationFailureServiceExceptionEvent(
                presented, new AuthenticationServiceException("user store down"))))
            .get(Fields.AUTHN_OUTCOME))
        .isEqualTo(Outcome.ERROR);
    assertThat(during(401, r -> r.onApplicationEvent(new AuthenticationFailureBadCredentialsEvent(
                presented, new InvalidBearerTokenException("Provided token isn't active", new BadOpaqueTokenException("inactive")))))
            .get(Fields.AUTHN_REASON))
        .isEqualTo(Reason.TOKEN_INVALID);
    assertThat(during(401, r -> r.onApplicationEvent(new AuthenticationFailureBadCredentialsEvent(
                presented, new org.springframework.security.oauth2.core.OAuth2AuthenticationException(
                    new OAuth2Error("invalid_request", "Bearer token is malformed", null)))))
            .get(Fields.AUTHN_REASON))
        .isEqualTo(Reason.CREDENTIAL_MALFORMED);
  }

  @Test
  void nothingHappensOutsideARequest() {
    recorder.onApplicationEvent(new AuthenticationFailureBadCredentialsEvent(
        UsernamePasswordAuthenticationToken.unauthenticated("a", "b"), new BadCredentialsException("x")));
    assertThat(sink.events()).isEmpty();
    assertThat(log.internalErrors()).isZero();
  }
}
