package dev.identitylog.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.outcome.Reason;
import org.junit.jupiter.api.Test;

/** The normalisations and tables of the layer readers, value by value. */
class LayerLineTest {
  @Test
  void rayIdDropsTheDataCentreSuffixOnly() {
    assertThat(CloudflareLine.rayId("3a6050bcbe121a87-AMS")).isEqualTo("3a6050bcbe121a87");
    assertThat(CloudflareLine.rayId("3A6050BCBE121A87-ams")).isEqualTo("3a6050bcbe121a87");
    assertThat(CloudflareLine.rayId("3a6050bcbe121a87")).isEqualTo("3a6050bcbe121a87");
    // CloudFront's X-Amz-Cf-Id and other ids stay as they are.
    String cf = "qC3bJ_Dy3H3U0sqvsF2Ul3yVkYzS0n_LRmAB7NOuWNpPzaoj6-TQqw==";
    assertThat(CloudflareLine.rayId(cf)).isEqualTo(cf);
    assertThat(CloudflareLine.rayId("3a6050bcbe121a8z-AMS")).isEqualTo("3a6050bcbe121a8z-AMS");
    assertThat(CloudflareLine.rayId("3a6050bcbe121a87-A1S")).isEqualTo("3a6050bcbe121a87-A1S");
  }

  @Test
  void jwtStatusesAsJwtAuthnWritesThem() {
    assertThat(EnvoyLine.jwtStatus("Jwt_is_missing")).isEqualTo(Reason.CREDENTIAL_MISSING);
    assertThat(EnvoyLine.jwtStatus("Jwt_is_expired")).isEqualTo(Reason.TOKEN_EXPIRED);
    assertThat(EnvoyLine.jwtStatus("Jwt_not_yet_valid")).isEqualTo(Reason.TOKEN_NOT_YET_VALID);
    assertThat(EnvoyLine.jwtStatus("Audiences_in_Jwt_are_not_allowed"))
        .isEqualTo(Reason.AUDIENCE_MISMATCH);
    assertThat(EnvoyLine.jwtStatus("Jwt_issuer_is_not_configured"))
        .isEqualTo(Reason.ISSUER_UNTRUSTED);
    assertThat(EnvoyLine.jwtStatus("Jwks_remote_fetch_is_failed"))
        .isEqualTo(Reason.AUTHN_DEPENDENCY_UNAVAILABLE);
    assertThat(EnvoyLine.jwtStatus("Jwt_is_not_in_the_form_of_Header.Payload.Signature"))
        .isEqualTo(Reason.CREDENTIAL_MALFORMED);
    assertThat(EnvoyLine.jwtStatus("Jwt_header_is_an_invalid_Base64url_encoded"))
        .isEqualTo(Reason.CREDENTIAL_MALFORMED);
    assertThat(EnvoyLine.jwtStatus("Something_new")).isNull();
  }

  @Test
  void onlyTlsTransportFailuresAreTlsFailures() {
    assertThat(EnvoyLine.isTls(
        "TLS_error:_268435581:SSL_routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED")).isTrue();
    assertThat(EnvoyLine.isTls("delayed_connect_error:_111")).isFalse();
    assertThat(EnvoyLine.isTls(null)).isFalse();
  }

  @Test
  void theCauseBeforeTheRetriesItCaused() {
    CorrelationEvent e = CorrelationEvent.parse("{\"service.name\":\"envoy\",\"trace.id\":"
        + "\"4bf92f3577b34da6a3ce929d0e0e4736\",\"http.response.status_code\":\"503\","
        + "\"envoy.response_flags\":\"URX,UF\"}");
    CorrelationEvent longNames = CorrelationEvent.parse("{\"service.name\":\"envoy\","
        + "\"trace.id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"http.response.status_code\":504,"
        + "\"envoy.response_flags\":\"UpstreamRequestTimeout\"}");

    assertThat(e.dependencyReason).isEqualTo("connect_failure");
    assertThat(e.dependencyInferred).isTrue();
    assertThat(e.basis).isEqualTo("Envoy response flag UF");
    assertThat(longNames.dependencyReason).isEqualTo("timeout");
  }

