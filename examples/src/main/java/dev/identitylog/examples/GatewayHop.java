package dev.identitylog.examples;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.identitylog.IdentityLog;
import dev.identitylog.RequestIdentity;
import dev.identitylog.cert.CertificateFacts;
import dev.identitylog.event.HopLayer;
import dev.identitylog.forwarded.Xfcc;
import dev.identitylog.forwarded.XfccElement;
import dev.identitylog.forwarded.XfccParseResult;
import dev.identitylog.okhttp.IdentityLogOkHttp;
import dev.identitylog.outcome.Reason;
import dev.identitylog.servlet.IdentityLogFilter;
import dev.identitylog.token.TokenInspector;
import dev.identitylog.trust.TrustedProxies;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import okhttp3.Call;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.server.Server;

/**
 * The API gateway. For each request it
 *
 * <ol>
 *   <li>validates the bearer token with nimbus: signature against the token service's JWK set,
 *       issuer, expiry, audience {@code gateway}, and, for a certificate-bound token, its
 *       {@code cnf} against the client certificate the edge forwarded;
 *   <li>records the authentication decision through {@link RequestIdentity};
 *   <li>exchanges the token at the token service (RFC 8693) for one meant for the backend, whose
 *       {@code act} claim names the gateway;
 *   <li>calls the backend with it over mTLS (its own SPIFFE certificate), through the
 *       identity-log OkHttp wrapper, and relays the answer.
 * </ol>
 *
 * <p>It believes the edge's {@code x-forwarded-client-cert} because the edge's SPIFFE ID is a
 * trusted proxy ({@code TrustedProxies.builder().spiffeId(...)}): every hop runs on 127.0.0.1, so
 * trusting an address would trust everybody. A SPIFFE ID is proof only in a verified certificate:
 * its Jetty requires client certificates and checks them against the demo CA, which it declares
 * with {@code peerCertificatesVerified(true)}.
 *
 * <p>Two routes are deliberately wrong, for the scenarios: {@code /api/archive/} still asks the
 * token service for the audience of the archive service that was merged into the backend, and
 * {@code /api/legacy/} calls the backend through old code with a plain OkHttp client that passes
 * on only {@code X-Request-ID}.
 */
final class GatewayHop implements AutoCloseable {
  static final String NAME = "gateway";
  static final String HOST = Https.host(NAME);
  /** The audience of the tokens clients send to the gateway. */
  static final String AUDIENCE = "gateway";
  /** The route policy: any authenticated caller may use the API; the backend checks scopes. */
  static final String POLICY = "authenticated";

  /** A path prefix the gateway serves, where it sends it, and how. */
  private static final class Route {
    final String prefix;
    final String backendPrefix;
    final String audience;
    final boolean legacy;

    Route(String prefix, String backendPrefix, String audience, boolean legacy) {
      this.prefix = prefix;
      this.backendPrefix = backendPrefix;
      this.audience = audience;
      this.legacy = legacy;
    }
  }

  private static final List<Route> ROUTES = List.of(
      new Route("/api/orders/", "/api/orders/", BackendHop.AUDIENCE, false),
      new Route("/api/reports/", "/api/reports/", BackendHop.AUDIENCE, false),
      new Route(BackendHop.CHECKOUT, BackendHop.CHECKOUT, BackendHop.AUDIENCE, false),
      // Misconfigured on purpose: the archive API moved into the backend, the route's token
      // audience was never updated.
      new Route("/api/archive/", "/api/archive/", "archive", false),
      // Old code path: an un-instrumented client.
      new Route("/api/legacy/orders/", "/api/orders/", BackendHop.AUDIENCE, true));

  private final Server server;
  private final OkHttpClient client;

  private GatewayHop(Server server, OkHttpClient client) {
    this.server = server;
    this.client = client;
  }

