package dev.identitylog.correlate;

import dev.identitylog.correlate.CorrelationEvent.Draft;
import dev.identitylog.outcome.DependencyFailures;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Phase;
import dev.identitylog.outcome.Reason;
import java.util.HashMap;
import java.util.Map;

/**
 * The raw facts of a non-Java layer's access log line (the {@code envoy.*}, {@code aws.*} and
 * {@code cloudflare.*} keys of the configurations in docs/layers), collected while the line is
 * parsed, and the standard's fields derived from them when it ends. Only the keys a layer reader
 * uses are kept, in fixed slots, so a line costs one small array and no map.
 *
 * <p>What is derived is marked inferred, and the fact it came from is kept as the event's basis
 * for the verdict's evidence. Whatever the line recorded itself under the standard's names wins.
 */
final class LayerLine {
  // Envoy (docs/layers/envoy/identity-log.yaml)
  static final int ENVOY_FLAGS = 0;
  static final int ENVOY_DETAILS = 1;
  static final int ENVOY_TRANSPORT_FAILURE = 2;
  static final int ENVOY_CLUSTER = 3;
  static final int ENVOY_ATTEMPTS = 4;
  // API Gateway (docs/layers/aws-api-gateway/access-log-format.json)
  static final int AWS_XRAY = 5;
  static final int AWS_REQUEST_TIME = 6;
  static final int AWS_LATENCY = 7;
  static final int AWS_RESPONSE_TYPE = 8;
  static final int AWS_AUTHENTICATE_STATUS = 9;
  static final int AWS_AUTHORIZE_STATUS = 10;
  static final int AWS_AUTHORIZER_STATUS = 11;
  static final int AWS_AUTHORIZER_ERROR = 12;
  static final int AWS_AUTHORIZER_INTEGRATION_STATUS = 13;
  static final int AWS_INTEGRATION_STATUS = 14;
  static final int AWS_INTEGRATION_INTEGRATION_STATUS = 15;
  static final int AWS_INTEGRATION_ERROR = 16;
  // Cloudflare (docs/layers/cloudflare/logpush-job.json)
  static final int CF_MTLS_STATUS = 17;
  static final int CF_ORIGIN_STATUS = 18;
  static final int CF_TRACEPARENT = 19;
  static final int CF_REQUEST_ID = 20;
  static final int CF_EDGE_START = 21;
  static final int ENVOY_UPSTREAM_REQUEST_ID = 22;
  private static final int SLOTS = 23;

  private static final Map<String, Integer> KEYS = new HashMap<>();

  static {
    KEYS.put("envoy.response_flags", ENVOY_FLAGS);
    KEYS.put("envoy.response_code_details", ENVOY_DETAILS);
    KEYS.put("envoy.upstream_transport_failure_reason", ENVOY_TRANSPORT_FAILURE);
    KEYS.put("envoy.upstream_cluster", ENVOY_CLUSTER);
    KEYS.put("envoy.upstream_request_attempt_count", ENVOY_ATTEMPTS);
    KEYS.put("envoy.upstream_request_id", ENVOY_UPSTREAM_REQUEST_ID);
    KEYS.put("aws.xray_trace_id", AWS_XRAY);
    KEYS.put("aws.request_time_epoch", AWS_REQUEST_TIME);
    KEYS.put("aws.response_latency_ms", AWS_LATENCY);
    KEYS.put("aws.error_response_type", AWS_RESPONSE_TYPE);
    KEYS.put("aws.authenticate_status", AWS_AUTHENTICATE_STATUS);
    KEYS.put("aws.authorize_status", AWS_AUTHORIZE_STATUS);
    KEYS.put("aws.authorizer_status", AWS_AUTHORIZER_STATUS);
    KEYS.put("aws.authorizer_error", AWS_AUTHORIZER_ERROR);
    KEYS.put("aws.authorizer_integration_status", AWS_AUTHORIZER_INTEGRATION_STATUS);
    KEYS.put("aws.integration_status", AWS_INTEGRATION_STATUS);
    KEYS.put("aws.integration_integration_status", AWS_INTEGRATION_INTEGRATION_STATUS);
    KEYS.put("aws.integration_error", AWS_INTEGRATION_ERROR);
    KEYS.put("cloudflare.ClientMTLSAuthStatus", CF_MTLS_STATUS);
    KEYS.put("cloudflare.OriginResponseStatus", CF_ORIGIN_STATUS);
    KEYS.put("cloudflare.RequestHeaders.traceparent", CF_TRACEPARENT);
    KEYS.put("cloudflare.RequestHeaders.x-request-id", CF_REQUEST_ID);
    KEYS.put("cloudflare.EdgeStartTimestamp", CF_EDGE_START);
  }

