package dev.identitylog.outcome;

/**
 * The dependency reason (SPEC section 4) for the status a called service answered: the one
 * classification that every client adapter writes into its events and that {@code correlate}
 * applies to events that recorded only a status. Stable API: status in, {@link Reason} out.
 *
 * <p>HTTP 504 is {@link Reason#UPSTREAM_ERROR}, not {@link Reason#TIMEOUT}. A 504 Gateway Timeout
 * says that the hop which answered it saw its own upstream time out; the call that received the
 * 504 did get an answer, in time. SPEC section 4 names 401, 403 and 503 and files every other 5xx
 * under {@code upstream_error}; section 5 gives {@code timeout} to the hop whose call ran out of
 * time, which is the answering hop (its client event records {@code timeout}, and a hop that
 * answers 504 with nothing recorded is read as a timeout of its own call). Calling the receiving
 * call a timeout would blame the wrong hop for the wait. gRPC DEADLINE_EXCEEDED differs: it is this
 * call's own deadline (the client raises it, or the server after the propagated deadline), so it
 * is {@code timeout}.
 *
 * @since 0.1
 */
public final class DependencyFailures {
  private DependencyFailures() {}

  /** The reason for an HTTP answer, or {@code null} when the answer is not a dependency failure. */
  public static Reason fromHttpStatus(int status) {
    switch (status) {
      case 401:
        return Reason.UPSTREAM_UNAUTHENTICATED;
      case 403:
        return Reason.UPSTREAM_FORBIDDEN;
      case 429:
        return Reason.THROTTLED;
      case 503:
        return Reason.UPSTREAM_UNAVAILABLE;
      default:
        return status >= 500 && status <= 599 ? Reason.UPSTREAM_ERROR : null;
    }
  }

  /**
   * The reason for a gRPC status (by its name, e.g. {@code UNAVAILABLE}), or {@code null} for OK
   * and for statuses that are the caller's own mistake (INVALID_ARGUMENT, NOT_FOUND, ...); {@link
   * Reason#CLIENT_ABORT} for CANCELLED: the caller cancelled its own call.
   */
  public static Reason fromGrpcStatus(String statusName) {
    if (statusName == null) {
      return null;
    }
    switch (statusName) {
      case "CANCELLED":
        return Reason.CLIENT_ABORT;
      case "UNAUTHENTICATED":
        return Reason.UPSTREAM_UNAUTHENTICATED;
      case "PERMISSION_DENIED":
        return Reason.UPSTREAM_FORBIDDEN;
      case "UNAVAILABLE":
        return Reason.UPSTREAM_UNAVAILABLE;
      case "DEADLINE_EXCEEDED":
        return Reason.TIMEOUT;
      case "RESOURCE_EXHAUSTED":
        return Reason.THROTTLED;
      case "INTERNAL":
      case "UNKNOWN":
      case "DATA_LOSS":
        return Reason.UPSTREAM_ERROR;
      default:
        return null;
    }
  }

  /**
   * The reason for a status as {@code identity.dependency.status} writes it: three HTTP digits or
   * a gRPC status name; {@code null} for anything else or no failure.
   */
  public static Reason fromStatus(String status) {
    if (status == null || status.isEmpty()) {
      return null;
    }
    if (status.length() == 3 && isDigits(status)) {
      return fromHttpStatus(Integer.parseInt(status));
    }
    return fromGrpcStatus(status);
  }

  private static boolean isDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
