package dev.identitylog.correlate;

import static dev.identitylog.correlate.LayerLine.ENVOY_ATTEMPTS;
import static dev.identitylog.correlate.LayerLine.ENVOY_CLUSTER;
import static dev.identitylog.correlate.LayerLine.ENVOY_DETAILS;
import static dev.identitylog.correlate.LayerLine.ENVOY_FLAGS;
import static dev.identitylog.correlate.LayerLine.ENVOY_TRANSPORT_FAILURE;
import static dev.identitylog.correlate.LayerLine.ENVOY_UPSTREAM_REQUEST_ID;

import dev.identitylog.correlate.CorrelationEvent.Draft;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;

/**
 * Reasons from an Envoy access log line: {@code %RESPONSE_CODE_DETAILS%} (what the filter that
 * answered says, e.g. {@code jwt_authn_access_denied{Jwt_is_expired}}) first, then
 * {@code %RESPONSE_FLAGS%} (short or long names), as docs/mappings.md tables them.
 */
final class EnvoyLine {
  private static final String JWT_DENIED = "jwt_authn_access_denied{";
  private static final String RBAC_DENIED = "rbac_access_denied";

  private EnvoyLine() {}

  static void apply(Draft d, String[] f) {
    // API Gateway answers every request with its $context.requestId in x-amzn-RequestId: the
    // only key that joins this line with the gateway's when the gateway refused the request.
    d.upstreamRequestId = f[ENVOY_UPSTREAM_REQUEST_ID];
    if (d.dependencyName == null && f[ENVOY_CLUSTER] != null) {
      d.dependencyName = f[ENVOY_CLUSTER];
    }
    if (d.attempts == 0) {
      long attempts = LayerLine.number(f[ENVOY_ATTEMPTS]);
      d.attempts = attempts > 0 ? (int) Math.min(attempts, 1_000_000L) : 0;
    }
    String details = f[ENVOY_DETAILS];
    if (details != null && fromDetails(d, details)) {
      return;
    }
    String flags = f[ENVOY_FLAGS];
    if (flags != null) {
      fromFlags(d, flags, f[ENVOY_TRANSPORT_FAILURE]);
    }
  }

  /** True when the details decided the line's reason. */
  private static boolean fromDetails(Draft d, String details) {
    String basis = "Envoy response_code_details " + details;
    if (details.startsWith(JWT_DENIED)) {
      int end = details.indexOf('}', JWT_DENIED.length());
      String status = details.substring(JWT_DENIED.length(), end < 0 ? details.length() : end);
      Reason r = jwtStatus(status);
      if (r != null) {
        LayerLine.derive(d, r, basis);
      } else {
        LayerLine.deriveAuthn(d, Outcome.FAILURE, null, basis);
      }
      return true;
    }
    if (details.startsWith(RBAC_DENIED)) {
      LayerLine.derive(d, Reason.POLICY_DENIED, basis);
      return true;
    }
    switch (details) {
      case "ext_authz_denied":
        LayerLine.derive(d, Reason.POLICY_DENIED, basis);
        return true;
      case "ext_authz_error":
        LayerLine.derive(d, Reason.AUTHZ_DEPENDENCY_UNAVAILABLE, basis);
        return true;
      case "via_upstream":
        // The status came from the upstream: this Envoy relayed it. A relayed 401 / 403 is the
        // upstream's decision (SPEC section 5), recorded as this hop's dependency failure so the
        // verdict can descend to the upstream's own event when there is one.
        Reason relayed = LayerLine.upstreamReason(d.httpStatus);
        if (relayed != null) {
          d.dependencyStatus = Integer.toString(d.httpStatus);
          LayerLine.derive(d, relayed, basis);
          if (d.authn == null && (d.httpStatus == 401 || d.httpStatus == 403)) {
            d.authn = Outcome.SUCCESS; // it accepted the request far enough to forward it
            d.authnInferred = true;
          }
        }
        return relayed != null;
      default:
        return false;
    }
  }

  /**
   * The reason for a {@code jwt_verify_lib} status as {@code jwt_authn} writes it into the details
   * (spaces replaced by {@code _}), or null when the status names no reason of the standard.
   */
  static Reason jwtStatus(String s) {
    switch (s) {
      case "Jwt_is_missing":
        return Reason.CREDENTIAL_MISSING;
      case "Jwt_is_expired":
        return Reason.TOKEN_EXPIRED;
      case "Jwt_not_yet_valid":
        return Reason.TOKEN_NOT_YET_VALID;
      case "Jwt_issuer_is_not_configured":
      case "Jwt_unknown_issuer":
        return Reason.ISSUER_UNTRUSTED;
      case "Audiences_in_Jwt_are_not_allowed":
        return Reason.AUDIENCE_MISMATCH;
      case "Jwt_verification_fails":
        return Reason.TOKEN_INVALID;
      case "Jwks_remote_fetch_is_failed":
        return Reason.AUTHN_DEPENDENCY_UNAVAILABLE;
      default:
        break;
    }
    if (s.startsWith("Jwt_is_not_in_the_form") || s.contains("invalid_Base64url")
        || s.contains("invalid_JSON")) {
      return Reason.CREDENTIAL_MALFORMED;
    }
    if (s.startsWith("Jwks_doesn't_have_key")) {
      return Reason.TOKEN_INVALID; // signed with a key the issuer does not publish
    }
    return null;
  }

