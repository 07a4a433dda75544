package dev.identitylog.bench.load;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.text.ParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What a team writes by hand instead of using the library: parse the bearer token with nimbus on
 * every request (no signature check, no cache), put a few facts in the MDC, log one line at the end
 * through Logback's {@code JsonEncoder}. The comparison point for "is the library worth its cost".
 */
final class DiyFilter implements Filter {
  static final String LOGGER = "access";
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    long start = System.nanoTime();
    MDC.put("method", request.getMethod());
    MDC.put("path", request.getRequestURI());
    MDC.put("peer", request.getRemoteAddr());
    String traceparent = request.getHeader("traceparent");
    if (traceparent != null && traceparent.length() >= 55) {
      MDC.put("trace_id", traceparent.substring(3, 35));
    }
    String authorization = request.getHeader("Authorization");
    if (authorization != null && authorization.startsWith("Bearer ")) {
      try {
        JWTClaimsSet claims = SignedJWT.parse(authorization.substring(7)).getJWTClaimsSet();
        MDC.put("sub", claims.getSubject());
        MDC.put("iss", claims.getIssuer());
        MDC.put("aud", String.join(" ", claims.getAudience()));
        MDC.put("scope", claims.getStringClaim("scope"));
      } catch (ParseException e) {
        MDC.put("token", "malformed");
      }
    }
    try {
      chain.doFilter(req, res);
    } finally {
      MDC.put("status", Integer.toString(((HttpServletResponse) res).getStatus()));
      MDC.put("duration_us", Long.toString((System.nanoTime() - start) / 1000));
      LOG.info("request");
      MDC.clear();
    }
  }
}
