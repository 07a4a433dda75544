package dev.identitylog.correlate;

import static dev.identitylog.correlate.LayerLine.AWS_AUTHENTICATE_STATUS;
import static dev.identitylog.correlate.LayerLine.AWS_AUTHORIZER_ERROR;
import static dev.identitylog.correlate.LayerLine.AWS_AUTHORIZER_INTEGRATION_STATUS;
import static dev.identitylog.correlate.LayerLine.AWS_AUTHORIZER_STATUS;
import static dev.identitylog.correlate.LayerLine.AWS_AUTHORIZE_STATUS;
import static dev.identitylog.correlate.LayerLine.AWS_INTEGRATION_ERROR;
import static dev.identitylog.correlate.LayerLine.AWS_INTEGRATION_INTEGRATION_STATUS;
import static dev.identitylog.correlate.LayerLine.AWS_INTEGRATION_STATUS;
import static dev.identitylog.correlate.LayerLine.AWS_LATENCY;
import static dev.identitylog.correlate.LayerLine.AWS_REQUEST_TIME;
import static dev.identitylog.correlate.LayerLine.AWS_RESPONSE_TYPE;
import static dev.identitylog.correlate.LayerLine.AWS_XRAY;

import dev.identitylog.correlate.CorrelationEvent.Draft;
import dev.identitylog.event.TraceOrigin;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;

/**
 * Trace, time and reasons from an Amazon API Gateway access log line: the X-Ray trace id becomes
 * the 32-hex trace id (SPEC section 6); the request's end is its start plus its latency; the
 * phases come from the gateway response type ({@code $context.error.responseType}) and from the
 * authenticate, authorize, authorizer and integration statuses, as docs/mappings.md tables them.
 */
final class ApiGatewayLine {
  private ApiGatewayLine() {}

  static void apply(Draft d, String[] f) {
    if (d.traceId == null && f[AWS_XRAY] != null) {
      String trace = EventParser.traceId(f[AWS_XRAY]);
      if (trace != null && trace.length() == 32 && EventParser.isHex(trace)) {
        d.traceId = trace;
        d.layerTrace = true;
        if (d.traceOrigin == null) {
          d.traceOrigin = TraceOrigin.AWS;
        }
      }
    }
    long latency = LayerLine.number(f[AWS_LATENCY]);
    if (d.timestamp == Times.NONE) {
      long start = LayerLine.number(f[AWS_REQUEST_TIME]);
      if (start > 0) {
        d.timestamp = Times.fromEpoch(start + Math.max(latency, 0));
      }
    }
    if (d.durationNanos < 0 && latency >= 0) {
      d.durationNanos = latency * 1_000_000L;
    }
    String type = f[AWS_RESPONSE_TYPE];
    if (type != null) {
      fromResponseType(d, type, f);
    }
    fromStatuses(d, f);
  }

  private static void fromResponseType(Draft d, String type, String[] f) {
    String basis = "API Gateway error.responseType " + type;
    switch (type) {
      case "UNAUTHORIZED":
        // The authorizer refused the caller; API Gateway does not say why.
        LayerLine.deriveAuthn(d, Outcome.FAILURE, null, basis);
        break;
      case "MISSING_AUTHENTICATION_TOKEN":
        // Also the answer for a method or resource that does not exist: only a line with a
        // matched route (http.route) had a credential to miss.
        if (d.route) {
          LayerLine.derive(d, Reason.CREDENTIAL_MISSING, basis);
        }
        break;
      case "EXPIRED_TOKEN":
        LayerLine.derive(d, Reason.TOKEN_EXPIRED, basis);
        break;
      case "INVALID_SIGNATURE":
        LayerLine.derive(d, Reason.TOKEN_INVALID, basis);
        break;
      case "INVALID_API_KEY":
        LayerLine.deriveAuthn(d, Outcome.FAILURE, null, basis);
        break;
      case "AUTHORIZER_FAILURE":
      case "AUTHORIZER_CONFIGURATION_ERROR":
        LayerLine.derive(d, Reason.AUTHN_DEPENDENCY_UNAVAILABLE, basis);
        break;
      case "ACCESS_DENIED":
        LayerLine.derive(d, Reason.POLICY_DENIED, basis);
        break;
      case "RESOURCE_NOT_FOUND":
        LayerLine.derive(d, Reason.NO_ROUTE, basis);
        break;
      case "INTEGRATION_TIMEOUT":
        integration(d, Reason.TIMEOUT, basis);
        break;
      case "INTEGRATION_FAILURE":
        integration(d, null, basis
            + (f[AWS_INTEGRATION_ERROR] != null ? " (" + f[AWS_INTEGRATION_ERROR] + ")" : ""));
        break;
      case "THROTTLED":
      case "QUOTA_EXCEEDED":
        LayerLine.derive(d, Reason.THROTTLED, basis);
        break;
      default:
        break;
    }
  }

  private static void fromStatuses(Draft d, String[] f) {
    long authorizer = LayerLine.number(f[AWS_AUTHORIZER_STATUS]);
    long authorizerIntegration = LayerLine.number(f[AWS_AUTHORIZER_INTEGRATION_STATUS]);
    if (authorizerIntegration >= 500 || authorizer >= 500) {
      LayerLine.derive(d, Reason.AUTHN_DEPENDENCY_UNAVAILABLE,
          "API Gateway authorizer status " + (authorizer >= 500 ? authorizer
              : authorizerIntegration));
    } else if (authorizer == 401 || (authorizer == 403 && f[AWS_AUTHORIZER_ERROR] != null)) {
      LayerLine.deriveAuthn(d, Outcome.FAILURE, null, "API Gateway authorizer status "
          + authorizer);
    }
    long authenticate = LayerLine.number(f[AWS_AUTHENTICATE_STATUS]);
    if (authenticate >= 400 && authenticate < 500) {
      LayerLine.deriveAuthn(d, Outcome.FAILURE, null,
          "API Gateway authenticate.status " + authenticate);
    } else if (authenticate >= 200 && authenticate < 300) {
      LayerLine.deriveAuthn(d, Outcome.SUCCESS, null, null);
    }
    long authorize = LayerLine.number(f[AWS_AUTHORIZE_STATUS]);
    if (authorize == 403 || authorize == 401) {
      LayerLine.deriveAuthz(d, Outcome.FAILURE, Reason.POLICY_DENIED.code(),
          "API Gateway authorize.status " + authorize);
    } else if (authorize >= 200 && authorize < 300) {
      LayerLine.deriveAuthz(d, Outcome.SUCCESS, null, null);
    }
    // The backend's answer, when the gateway passed it on: for a Lambda proxy integration
    // integration.integrationStatus is the function's status, integration.status Lambda's.
    long backend = LayerLine.number(f[AWS_INTEGRATION_INTEGRATION_STATUS]);
    if (backend < 0) {
      backend = LayerLine.number(f[AWS_INTEGRATION_STATUS]);
    }
    if (backend > 0 && backend == d.httpStatus) {
      Reason relayed = LayerLine.upstreamReason((int) backend);
      if (relayed != null) {
        d.dependencyStatus = Long.toString(backend);
        integration(d, relayed, "API Gateway integration.status " + backend);
      }
    }
  }

  private static void integration(Draft d, Reason reason, String basis) {
    if (d.dependencyName == null) {
      d.dependencyName = "integration";
    }
    LayerLine.deriveDependency(d, reason == null ? null : reason.code(), basis);
  }
}