  private static void fromFlags(Draft d, String flags, String transportFailure) {
    Reason chosen = null;
    String chosenFlag = null;
    int best = Integer.MAX_VALUE;
    int start = 0;
    while (start <= flags.length()) {
      int comma = flags.indexOf(',', start);
      int end = comma < 0 ? flags.length() : comma;
      String flag = flags.substring(start, end).trim();
      int rank = rank(flag);
      if (rank < best) {
        best = rank;
        chosenFlag = flag;
        chosen = reason(flag, transportFailure);
      }
      if (comma < 0) {
        break;
      }
      start = comma + 1;
    }
    if (chosen == null) {
      return;
    }
    String basis = "Envoy response flag " + chosenFlag
        + (chosen == Reason.UPSTREAM_TLS_FAILURE ? " with upstream transport failure "
            + transportFailure : "");
    LayerLine.derive(d, chosen, basis);
  }

  /**
   * Which flag of several names the cause: the downstream going away, then refusals Envoy made
   * itself, then the most specific upstream failure before the retries it caused (URX).
   */
  private static int rank(String flag) {
    switch (flag) {
      case "DC": case "DownstreamConnectionTermination":
      case "DR": case "DownstreamRemoteReset":
        return 0;
      case "UAEX": case "UnauthorizedExternalService":
        return 1;
      case "RL": case "RateLimited":
        return 2;
      case "NR": case "NoRouteFound":
      case "NC": case "NoClusterFound":
        return 3;
      case "UF": case "UpstreamConnectionFailure":
      case "DF": case "DnsResolutionFailed":
      case "UH": case "NoHealthyUpstream":
        return 4;
      case "UT": case "UpstreamRequestTimeout":
      case "UMSDR": case "UpstreamMaxStreamDurationReached":
      case "DT": case "DurationTimeout":
      case "SI": case "StreamIdleTimeout":
        return 5;
      case "UPE": case "UpstreamProtocolError":
        return 6;
      case "UO": case "UpstreamOverflow":
      case "DO": case "DropOverload":
      case "UDO": case "UnconditionalDropOverload":
        return 7;
      case "LR": case "LocalReset":
      case "UR": case "UpstreamRemoteReset":
      case "UC": case "UpstreamConnectionTermination":
        return 8;
      case "URX": case "UpstreamRetryLimitExceeded":
        return 9;
      default:
        return Integer.MAX_VALUE;
    }
  }

  private static Reason reason(String flag, String transportFailure) {
    switch (flag) {
      case "DC": case "DownstreamConnectionTermination":
      case "DR": case "DownstreamRemoteReset":
        return Reason.CLIENT_ABORT;
      case "UAEX": case "UnauthorizedExternalService":
        return Reason.POLICY_DENIED;
      case "RL": case "RateLimited":
        return Reason.THROTTLED;
      case "NR": case "NoRouteFound":
      case "NC": case "NoClusterFound":
      case "UH": case "NoHealthyUpstream":
        return Reason.NO_ROUTE;
      case "UF": case "UpstreamConnectionFailure":
        return isTls(transportFailure) ? Reason.UPSTREAM_TLS_FAILURE : Reason.CONNECT_FAILURE;
      case "DF": case "DnsResolutionFailed":
        return Reason.DNS_FAILURE;
      case "UT": case "UpstreamRequestTimeout":
      case "UMSDR": case "UpstreamMaxStreamDurationReached":
      case "DT": case "DurationTimeout":
      case "SI": case "StreamIdleTimeout":
        return Reason.TIMEOUT;
      case "UPE": case "UpstreamProtocolError":
        return Reason.PROTOCOL_ERROR;
      case "UO": case "UpstreamOverflow":
      case "DO": case "DropOverload":
      case "UDO": case "UnconditionalDropOverload":
        return Reason.OVERFLOW;
      case "LR": case "LocalReset":
      case "UR": case "UpstreamRemoteReset":
      case "UC": case "UpstreamConnectionTermination":
        return Reason.RESET;
      case "URX": case "UpstreamRetryLimitExceeded":
        return Reason.RETRY_EXHAUSTED;
      default:
        return null;
    }
  }

  /**
   * Whether {@code %UPSTREAM_TRANSPORT_FAILURE_REASON%} names a TLS failure (BoringSSL's
   * {@code TLS_error:...CERTIFICATE_VERIFY_FAILED...}) rather than a plain connect error such as
   * {@code delayed_connect_error:_111}.
   */
  static boolean isTls(String reason) {
    if (reason == null) {
      return false;
    }
    return reason.startsWith("TLS_error") || reason.startsWith("TLS error")
        || reason.contains("SSL_routines") || reason.contains("SSL routines")
        || reason.contains("CERTIFICATE_VERIFY_FAILED");
  }
}