  @Test
  void gatewayResponseTypesAsApiGatewayNamesThem() {
    String line = "{\"service.name\":\"api-gateway\",\"identity.request.id\":\"gw-1\","
        + "\"http.response.status_code\":\"%s\",%s\"aws.error_response_type\":\"%s\"}";
    CorrelationEvent notFound = CorrelationEvent.parse(String.format(line, 404, "", "RESOURCE_NOT_FOUND"));
    CorrelationEvent missing = CorrelationEvent.parse(
        String.format(line, 403, "\"http.route\":\"/orders/{id}\",", "MISSING_AUTHENTICATION_TOKEN"));
    CorrelationEvent noSuchMethod = CorrelationEvent.parse(
        String.format(line, 403, "\"http.route\":\"-\",", "MISSING_AUTHENTICATION_TOKEN"));
    CorrelationEvent denied = CorrelationEvent.parse(String.format(line, 403, "", "ACCESS_DENIED"));
    CorrelationEvent authorizerDown =
        CorrelationEvent.parse(String.format(line, 500, "", "AUTHORIZER_FAILURE"));
    CorrelationEvent throttled = CorrelationEvent.parse(String.format(line, 429, "", "THROTTLED"));

    assertThat(notFound.dependencyReason).isEqualTo("no_route");
    assertThat(missing.authnReason).isEqualTo("credential_missing");
    assertThat(noSuchMethod.authn).isNull();
    assertThat(denied.authzReason).isEqualTo("policy_denied");
    assertThat(authorizerDown.authnReason).isEqualTo("authn_dependency_unavailable");
    assertThat(authorizerDown.authn.code()).isEqualTo("error");
    assertThat(throttled.errorType).isEqualTo("throttled");
  }

  @Test
  void whatTheLineRecordedItselfWins() {
    CorrelationEvent e = CorrelationEvent.parse("{\"service.name\":\"envoy\",\"trace.id\":"
        + "\"4bf92f3577b34da6a3ce929d0e0e4736\",\"http.response.status_code\":401,"
        + "\"identity.authn.outcome\":\"failure\",\"identity.authn.reason\":\"token_invalid\","
        + "\"envoy.response_code_details\":\"jwt_authn_access_denied{Jwt_is_expired}\"}");

    assertThat(e.authnReason).isEqualTo("token_invalid");
    assertThat(e.authnInferred).isFalse();
    assertThat(e.basis).isNull();
  }

  @Test
  void oddValuesBecomeNothingNeverALostLine() {
    String[] odd = {
      "\"envoy.response_code_details\":\"jwt_authn_access_denied{\"",
      "\"envoy.response_flags\":\",,,\"",
      "\"envoy.upstream_request_attempt_count\":\"99999999999999999999\"",
      "\"aws.xray_trace_id\":\"1-zzzzzzzz-a006649127e371903a2de979\"",
      "\"aws.request_time_epoch\":\"not a number\",\"aws.response_latency_ms\":\"-5\"",
      "\"aws.integration_status\":\"5000000000000000000000\"",
      "\"cloudflare.RequestHeaders\":{\"traceparent\":\"00-zz-yy-01\"}",
      "\"cloudflare.EdgeStartTimestamp\":\"yesterday\"",
      "\"cloudflare.ClientMTLSAuthStatus\":{\"nested\":true}",
    };
    for (String facts : odd) {
      CorrelationEvent e = CorrelationEvent.parse("{\"service.name\":\"layer\","
          + "\"identity.request.id\":\"r-1\",\"http.response.status_code\":401," + facts + "}");
      assertThat(e).as(facts).isNotNull();
      assertThat(e.requestId).isEqualTo("r-1");
    }
  }
}
