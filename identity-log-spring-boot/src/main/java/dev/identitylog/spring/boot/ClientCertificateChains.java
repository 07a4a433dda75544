package dev.identitylog.spring.boot;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AbstractAuthenticationProcessingFilter;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.authentication.preauth.AbstractPreAuthenticatedProcessingFilter;
import org.springframework.security.web.authentication.preauth.x509.X509AuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.authentication.www.DigestAuthenticationFilter;

/**
 * Whether the Spring Security chain serving a request accepts a client certificate ({@code
 * x509()}) as its only credential, so that an anonymous request refused there was missing a
 * certificate ({@code cert_missing}), not just any credential. Looked up only when an anonymous
 * request is refused; the verdict per chain is computed once.
 */
final class ClientCertificateChains implements Predicate<HttpServletRequest> {
  /** Filters that accept a credential other than the TLS client certificate. */
  private static final List<String> OTHER_CREDENTIALS =
      List.of(
          "org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter",
          "org.springframework.security.web.authentication.rememberme.RememberMeAuthenticationFilter");

  private final ObjectProvider<FilterChainProxy> proxy;

  /** Per chain instance; chains are fixed once the application runs, so the map only grows to their number. */
  private final Map<SecurityFilterChain, Boolean> certificateOnly = new IdentityHashMap<>();

  ClientCertificateChains(ObjectProvider<FilterChainProxy> proxy) {
    this.proxy = proxy;
  }

  /** Finds the application's chains when the first anonymous request is refused, not before. */
  static ClientCertificateChains of(BeanFactory beanFactory) {
    return new ClientCertificateChains(beanFactory.getBeanProvider(FilterChainProxy.class));
  }

  @Override
  public boolean test(HttpServletRequest request) {
    FilterChainProxy chains = proxy.getIfAvailable();
    if (chains == null) {
      return false;
    }
    for (SecurityFilterChain chain : chains.getFilterChains()) {
      if (chain.matches(request)) {
        return certificateOnly(chain);
      }
    }
    return false;
  }

  private boolean certificateOnly(SecurityFilterChain chain) {
    synchronized (certificateOnly) {
      return certificateOnly.computeIfAbsent(chain, c -> onlyX509(c.getFilters()));
    }
  }

  static boolean onlyX509(List<Filter> filters) {
    boolean x509 = false;
    for (Filter f : filters) {
      if (f instanceof X509AuthenticationFilter) {
        x509 = true;
      } else if (f instanceof AbstractPreAuthenticatedProcessingFilter
          || f instanceof AbstractAuthenticationProcessingFilter
          || f instanceof AuthenticationFilter
          || f instanceof BasicAuthenticationFilter
          || f instanceof DigestAuthenticationFilter
          || OTHER_CREDENTIALS.contains(f.getClass().getName())) {
        return false;
      }
    }
    return x509;
  }
}
