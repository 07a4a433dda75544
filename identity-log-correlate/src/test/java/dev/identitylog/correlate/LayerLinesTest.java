package dev.identitylog.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Access log lines of Envoy, Amazon API Gateway and Cloudflare, in the formats the configurations
 * of docs/layers write, joined with the Java hops behind them and explained from each layer's own
 * facts. Sources of the field names and values: src/test/resources/layers/README.md and the
 * comment above each fixture.
 */
class LayerLinesTest {
  private static final String T1 = "4bf92f3577b34da6a3ce929d0e0e4736";

  // ---- Envoy ------------------------------------------------------------------------------
  // Operators: envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/usage
  // (%RESPONSE_FLAGS% "UF,URX", %RESPONSE_CODE_DETAILS%, %UPSTREAM_TRANSPORT_FAILURE_REASON%);
  // jwt_authn details: envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/jwt_authn_filter
  // ("jwt_authn_access_denied{" + the jwt_verify_lib status with spaces as "_" + "}").

  private static String envoy(String requestId, int status, String extra) {
    return "{\"timestamp\":\"2026-12-06T09:00:00.190Z\",\"event.name\":\"identity.server\","
        + "\"service.name\":\"edge-envoy\",\"identity.hop.layer\":\"proxy\","
        + "\"trace.id\":\"" + T1 + "\",\"span.id\":\"b7ad6b7169203331\","
        + "\"identity.request.id\":\"" + requestId + "\","
        + "\"identity.request.edge_id\":\"3a6050bcbe121a87-AMS\","
        + "\"http.request.method\":\"GET\",\"url.path\":\"/orders/42\","
        + "\"http.response.status_code\":\"" + status + "\",\"event.duration\":\"180000000\","
        + "\"envoy.upstream_cluster\":\"orders\"," + extra + "}";
  }

  /** A Java hop behind the layer, as identity-log writes it. */
  private static String orders(String requestId, int status, String extra) {
    return "{\"timestamp\":\"2026-12-06T09:00:00.170Z\",\"event.name\":\"identity.server\","
        + "\"identity.schema\":\"1.1\",\"service.name\":\"orders\","
        + "\"identity.hop.layer\":\"backend\",\"trace.id\":\"" + T1 + "\","
        + "\"span.id\":\"1f2e3d4c5b6a7980\",\"span.parent.id\":\"b7ad6b7169203331\","
        + "\"identity.trace.origin\":\"traceparent\","
        + "\"identity.request.id\":\"" + requestId + "\","
        + "\"identity.request.edge_id\":\"3a6050bcbe121a87-AMS\","
        + "\"http.response.status_code\":" + status + ",\"event.duration\":140000000,"
        + extra + "}";
  }

  private static final String ORDERS_INTERNAL_ERROR =
      "\"event.outcome\":\"failure\",\"error.type\":\"internal_error\","
          + "\"identity.authn.outcome\":\"success\",\"identity.authz.outcome\":\"success\"";

