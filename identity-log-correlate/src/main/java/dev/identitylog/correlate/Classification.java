package dev.identitylog.correlate;

import dev.identitylog.outcome.DependencyFailures;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What an event's statuses and outcomes say: failed or not, of which kind, for what reason. */
final class Classification {
  private Classification() {}

  static boolean failed(Outcome o) {
    return o != null && o.failed();
  }

  static boolean ownIdentityRecorded(CorrelationEvent e) {
    return (failed(e.authn) && !e.authnInferred) || (failed(e.authz) && !e.authzInferred);
  }

  /** A server event that shows a good answer and no failed decision. */
  static boolean succeeded(CorrelationEvent e) {
    if (failed(e.authn) || failed(e.authz) || failed(e.dependency) || e.errorType != null
        || e.eventOutcome == EventOutcome.FAILURE || statusFailing(e)) {
      return false;
    }
    return e.httpStatus != 0 || e.grpcStatus != null || e.eventOutcome == EventOutcome.SUCCESS;
  }

  static boolean clientFailed(CorrelationEvent c) {
    return failed(c.dependency) || c.errorType != null || c.eventOutcome == EventOutcome.FAILURE
        || statusFailing(c);
  }

  /** Statuses that mean an identity, dependency or capacity failure (not a 404 or a 400). */
  static boolean statusFailing(CorrelationEvent e) {
    int s = e.httpStatus;
    if (s >= 500 || s == 401 || s == 403 || s == 407 || s == 429) {
      return true;
    }
    String g = e.grpcStatus;
    if (g == null) {
      return false;
    }
    switch (g) {
      case "UNAUTHENTICATED":
      case "PERMISSION_DENIED":
      case "UNAVAILABLE":
      case "DEADLINE_EXCEEDED":
      case "INTERNAL":
      case "UNKNOWN":
      case "DATA_LOSS":
      case "RESOURCE_EXHAUSTED":
        return true;
      default:
        return false;
    }
  }

  /** The kind of failure a status alone suggests (SPEC section 5), or null. */
  static Verdict kindOfStatus(CorrelationEvent e) {
    int s = e.httpStatus;
    String g = e.grpcStatus;
    if (s == 401 || s == 407 || "UNAUTHENTICATED".equals(g)) {
      return Verdict.AUTHN_FAILURE;
    }
    if (s == 403 || "PERMISSION_DENIED".equals(g)) {
      return Verdict.AUTHZ_FAILURE;
    }
    if (s == 502 || s == 503 || s == 504 || "UNAVAILABLE".equals(g)
        || "DEADLINE_EXCEEDED".equals(g)) {
      return Verdict.DEPENDENCY_FAILURE;
    }
    return null;
  }

  /** The dependency reason of a failed call: recorded, else from error.type or its status. */
  static String clientReason(CorrelationEvent c) {
    if (c.dependencyReason != null) {
      return c.dependencyReason;
    }
    if (c.errorType != null) {
      return c.errorType;
    }
    String byStatus = dependencyReasonOf(c.statusText());
    return byStatus;
  }

  /**
   * The dependency reason for the status a callee answered: the core's classifier, the one every
   * client adapter writes (so a 504 is {@code upstream_error}, see {@link DependencyFailures}).
   */
  static String dependencyReasonOf(String status) {
    Reason r = DependencyFailures.fromStatus(status);
    return r == null ? null : r.code();
  }

  /** Attempts at this call's target: recorded attempts, or the client events for it. */
  static int attempts(HopNode n, HopCall call) {
    int events = 0;
    String target = call.target();
    for (HopCall c : n.calls) {
      if (c.client != null && c.target().equals(target)) {
        events++;
      }
    }
    return Math.max(events, call.client == null ? 0 : call.client.attempts);
  }

  /** The last attempt to each target, in order of their end. */
  static List<HopCall> lastAttempts(List<HopCall> calls) {
    if (calls.size() <= 1) {
      return calls;
    }
    Map<String, HopCall> last = new LinkedHashMap<>();
    for (HopCall c : calls) {
      String t = c.target();
      HopCall prev = last.get(t);
      if (prev == null || c.end() >= prev.end()) {
        last.put(t, c);
      }
    }
    List<HopCall> out = new ArrayList<>(last.values());
    out.sort(Comparator.comparingLong(HopCall::end));
    return out;
  }

  /**
   * The token a hop on the failing path let through: one it accepted (authn success, recorded or
   * inferred as 1.1 relaying hops write it), or one it received and passed a failure back for
   * without deciding anything about it (authn failure inferred from the 401 it relayed, as 1.0
   * emitters and non-Java layers write it). Null when the hop decided against it itself, or holds
   * no token hash.
   */
  static String tokenAccepted(HopNode a) {
    CorrelationEvent e = a.server;
    if (e == null || e.tokenHash == null) {
      return null;
    }
    if (e.authn == Outcome.SUCCESS) {
      return e.tokenHash;
    }
    return failed(e.authn) && e.authnInferred && relaysRefusal(a) ? e.tokenHash : null;
  }

  /** Whether the hop's authn outcome is only inferred while it relayed a callee's refusal. */
  static boolean relayedOnly(HopNode a) {
    return a.server != null && a.server.authnInferred && relaysRefusal(a);
  }

  /** Whether one of the hop's last calls was refused (401 / 403, or a callee that refused it). */
  static boolean relaysRefusal(HopNode a) {
    for (HopCall c : lastAttempts(a.calls)) {
      if (c.client != null && c.client.isProducer()) {
        continue; // a broker's refusal is no hop's identity decision
      }
      if (c.client != null) {
        String reason = clientReason(c.client);
        if (Reason.UPSTREAM_UNAUTHENTICATED.code().equals(reason)
            || Reason.UPSTREAM_FORBIDDEN.code().equals(reason)) {
          return true;
        }
      }
      HopNode callee = c.lastCallee();
      if (callee != null && callee.server != null && !callee.server.isConsumer()
          && !succeeded(callee.server)
          && (kindOfStatus(callee.server) == Verdict.AUTHN_FAILURE
              || kindOfStatus(callee.server) == Verdict.AUTHZ_FAILURE)) {
        return true;
      }
    }
    return false;
  }
}
