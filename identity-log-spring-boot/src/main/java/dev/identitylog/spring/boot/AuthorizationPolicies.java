package dev.identitylog.spring.boot;

import dev.identitylog.outcome.Reason;
import java.util.Collection;
import java.util.regex.Pattern;
import org.springframework.security.authorization.AuthorityAuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ExpressionAuthorizationDecision;
import org.springframework.security.core.GrantedAuthority;

/**
 * What decided an authorization ({@code identity.authz.policy}) and why it said no. The policy is
 * what the application wrote: the required authorities of {@code hasAuthority}/{@code hasRole}
 * (as Spring names them, {@code SCOPE_orders:write}, {@code ROLE_ADMIN}), or the expression of
 * {@code @PreAuthorize}; never anything the caller sent.
 */
final class AuthorizationPolicies {
  /** Spring Security's prefix for the scopes of an OAuth 2.0 token. */
  static final String SCOPE_PREFIX = "SCOPE_";

  /** An expression that requires nothing but scopes: {@code hasAuthority('SCOPE_a')}, ... */
  private static final Pattern SCOPES_ONLY =
      Pattern.compile(
          "\\s*has(Any)?Authority\\(\\s*'SCOPE_[^']*'(\\s*,\\s*'SCOPE_[^']*')*\\s*\\)\\s*");

  private AuthorizationPolicies() {}

  /** The deciding rule, or {@code null} when the decision does not say. */
  static String policy(AuthorizationResult result) {
    if (result instanceof AuthorityAuthorizationDecision) {
      Collection<GrantedAuthority> required = ((AuthorityAuthorizationDecision) result).getAuthorities();
      if (required == null || required.isEmpty()) {
        return null;
      }
      StringBuilder sb = new StringBuilder();
      for (GrantedAuthority a : required) {
        if (a == null || a.getAuthority() == null) {
          continue;
        }
        if (sb.length() > 0) {
          sb.append(',');
        }
        sb.append(a.getAuthority());
      }
      return sb.length() == 0 ? null : sb.toString();
    }
    if (result instanceof ExpressionAuthorizationDecision) {
      ExpressionAuthorizationDecision d = (ExpressionAuthorizationDecision) result;
      return d.getExpression() == null ? null : d.getExpression().getExpressionString();
    }
    return null;
  }

  /**
   * {@code insufficient_scope} when only token scopes were required (the caller's token lacks
   * one), {@code policy_denied} for any other rule.
   */
  static Reason deniedReason(AuthorizationResult result) {
    if (result instanceof AuthorityAuthorizationDecision) {
      Collection<GrantedAuthority> required = ((AuthorityAuthorizationDecision) result).getAuthorities();
      if (required != null && !required.isEmpty()) {
        for (GrantedAuthority a : required) {
          if (a == null || a.getAuthority() == null || !a.getAuthority().startsWith(SCOPE_PREFIX)) {
            return Reason.POLICY_DENIED;
          }
        }
        return Reason.INSUFFICIENT_SCOPE;
      }
    }
    if (result instanceof ExpressionAuthorizationDecision) {
      ExpressionAuthorizationDecision d = (ExpressionAuthorizationDecision) result;
      String expression = d.getExpression() == null ? null : d.getExpression().getExpressionString();
      if (expression != null && expression.length() < 1024 && SCOPES_ONLY.matcher(expression).matches()) {
        return Reason.INSUFFICIENT_SCOPE;
      }
    }
    return Reason.POLICY_DENIED;
  }
}