  @Test
  void envoyExpiredJwtIsAnAuthnFailureWithItsReason() {
    RequestVerdict v = Run.of(List.of(envoy("r-1", 401,
        "\"envoy.response_flags\":\"-\","
            + "\"envoy.response_code_details\":\"jwt_authn_access_denied{Jwt_is_expired}\""))).only();

    assertThat(v.verdict()).isEqualTo(Verdict.AUTHN_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("edge-envoy");
    assertThat(v.verdictReason()).isEqualTo("token_expired");
    assertThat(v.evidence()).contains("inferred from Envoy response_code_details "
        + "jwt_authn_access_denied{Jwt_is_expired}");
    assertThat(v.hops().get(0).authnReason()).isEqualTo("token_expired");
  }

  @Test
  void envoyRbacAndExtAuthzAreAuthzFailures() {
    RequestVerdict rbac = Run.of(List.of(envoy("r-2", 403,
        "\"envoy.response_code_details\":\"rbac_access_denied_matched_policy[deny-admin]\""))).only();
    RequestVerdict extAuthz = Run.of(List.of(envoy("r-3", 403,
        "\"envoy.response_flags\":\"UAEX\",\"envoy.response_code_details\":\"ext_authz_denied\""))).only();

    assertThat(rbac.verdict()).isEqualTo(Verdict.AUTHZ_FAILURE);
    assertThat(rbac.verdictReason()).isEqualTo("policy_denied");
    assertThat(extAuthz.verdict()).isEqualTo(Verdict.AUTHZ_FAILURE);
    assertThat(extAuthz.verdictReason()).isEqualTo("policy_denied");
  }

  @Test
  void envoyUpstreamConnectionFailureWithTlsErrorIsAnUpstreamTlsFailure() {
    // BoringSSL's text as Envoy writes it, spaces replaced by "_".
    RequestVerdict tls = Run.of(List.of(envoy("r-4", 503,
        "\"envoy.response_flags\":\"UF,URX\","
            + "\"envoy.response_code_details\":\"upstream_reset_before_response_started"
            + "{connection_failure,TLS_error:_268435581:SSL_routines:OPENSSL_internal:"
            + "CERTIFICATE_VERIFY_FAILED}\","
            + "\"envoy.upstream_transport_failure_reason\":\"TLS_error:_268435581:SSL_routines:"
            + "OPENSSL_internal:CERTIFICATE_VERIFY_FAILED\","
            + "\"envoy.upstream_request_attempt_count\":\"2\""))).only();
    RequestVerdict refused = Run.of(List.of(envoy("r-5", 503,
        "\"envoy.response_flags\":\"UF\","
            + "\"envoy.upstream_transport_failure_reason\":\"delayed_connect_error:_111\""))).only();
    RequestVerdict timeout = Run.of(List.of(envoy("r-6", 504,
        "\"envoy.response_flags\":\"UT\",\"envoy.response_code_details\":\"upstream_response_timeout\""))).only();
    RequestVerdict noHealthy = Run.of(List.of(envoy("r-7", 503,
        "\"envoy.response_flags\":\"UH\",\"envoy.response_code_details\":\"no_healthy_upstream\""))).only();

    assertThat(tls.verdict()).isEqualTo(Verdict.DEPENDENCY_FAILURE);
    assertThat(tls.verdictReason()).isEqualTo("upstream_tls_failure");
    assertThat(tls.evidence()).contains("its call to orders failed", "Envoy response flag UF");
    assertThat(refused.verdictReason()).isEqualTo("connect_failure");
    assertThat(timeout.verdictReason()).isEqualTo("timeout");
    assertThat(noHealthy.verdictReason()).isEqualTo("no_route");
  }

  @Test
  void envoyDownstreamDisconnectIsAClientAbort() {
    CorrelationEvent e = CorrelationEvent.parse(envoy("r-8", 0, "\"envoy.response_flags\":\"DC\""));

    assertThat(e.errorType).isEqualTo("client_abort");
  }

  @Test
  void aBackendFailureBehindEnvoyIsTheBackends() {
    RequestVerdict v = Run.of(List.of(
        envoy("r-9", 500, "\"envoy.response_code_details\":\"via_upstream\""),
        orders("r-9", 500, ORDERS_INTERNAL_ERROR))).only();

    assertThat(v.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(v.verdictHop()).isEqualTo("orders");
    assertThat(v.verdictReason()).isEqualTo("internal_error");
    assertThat(v.evidence()).contains("passed on by edge-envoy (500)");
  }

  // ---- Cloudflare -------------------------------------------------------------------------
  // Fields: developers.cloudflare.com/logs/reference/log-fields/zone/http_requests/
  // (RayID without data-centre suffix; ClientMTLSAuthStatus unknown|ok|absent|untrusted|
  // notyetvalid|expired; OriginResponseStatus 0 when no origin request was made);
  // RequestHeaders: developers.cloudflare.com/logs/reference/custom-fields/;
  // timestamp_format rfc3339ms: developers.cloudflare.com/logs/logpush/logpush-job/log-output-options/.

  private static String cloudflare(String ray, int status, int origin, String mtls, String headers) {
    return "{\"timestamp\":\"2026-12-06T09:00:00.200Z\",\"event.name\":\"identity.server\","
        + "\"service.name\":\"cloudflare\",\"identity.hop.layer\":\"cdn\","
        + "\"identity.request.edge_id\":\"" + ray + "\",\"http.request.method\":\"GET\","
        + "\"url.path\":\"/orders/42\",\"http.response.status_code\":" + status + ","
        + "\"cloudflare.EdgeStartTimestamp\":\"2026-12-06T09:00:00.000Z\","
        + "\"cloudflare.ClientSSLProtocol\":\"TLSv1.3\","
        + "\"cloudflare.ClientMTLSAuthStatus\":\"" + mtls + "\","
        + "\"cloudflare.OriginResponseStatus\":" + origin + ","
        + "\"cloudflare.RequestHeaders\":" + headers + "}";
  }

  @Test
  void cloudflareRayIdJoinsTheOriginsCfRay() {
    // Nothing else in common: the origin logged CF-Ray with its data-centre suffix.
    RequestVerdict v = Run.of(List.of(
        cloudflare("3a6050bcbe121a87", 500, 500, "ok", "{}"),
        orders("r-10", 500, ORDERS_INTERNAL_ERROR).replace(T1, "11112222333344445555666677778888")))
        .only();

    assertThat(Run.services(v)).containsExactly("cloudflare:server", "orders:server");
    assertThat(v.verdictHop()).isEqualTo("orders");
    assertThat(v.evidence()).contains("passed on by cloudflare (500)");
  }

  @Test
  void cloudflareRequestHeadersJoinOnTraceAndRequestId() {
    CorrelationEvent e = CorrelationEvent.parse(cloudflare("3a6050bcbe121a87", 200, 200, "ok",
        "{\"traceparent\":\"00-" + T1 + "-00f067aa0ba902b7-01\",\"x-request-id\":\"r-11\"}"));

    assertThat(e.traceId).isEqualTo(T1);
    assertThat(e.parentSpanId).isEqualTo("00f067aa0ba902b7");
    assertThat(e.requestId).isEqualTo("r-11");
    assertThat(e.durationNanos).isEqualTo(200_000_000L);
    assertThat(e.edgeId).isEqualTo("3a6050bcbe121a87");
  }

  @Test
  void cloudflareUntrustedCertificateIsCloudflaresAuthnFailure() {
    RequestVerdict v = Run.of(List.of(
        cloudflare("3a6050bcbe121c77", 403, 0, "untrusted", "{\"x-request-id\":\"r-12\"}")))
        .only();

    assertThat(v.verdict()).isEqualTo(Verdict.AUTHN_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("cloudflare");
    assertThat(v.verdictReason()).isEqualTo("cert_untrusted");
    assertThat(v.evidence()).contains("inferred from Cloudflare ClientMTLSAuthStatus untrusted");
  }

  @Test
  void anMtlsStatusIsNotCloudflaresDecisionWhenTheOriginAnswered() {
    RequestVerdict v = Run.of(List.of(
        cloudflare("3a6050bcbe121a87", 403, 403, "untrusted", "{}"),
        orders("r-13", 403, "\"event.outcome\":\"failure\",\"identity.authn.outcome\":\"success\","
            + "\"identity.authz.outcome\":\"failure\",\"identity.authz.reason\":\"insufficient_scope\"")))
        .only();

    assertThat(v.verdict()).isEqualTo(Verdict.AUTHZ_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("orders");
    assertThat(v.hops().get(0).authn()).isNull();
  }

  @Test
  void cloudflareOriginErrorsAreDependencyFailures() {
    RequestVerdict v = Run.of(List.of(cloudflare("3a6050bcbe121a88", 522, 0, "ok", "{}"))).only();

    assertThat(v.verdict()).isEqualTo(Verdict.DEPENDENCY_FAILURE);
    assertThat(v.verdictReason()).isEqualTo("timeout");
    assertThat(v.evidence()).contains("its call to origin failed");
  }

  // ---- Amazon API Gateway -----------------------------------------------------------------
  // Variables: docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-variables-for-access-logging.html
  // ($context.xrayTraceId "1-58406520-a006649127e371903a2de979", $context.requestTimeEpoch in ms,
  // $context.authorizer.status / .error, $context.integration.status); response types:
  // docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html.
  // Every value is a quoted string, "-" when the variable has none (README of the layer).

  private static final String XRAY = "1-58406520-a006649127e371903a2de979";
  private static final String XRAY_TRACE = "58406520a006649127e371903a2de979";

  private static String gateway(String requestId, int status, String extra) {
    return "{\"event.name\":\"identity.server\",\"service.name\":\"api-gateway\","
        + "\"identity.hop.layer\":\"gateway\",\"identity.request.id\":\"" + requestId + "\","
        + "\"http.request.method\":\"GET\",\"url.path\":\"/prod/orders/42\","
        + "\"http.route\":\"/orders/{id}\",\"http.response.status_code\":\"" + status + "\","
        + "\"aws.request_time_epoch\":\"1796547600015\",\"aws.response_latency_ms\":\"160\","
        + "\"aws.xray_trace_id\":\"" + XRAY + "\",\"aws.error_message\":\"-\"," + extra + "}";
  }

  @Test
  void gatewayLineTakesTraceTimeAndDurationFromItsVariables() {
    CorrelationEvent e = CorrelationEvent.parse(gateway("gw-1", 200,
        "\"aws.error_response_type\":\"-\",\"aws.integration_status\":\"200\""));

    assertThat(e.traceId).isEqualTo(XRAY_TRACE);
    assertThat(e.timestamp).isEqualTo(1796547600015L + 160);
    assertThat(e.durationNanos).isEqualTo(160_000_000L);
    assertThat(e.dependency).isNull();
  }

  @Test
  void authorizerUnauthorizedIsTheGatewaysAuthnFailure() {
    RequestVerdict v = Run.of(List.of(gateway("gw-2", 401,
        "\"aws.error_response_type\":\"UNAUTHORIZED\",\"aws.authorizer_status\":\"401\","
            + "\"aws.authorizer_error\":\"Unauthorized\",\"aws.integration_status\":\"-\""))).only();

    assertThat(v.verdict()).isEqualTo(Verdict.AUTHN_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("api-gateway");
    assertThat(v.verdictReason()).isNull(); // API Gateway does not say why
    assertThat(v.evidence()).contains("inferred from API Gateway error.responseType UNAUTHORIZED");
  }

  @Test
  void integrationTimeoutIsTheGatewaysDependencyFailureEvenWhenTheBackendAnsweredLate() {
    RequestVerdict v = Run.of(List.of(
        gateway("gw-3", 504, "\"aws.error_response_type\":\"INTEGRATION_TIMEOUT\","
            + "\"aws.integration_status\":\"-\",\"aws.integration_error\":\"Execution failed due to a timeout error\""),
        orders("gw-3", 200, "\"event.outcome\":\"success\"").replace(T1, XRAY_TRACE)
            .replace("\"traceparent\"", "\"aws\"").replace("140000000", "35000000000")))
        .only();

    assertThat(v.verdict()).isEqualTo(Verdict.DEPENDENCY_FAILURE);
    assertThat(v.verdictHop()).isEqualTo("api-gateway");
    assertThat(v.verdictReason()).isEqualTo("timeout");
    assertThat(v.evidence())
        .contains("its call to integration failed", "INTEGRATION_TIMEOUT");
    assertThat(Run.services(v)).containsExactly("api-gateway:server", "orders:server");
  }

  @Test
  void aBackendFailureBehindTheGatewayJoinsOnTheXrayTrace() {
    // Only the trace in common: the backend read X-Amzn-Trace-Id (identity.trace.origin aws).
    RequestVerdict v = Run.of(List.of(
        gateway("gw-4", 500, "\"aws.error_response_type\":\"-\",\"aws.integration_status\":\"500\""),
        orders("other-id", 500, ORDERS_INTERNAL_ERROR).replace(T1, XRAY_TRACE)
            .replace("\"traceparent\"", "\"aws\"").replace("3a6050bcbe121a87-AMS", "x")))
        .only();

    assertThat(v.verdictHop()).isEqualTo("orders");
    assertThat(v.verdictReason()).isEqualTo("internal_error");
    assertThat(v.evidence()).contains("passed on by api-gateway (500)");
  }

  @Test
  void aTraceparentBehindTheGatewayWinsOverXrayWithoutBreakingTheTrace() {
    // SPEC section 6: the backend continues traceparent before X-Amzn-Trace-Id; the gateway's
    // X-Ray id is its own, and the lines join on the request id it mapped to X-Request-ID.
    RequestVerdict v = Run.of(List.of(
        gateway("gw-5", 200, "\"aws.error_response_type\":\"-\",\"aws.integration_status\":\"200\""),
        orders("gw-5", 200, "\"event.outcome\":\"success\""))).only();

    assertThat(v.verdict()).isEqualTo(Verdict.OK);
    assertThat(v.hops().get(0).traceId()).isEqualTo(XRAY_TRACE);
    assertThat(v.traceId()).isEqualTo(T1);
    assertThat(v.traceIds()).containsExactly(T1);
  }

  // ---- all layers -------------------------------------------------------------------------

  @Test
  void mixedFileGetsOneVerdictPerRequest() throws IOException {
    List<String> lines;
    try (InputStream in = LayerLinesTest.class.getResourceAsStream("/layers/mixed.jsonl")) {
      lines = Arrays.asList(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
    }
    Run run = Run.of(lines);

    assertThat(run.verdicts).hasSize(4);
    Map<String, RequestVerdict> byRequest = run.verdicts.stream()
        .collect(Collectors.toMap(v -> v.requestIds().stream()
            .filter(id -> id.startsWith("r-")).findFirst().orElse("?"), Function.identity()));
    assertThat(byRequest).containsOnlyKeys("r-backend", "r-expired", "r-untrusted", "r-authorizer");

    RequestVerdict backend = byRequest.get("r-backend");
    assertThat(Run.services(backend)).containsExactly(
        "cloudflare:server", "edge-envoy:server", "api-gateway:server", "orders:server");
    assertThat(backend.verdict()).isEqualTo(Verdict.DEPENDENCY_FAILURE);
    assertThat(backend.verdictHop()).isEqualTo("orders");
    assertThat(backend.verdictReason()).isEqualTo("connect_failure");
    assertThat(backend.traceIds()).containsExactly(T1);
    assertThat(backend.evidence())
        .contains("passed on by api-gateway (503), edge-envoy (503), cloudflare (503)");

    RequestVerdict expired = byRequest.get("r-expired");
    assertThat(Run.services(expired)).containsExactly("cloudflare:server", "edge-envoy:server");
    assertThat(expired.verdict()).isEqualTo(Verdict.AUTHN_FAILURE);
    assertThat(expired.verdictHop()).isEqualTo("edge-envoy");
    assertThat(expired.verdictReason()).isEqualTo("token_expired");

    RequestVerdict untrusted = byRequest.get("r-untrusted");
    assertThat(untrusted.verdictHop()).isEqualTo("cloudflare");
    assertThat(untrusted.verdictReason()).isEqualTo("cert_untrusted");

    RequestVerdict authorizer = byRequest.get("r-authorizer");
    assertThat(Run.services(authorizer))
        .containsExactly("cloudflare:server", "edge-envoy:server", "api-gateway:server");
    assertThat(authorizer.verdict()).isEqualTo(Verdict.AUTHN_FAILURE);
    assertThat(authorizer.verdictHop()).isEqualTo("api-gateway");
    assertThat(authorizer.evidence()).contains("UNAUTHORIZED");
  }
}
