package dev.identitylog.correlate;

import static dev.identitylog.correlate.LayerLine.CF_EDGE_START;
import static dev.identitylog.correlate.LayerLine.CF_MTLS_STATUS;
import static dev.identitylog.correlate.LayerLine.CF_ORIGIN_STATUS;
import static dev.identitylog.correlate.LayerLine.CF_REQUEST_ID;
import static dev.identitylog.correlate.LayerLine.CF_TRACEPARENT;

import dev.identitylog.correlate.CorrelationEvent.Draft;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;

/**
 * Join keys, time and reasons from a Cloudflare Logpush {@code http_requests} line: the client's
 * {@code traceparent} and {@code x-request-id} logged as custom fields ({@code RequestHeaders}),
 * the duration from {@code EdgeStartTimestamp}, the authn phase from
 * {@code ClientMTLSAuthStatus} when Cloudflare itself refused the request, and the dependency
 * phase from Cloudflare's own 52x answers. Also the Ray ID in one form for every hop.
 */
final class CloudflareLine {
  private CloudflareLine() {}

  static void apply(Draft d, String[] f) {
    if (d.traceId == null && d.traceparent == null && f[CF_TRACEPARENT] != null) {
      d.traceparent = f[CF_TRACEPARENT]; // validated as any traceparent when the line ends
    }
    if (d.requestId == null && f[CF_REQUEST_ID] != null) {
      d.requestId = f[CF_REQUEST_ID];
    }
    if (d.durationNanos < 0 && d.timestamp != Times.NONE && f[CF_EDGE_START] != null) {
      long start = Times.parse(f[CF_EDGE_START]);
      if (start != Times.NONE && start <= d.timestamp) {
        d.durationNanos = (d.timestamp - start) * 1_000_000L;
      }
    }
    long origin = LayerLine.number(f[CF_ORIGIN_STATUS]);
    String mtls = f[CF_MTLS_STATUS];
    if (mtls != null) {
      fromMtls(d, mtls, origin);
    }
    fromEdgeStatus(d, origin);
  }

  /**
   * {@code ClientMTLSAuthStatus} is logged on the first request of an mTLS connection whatever
   * happened next; a failed check is Cloudflare's decision only when Cloudflare itself refused
   * the request (401 or 403, no origin request), as an mTLS rule does.
   */
  private static void fromMtls(Draft d, String status, long origin) {
    String basis = "Cloudflare ClientMTLSAuthStatus " + status;
    boolean refusedAtEdge = (d.httpStatus == 401 || d.httpStatus == 403) && origin <= 0;
    switch (status) {
      case "ok":
        LayerLine.deriveAuthn(d, Outcome.SUCCESS, null, null);
        break;
      case "absent":
        if (refusedAtEdge) {
          LayerLine.derive(d, Reason.CERT_MISSING, basis);
        }
        break;
      case "untrusted":
        if (refusedAtEdge) {
          LayerLine.derive(d, Reason.CERT_UNTRUSTED, basis);
        }
        break;
      case "notyetvalid":
        if (refusedAtEdge) {
          LayerLine.derive(d, Reason.CERT_NOT_YET_VALID, basis);
        }
        break;
      case "expired":
        if (refusedAtEdge) {
          LayerLine.derive(d, Reason.CERT_EXPIRED, basis);
        }
        break;
      default:
        break; // "unknown", or a value Cloudflare adds later
    }
  }

  /** Cloudflare's own answers for an origin that failed (its 52x error pages). */
  private static void fromEdgeStatus(Draft d, long origin) {
    Reason r;
    switch (d.httpStatus) {
      case 520:
        r = Reason.UPSTREAM_ERROR;
        break;
      case 521:
      case 523:
        r = Reason.CONNECT_FAILURE;
        break;
      case 522:
      case 524:
        r = Reason.TIMEOUT;
        break;
      case 525:
      case 526:
        r = Reason.UPSTREAM_TLS_FAILURE;
        break;
      default:
        return;
    }
    if (d.dependencyName == null) {
      d.dependencyName = "origin";
    }
    if (origin > 0 && d.dependencyStatus == null) {
      d.dependencyStatus = Long.toString(origin);
    }
    LayerLine.derive(d, r, "Cloudflare EdgeResponseStatus " + d.httpStatus);
  }

  /**
   * A Ray ID without the data-centre suffix the origin sees in {@code CF-Ray}
   * ({@code 3a6050bcbe121a87-AMS} becomes {@code 3a6050bcbe121a87}, as Logpush writes
   * {@code RayID}); any other edge id is returned as it is.
   */
  static String rayId(String id) {
    if (id == null || id.length() < 18 || id.length() > 21 || id.charAt(16) != '-') {
      return id;
    }
    for (int i = 0; i < 16; i++) {
      char c = id.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return id;
      }
    }
    for (int i = 17; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
        return id;
      }
    }
    String ray = id.substring(0, 16);
    for (int i = 0; i < 16; i++) {
      if (ray.charAt(i) >= 'A' && ray.charAt(i) <= 'F') {
        return ray.toLowerCase(java.util.Locale.ROOT);
      }
    }
    return ray;
  }
}
