package dev.identitylog.examples;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.identitylog.cert.CertificateFacts;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.server.Server;

/**
 * The token service: an OAuth 2.0 token endpoint for RFC 8693 token exchange, and the issuer's
 * JWK set. It stands for the identity provider of a real deployment (Keycloak, an STS, a cloud
 * IAM), which is why the demo does not instrument it: its caller, the gateway, logs the call.
 *
 * <ul>
 *   <li>{@code GET /.well-known/jwks.json}: the issuer's public keys; the gateway and the backend
 *       load them at start to verify signatures.
 *   <li>{@code POST /token} with {@code grant_type=urn:ietf:params:oauth:grant-type:token-exchange},
 *       {@code subject_token} and {@code audience}: a token for that audience with an {@code act}
 *       claim naming the caller. Callers authenticate with mTLS; only the workloads listed as
 *       actors may exchange, and only for audiences the service knows.
 * </ul>
 */
final class TokenService implements AutoCloseable {
  static final String NAME = "tokens";
  static final String HOST = Https.host(NAME);

  static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
  static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

  private final Server server;

  private TokenService(Server server) {
    this.server = server;
  }

  /**
   * Starts the service.
   *
   * @param actors workloads (SPIFFE IDs) allowed to exchange tokens
   * @param audiences audiences the service mints tokens for; the subject token must have been
   *     issued to one of the actors' own audiences ({@code subjectAudience})
   */
  static TokenService start(DemoPki pki, DemoTokens tokens, Set<String> actors,
      String subjectAudience, Set<String> audiences) throws Exception {
    DemoPki.Credential svid = pki.workload("token-service", HOST);
    TokenValidator validator = new TokenValidator(DemoTokens.ISSUER, tokens.publicKeys());
    HttpServlet servlet = new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!"/.well-known/jwks.json".equals(req.getRequestURI())) {
          resp.sendError(404);
          return;
        }
        resp.setContentType("application/jwk-set+json");
        resp.getWriter().write(tokens.publicKeys().toString(true));
      }

      @Override
      protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!"/token".equals(req.getRequestURI())) {
          resp.sendError(404);
          return;
        }
        X509Certificate[] chain =
            (X509Certificate[]) req.getAttribute("jakarta.servlet.request.X509Certificate");
        String actor = chain == null ? null : CertificateFacts.of(chain[0]).spiffeId();
        if (actor == null || !actors.contains(actor)) {
          error(resp, 401, "invalid_client", "this workload may not exchange tokens");
          return;
        }
        if (!TOKEN_EXCHANGE.equals(req.getParameter("grant_type"))) {
          error(resp, 400, "unsupported_grant_type", "only token exchange");
          return;
        }
        String audience = req.getParameter("audience");
        if (audience == null || !audiences.contains(audience)) {
          error(resp, 400, "invalid_target", "unknown audience");
          return;
        }
        TokenValidator.Result subject =
            validator.validate(req.getParameter("subject_token"), subjectAudience);
        if (!subject.ok()) {
          error(resp, 400, "invalid_grant", subject.description);
          return;
        }
        String x5t = Base64.getUrlEncoder().withoutPadding().encodeToString(DemoPki.sha256(chain[0]));
        String issued = tokens.exchange(subject.claims, actor, audience, x5t);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", issued);
        body.put("issued_token_type", ACCESS_TOKEN_TYPE);
        body.put("token_type", "Bearer"); // sent as a bearer token, bound to the caller's certificate
        body.put("expires_in", 300);
        resp.setContentType("application/json");
        resp.setHeader("Cache-Control", "no-store");
        resp.getWriter().write(JSONObjectUtils.toJSONString(body));
      }
    };
    Server server = Https.start("token-service",
        DemoPki.sslContext(svid, pki.trustManager()), Https.ClientAuth.NEED, null, "/*", servlet);
    return new TokenService(server);
  }

  private static void error(HttpServletResponse resp, int status, String error, String description)
      throws IOException {
    resp.setStatus(status);
    resp.setContentType("application/json");
    resp.getWriter().write(JSONObjectUtils.toJSONString(
        Map.of("error", error, "error_description", description)));
  }

  int port() {
    return Https.port(server);
  }

  /** The base URL of the service, e.g. {@code https://tokens.identitylog.test:40123}. */
  String url() {
    return "https://" + HOST + ":" + port();
  }

  @Override
  public void close() {
    Https.stop(server);
  }
}
