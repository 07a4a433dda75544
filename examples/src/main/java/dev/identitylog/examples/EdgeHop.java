package dev.identitylog.examples;

import dev.identitylog.IdentityLog;
import dev.identitylog.RequestIdentity;
import dev.identitylog.cert.ChainVerifier;
import dev.identitylog.event.HopLayer;
import dev.identitylog.okhttp.IdentityLogOkHttp;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import dev.identitylog.servlet.IdentityLogFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.eclipse.jetty.server.Server;

/**
 * The edge, as a CDN runs it: TLS asks for a client certificate and accepts any ("want" mode,
 * trust-all), and the application decides. It verifies the chain against the demo CA, refuses a
 * request without a valid certificate with 401 (recording why: {@code cert_missing}, or the
 * verifier's reason such as {@code cert_expired}), and forwards the rest to the gateway over mTLS
 * with its own SPIFFE certificate, passing the client's certificate on in
 * {@code x-forwarded-client-cert} (Envoy's format: By, Hash, Cert, Subject, URI).
 *
 * <p>identity-log: the servlet filter records every request; {@code clientCertTrustAnchors} makes
 * the library verify the certificate too, so the event carries {@code cert_*} reasons even for
 * an application that forgot to record them; the OkHttp wrapper records the call to the gateway
 * and carries trace context and request id to it.
 */
final class EdgeHop implements AutoCloseable {
  static final String NAME = "edge";
  static final String HOST = Https.host(NAME);

  private final Server server;
  private final OkHttpClient client;

  private EdgeHop(Server server, OkHttpClient client) {
    this.server = server;
    this.client = client;
  }

  static EdgeHop start(DemoPki pki, DemoLogs logs, String gatewayUrl) throws Exception {
    DemoPki.Credential svid = pki.workload(NAME, HOST);
    List<X509Certificate> anchors = List.of(pki.ca());

    IdentityLog identityLog = IdentityLog.builder()
        .serviceName(NAME)
        .hopLayer(HopLayer.CDN)
        .clientCertTrustAnchors(anchors)
        .dependencyName(GatewayHop.HOST, GatewayHop.NAME)
        .addSink(logs.general())
        .restrictedFields(logs.restricted())
        .build();

    OkHttpClient client = Https.client(DemoPki.sslContext(svid, pki.trustManager()), pki.trustManager());
    Call.Factory http = IdentityLogOkHttp.create(identityLog).newCallFactory(client);
    ChainVerifier verifier = ChainVerifier.create(anchors);
    String xfccBy = DemoPki.spiffeId(NAME);

    // The demo's API is read-only: GET is forwarded, other methods get HttpServlet's 405.
    HttpServlet servlet = new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        RequestIdentity identity = RequestIdentity.current();
        X509Certificate[] chain =
            (X509Certificate[]) req.getAttribute("jakarta.servlet.request.X509Certificate");
        if (chain == null || chain.length == 0) {
          identity.authnFailed(Reason.CERT_MISSING);
          resp.sendError(401, "a client certificate is required");
          return;
        }
        Reason problem = verifier.verify(Arrays.asList(chain), Instant.now());
        if (problem != null) {
          identity.authnFailed(problem);
          resp.sendError(401, "client certificate refused: " + problem.code());
          return;
        }
        identity.authnSucceeded();
        // The edge authorizes nothing itself; saying so keeps a 403 relayed from inside from
        // being read as the edge's own decision.
        identity.authz(Outcome.NOT_APPLICABLE, null, null);

        Request.Builder forward = new Request.Builder()
            .url(gatewayUrl + req.getRequestURI()
                + (req.getQueryString() == null ? "" : "?" + req.getQueryString()))
            .get()
            // Set, never appended: whatever the client sent in this header is discarded.
            .header("x-forwarded-client-cert", xfcc(xfccBy, chain[0]))
            .header("X-Forwarded-For", req.getRemoteAddr());
        copy(req, forward, "Authorization");
        copy(req, forward, "Accept");
        try (Response answer = http.newCall(forward.build()).execute()) {
          relay(answer, resp);
        } catch (IOException e) {
          resp.sendError(502, "gateway unreachable");
        }
      }
    };
    Server server = Https.start(NAME,
        DemoPki.sslContext(svid, DemoPki.acceptAnyClientCertificate()), Https.ClientAuth.WANT,
        IdentityLogFilter.builder(identityLog).build(), "/api/*", servlet);
    return new EdgeHop(server, client);
  }

  /**
   * The element this edge adds to {@code x-forwarded-client-cert}: who it is, and the client
   * certificate's SHA-256, PEM (URL-encoded), subject and URI SANs.
   */
  static String xfcc(String by, X509Certificate cert) {
    StringBuilder sb = new StringBuilder();
    sb.append("By=").append(by);
    sb.append(";Hash=").append(java.util.HexFormat.of().formatHex(DemoPki.sha256(cert)));
    sb.append(";Cert=\"").append(percentEncode(pem(cert))).append('"');
    sb.append(";Subject=\"")
        .append(cert.getSubjectX500Principal().getName().replace("\"", "\\\"")).append('"');
    try {
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> san : cert.getSubjectAlternativeNames()) {
          if (Integer.valueOf(6).equals(san.get(0))) {
            sb.append(";URI=").append(san.get(1));
          }
        }
      }
    } catch (java.security.cert.CertificateParsingException e) {
      // No URI then; the hash and the certificate identify the client anyway.
    }
    return sb.toString();
  }

  static String pem(X509Certificate cert) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(cert.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Percent-encodes everything but RFC 3986 unreserved characters, as Envoy does for XFCC's
   * {@code Cert}. ({@code URLEncoder} would write spaces as {@code +}, which XFCC readers keep as a
   * literal plus: it is a base64 character.)
   */
  static String percentEncode(String s) {
    StringBuilder sb = new StringBuilder(s.length() * 2);
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  static void copy(HttpServletRequest from, Request.Builder to, String header) {
    String value = from.getHeader(header);
    if (value != null) {
      to.header(header, value);
    }
  }

  /** Sends the status, challenge and body of an upstream answer back to the caller. */
  static void relay(Response answer, HttpServletResponse resp) throws IOException {
    resp.setStatus(answer.code());
    String challenge = answer.header("WWW-Authenticate");
    if (challenge != null) {
      resp.setHeader("WWW-Authenticate", challenge);
    }
    ResponseBody body = answer.body();
    String type = answer.header("Content-Type");
    if (type != null) {
      resp.setContentType(type);
    }
    resp.getOutputStream().write(body.bytes());
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
