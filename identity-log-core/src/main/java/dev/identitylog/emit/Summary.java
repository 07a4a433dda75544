package dev.identitylog.emit;

import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;

/**
 * The one-line human summary of an event, used as the log message and the OpenTelemetry log body,
 * e.g. {@code identity.server GET /orders 403 authz=failure(insufficient_scope) trace=4bf9...}.
 * It only repeats values of the event, so it carries nothing the fields do not.
 */
final class Summary {
  private static final int MAX_CACHED_CAPACITY = 1024;

  // One builder per thread: the summary is made for every event, and only its String is kept.
  private static final ThreadLocal<StringBuilder> BUFFER =
      ThreadLocal.withInitial(() -> new StringBuilder(256));

  private Summary() {}

  static String of(IdentityEvent e) {
    StringBuilder sb = BUFFER.get();
    sb.setLength(0);
    append(sb, e);
    String summary = sb.toString();
    if (sb.capacity() > MAX_CACHED_CAPACITY || !latin1(summary)) {
      // A builder that held a wider character stays two bytes per character for good.
      BUFFER.set(new StringBuilder(256));
    }
    return summary;
  }

  private static boolean latin1(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      if (s.charAt(i) > 0xff) {
        return false;
      }
    }
    return true;
  }

  private static void append(StringBuilder sb, IdentityEvent e) {
    EventName name = e.get(Fields.EVENT_NAME);
    sb.append(name == null ? "identity.event" : name.code());

    String rpcMethod = e.get(Fields.RPC_METHOD);
    if (rpcMethod != null || e.has(Fields.RPC_SERVICE)) {
      sb.append(' ');
      String service = e.get(Fields.RPC_SERVICE);
      if (service != null) {
        sb.append(service);
      }
      if (rpcMethod != null) {
        sb.append('/').append(rpcMethod);
      }
      appendIfPresent(sb, e.get(Fields.RPC_GRPC_STATUS_CODE));
    } else {
      appendIfPresent(sb, e.get(Fields.HTTP_REQUEST_METHOD));
      appendIfPresent(sb, target(e, name));
      Long status = e.get(Fields.HTTP_RESPONSE_STATUS_CODE);
      if (status != null) {
        sb.append(' ').append(status.longValue());
      }
    }

    boolean phaseWritten =
        phase(sb, "authn", e.get(Fields.AUTHN_OUTCOME), e.get(Fields.AUTHN_REASON))
            | phase(sb, "authz", e.get(Fields.AUTHZ_OUTCOME), e.get(Fields.AUTHZ_REASON))
            | phase(
                sb,
                "dependency",
                e.get(Fields.DEPENDENCY_OUTCOME),
                e.get(Fields.DEPENDENCY_REASON));
    EventOutcome outcome = e.get(Fields.EVENT_OUTCOME);
    if (!phaseWritten && outcome != null && outcome != EventOutcome.SUCCESS) {
      sb.append(" outcome=").append(outcome.code());
      Reason error = e.get(Fields.ERROR_TYPE);
      if (error != null) {
        sb.append('(').append(error.code()).append(')');
      }
    }
    String trace = e.get(Fields.TRACE_ID);
    if (trace != null) {
      sb.append(" trace=").append(trace);
    }
  }

  /** What was called: a client's URL, else the route template, else the path. */
  private static String target(IdentityEvent e, EventName name) {
    if (name == EventName.CLIENT && e.has(Fields.URL_FULL)) {
      return e.get(Fields.URL_FULL);
    }
    String route = e.get(Fields.HTTP_ROUTE);
    if (route != null) {
      return route;
    }
    String path = e.get(Fields.URL_PATH);
    if (path != null) {
      return path;
    }
    String url = e.get(Fields.URL_FULL);
    return url != null ? url : e.get(Fields.SERVER_ADDRESS);
  }

  /** Writes a phase only when it is worth reading: neither success nor not applicable. */
  private static boolean phase(StringBuilder sb, String label, Outcome outcome, Reason reason) {
    if (outcome == null || outcome == Outcome.SUCCESS || outcome == Outcome.NOT_APPLICABLE) {
      return false;
    }
    sb.append(' ').append(label).append('=').append(outcome.code());
    if (reason != null) {
      sb.append('(').append(reason.code()).append(')');
    }
    return true;
  }

  private static void appendIfPresent(StringBuilder sb, String value) {
    if (value != null) {
      sb.append(' ').append(value);
    }
  }
}