  static GatewayHop start(DemoPki pki, DemoLogs logs, TokenService tokenService,
      String backendUrl) throws Exception {
    DemoPki.Credential svid = pki.workload(NAME, HOST);
    String edge = DemoPki.spiffeId(EdgeHop.NAME);
    OkHttpClient client = Https.client(DemoPki.sslContext(svid, pki.trustManager()), pki.trustManager());
    TokenValidator validator = TokenValidator.load(client, tokenService.url());

    IdentityLog identityLog = IdentityLog.builder()
        .serviceName(NAME)
        .hopLayer(HopLayer.GATEWAY)
        .trustedProxies(TrustedProxies.builder().spiffeId(edge).build())
        // Jetty below runs in "need" mode with the demo CA as its trust store: it verifies every
        // client certificate, so the SPIFFE ID in it is proof and may name a trusted proxy.
        .peerCertificatesVerified(true)
        .tokenInspector(TokenInspector.builder().verificationKeys(validator.keys()).build())
        .dependencyName(BackendHop.HOST, BackendHop.NAME)
        .dependencyName(TokenService.HOST, "token-service")
        .addSink(logs.general())
        .restrictedFields(logs.restricted())
        .build();
    Call.Factory http = IdentityLogOkHttp.create(identityLog).newCallFactory(client);
    String tokenEndpoint = tokenService.url() + "/token";

    HttpServlet servlet = new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getRequestURI();
        Route route = ROUTES.stream().filter(r -> path.startsWith(r.prefix)).findFirst().orElse(null);
        if (route == null) {
          resp.sendError(404);
          return;
        }
        RequestIdentity identity = RequestIdentity.current();

        String token = TokenValidator.bearer(req.getHeader("Authorization"));
        TokenValidator.Result checked = validator.validate(token, AUDIENCE);
        if (checked.ok()) {
          Reason binding =
              TokenValidator.bindingProblem(checked.claims, clientCertificateSha256(req, edge));
          if (binding != null) {
            checked = TokenValidator.Result.failed(binding, "token bound to another certificate");
          }
        }
        if (!checked.ok()) {
          identity.authnFailed(checked.failure);
          resp.setHeader("WWW-Authenticate", checked.challenge());
          resp.sendError(401);
          return;
        }
        identity.authnSucceeded();
        identity.authzSucceeded(POLICY);

        String exchanged;
        try {
          exchanged = exchange(http, tokenEndpoint, token, route.audience);
        } catch (IOException e) {
          resp.sendError(502, "token exchange failed");
          return;
        }

        Request call = new Request.Builder()
            .url(backendUrl + route.backendPrefix + path.substring(route.prefix.length()))
            .header("Authorization", "Bearer " + exchanged)
            .header("Accept", "application/json")
            .build();
        if (route.legacy) {
          // What old code does: its own client, no tracing, only the request id passed on.
          call = call.newBuilder().header("X-Request-ID", identity.requestId()).build();
        }
        Call.Factory via = route.legacy ? client : http;
        try (Response answer = via.newCall(call).execute()) {
          EdgeHop.relay(answer, resp);
        } catch (IOException e) {
          resp.sendError(502, "backend unreachable");
        }
      }
    };
    Server server = Https.start(NAME,
        DemoPki.sslContext(svid, pki.trustManager()), Https.ClientAuth.NEED,
        IdentityLogFilter.builder(identityLog).build(), "/api/*", servlet);
    return new GatewayHop(server, client);
  }

  /**
   * SHA-256 of the client's certificate: the one the edge forwarded when the TLS peer is the edge
   * (its SPIFFE ID, as the library checks it too), else the TLS peer's own; null when unknown.
   */
  private static byte[] clientCertificateSha256(HttpServletRequest req, String edge) {
    X509Certificate[] chain =
        (X509Certificate[]) req.getAttribute("jakarta.servlet.request.X509Certificate");
    if (chain == null || chain.length == 0) {
      return null;
    }
    if (!edge.equals(CertificateFacts.of(chain[0]).spiffeId())) {
      return DemoPki.sha256(chain[0]);
    }
    XfccParseResult xfcc = Xfcc.parse(req.getHeader("x-forwarded-client-cert"));
    if (xfcc.elements().isEmpty()) {
      return null;
    }
    XfccElement client = xfcc.elements().get(0);
    try {
      return client.hash() == null ? null : HexFormat.of().parseHex(client.hash());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** RFC 8693 token exchange; the answer's {@code access_token}. */
  private static String exchange(Call.Factory http, String endpoint, String subjectToken,
      String audience) throws IOException {
    Request request = new Request.Builder()
        .url(endpoint)
        .post(new FormBody.Builder()
            .add("grant_type", TokenService.TOKEN_EXCHANGE)
            .add("subject_token", subjectToken)
            .add("subject_token_type", TokenService.ACCESS_TOKEN_TYPE)
            .add("audience", audience)
            .build())
        .build();
    try (Response response = http.newCall(request).execute()) {
      String body = response.body().string();
      if (response.code() != 200) {
        throw new IOException("token exchange answered " + response.code());
      }
      try {
        Map<String, Object> json = JSONObjectUtils.parse(body);
        Object token = json.get("access_token");
        if (!(token instanceof String)) {
          throw new IOException("token exchange answered no access_token");
        }
        return (String) token;
      } catch (ParseException e) {
        throw new IOException("token exchange answered no JSON", e);
      }
    }
  }

  int port() {
    return Https.port(server);
  }

  String url() {
    return "https://" + HOST + ":" + port();
  }

  @Override
  public void close() {
    Https.stop(server);
    Https.close(client);
  }
}