  private LayerLine() {}

  /** The slot of a layer key, or -1 for a key no layer reader uses. */
  static int slot(String key) {
    if (key.length() < 5) {
      return -1;
    }
    char c = key.charAt(0);
    if (c != 'e' && c != 'a' && c != 'c') {
      return -1; // most keys: not a layer key, no map look-up
    }
    Integer s = KEYS.get(key);
    return s == null ? -1 : s;
  }

  static String[] newFacts() {
    return new String[SLOTS];
  }

  /** Derives the standard's fields from the facts of the line, where the line has them. */
  static void apply(Draft d, String[] facts) {
    if (facts == null) {
      return;
    }
    if (any(facts, ENVOY_FLAGS, ENVOY_ATTEMPTS) || facts[ENVOY_UPSTREAM_REQUEST_ID] != null) {
      EnvoyLine.apply(d, facts);
    }
    if (any(facts, AWS_XRAY, AWS_INTEGRATION_ERROR)) {
      ApiGatewayLine.apply(d, facts);
    }
    if (any(facts, CF_MTLS_STATUS, CF_EDGE_START)) {
      CloudflareLine.apply(d, facts);
    }
  }

  private static boolean any(String[] facts, int from, int to) {
    for (int i = from; i <= to; i++) {
      if (facts[i] != null) {
        return true;
      }
    }
    return false;
  }

  // ---- shared by the layer readers ------------------------------------------------------

  /**
   * Records a derived reason in its phase, unless the line recorded that phase itself. A reason
   * without a phase (client_abort, throttled) becomes {@code error.type}.
   */
  static void derive(Draft d, Reason reason, String basis) {
    switch (reason.phase()) {
      case AUTHN:
        deriveAuthn(d, reason.outcome(), reason.code(), basis);
        break;
      case AUTHZ:
        deriveAuthz(d, reason.outcome(), reason.code(), basis);
        break;
      case DEPENDENCY:
        deriveDependency(d, reason.code(), basis);
        break;
      default:
        if (d.errorType == null) {
          d.errorType = reason.code();
          basis(d, basis);
        }
        break;
    }
  }

  /** An authn outcome with an optional reason (some layers say only that authn failed). */
  static void deriveAuthn(Draft d, Outcome outcome, String reason, String basis) {
    if (d.authn == null) {
      d.authn = outcome;
      d.authnReason = reason;
      d.authnInferred = true;
      if (outcome.failed()) {
        basis(d, basis);
      }
    }
  }

  static void deriveAuthz(Draft d, Outcome outcome, String reason, String basis) {
    if (d.authz == null) {
      d.authz = outcome;
      d.authzReason = reason;
      d.authzInferred = true;
      if (outcome.failed()) {
        basis(d, basis);
      }
    }
  }

  /** A failed dependency phase; reason may be null when the layer does not say why. */
  static void deriveDependency(Draft d, String reason, String basis) {
    if (d.dependency == null) {
      d.dependency = Outcome.FAILURE;
      d.dependencyReason = reason;
      d.dependencyInferred = true;
      basis(d, basis);
    }
  }

  /**
   * Keeps the basis of the phase the verdict reads first (authn, then authz, then dependency,
   * then error.type), so the evidence names the fact behind the reason it gives.
   */
  private static void basis(Draft d, String basis) {
    if (d.basis == null || rank(d) < d.basisRank) {
      d.basis = basis;
      d.basisRank = rank(d);
    }
  }

  private static int rank(Draft d) {
    if (failed(d.authn)) {
      return 0;
    }
    if (failed(d.authz)) {
      return 1;
    }
    return failed(d.dependency) ? 2 : 3;
  }

  private static boolean failed(Outcome o) {
    return o != null && o.failed();
  }

  /**
   * The dependency reason of an upstream status a layer relayed, by the core's one classifier
   * ({@link DependencyFailures}); null for a status that is no dependency failure (429 is the
   * upstream throttling, a reason of no phase).
   */
  static Reason upstreamReason(int status) {
    Reason r = DependencyFailures.fromHttpStatus(status);
    return r != null && r.phase() == Phase.DEPENDENCY ? r : null;
  }

  /** A non-negative integer written as text, or -1. */
  static long number(String s) {
    if (s == null || s.isEmpty() || s.length() > 18) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
