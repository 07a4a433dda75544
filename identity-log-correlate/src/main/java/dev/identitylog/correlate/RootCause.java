package dev.identitylog.correlate;

import static dev.identitylog.correlate.Classification.*;
import static dev.identitylog.correlate.HopTree.*;
import static dev.identitylog.correlate.Wording.*;

import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Phase;
import dev.identitylog.outcome.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * The root cause of a request's failure: descending from the outermost hop through failing calls
 * (the last attempt per target; the failing branch of a fan-out), the innermost hop whose own
 * decision failed. A hop that answered successfully ends the descent: what failed inside it was
 * tolerated.
 */
final class RootCause {
  private final List<HopNode> nodes;
  private final HopNode root;

  RootCause(HopTree tree) {
    this.nodes = tree.nodes;
    this.root = tree.root;
  }

  Cause evaluate(HopNode n, int depth) {
    if (depth > nodes.size()) {
      return null; // cannot happen in a tree; a guard against a bug becoming a stack overflow
    }
    if (n.server != null && succeeded(n.server)) {
      return null;
    }
    List<Cause> found = new ArrayList<>(1);
    List<HopCall> effective = lastAttempts(n.calls);
    for (HopCall call : effective) {
      Cause c = evaluateCall(n, call, depth);
      if (c != null) {
        found.add(c);
      }
    }
    Cause branch = choose(found, n);
    if (branch != null) {
      if (branch.node == n && branch.verdict == Verdict.DEPENDENCY_FAILURE && n.server != null
          && ownIdentityRecorded(n.server)) {
        // e.g. authn_dependency_unavailable: the hop's own decision, the call only its detail
        Cause own = own(n);
        if (own != null) {
          return own.withNote(" (" + lowerFirst(branch.evidence) + ")");
        }
      }
      return branch;
    }
    return own(n);
  }

  private Cause evaluateCall(HopNode n, HopCall call, int depth) {
    if (call.client != null && call.client.isProducer()) {
      // A send: the broker's answer is all the request waited for; its consumers ran after it
      // (MessageFates).
      return clientFailed(call.client) ? MessageFates.sendCause(n, call) : null;
    }
    HopNode callee = call.lastCallee();
    if (callee != null && callee.server != null && callee.server.isConsumer()) {
      return null; // a delivery whose send was not logged: told by MessageFates
    }
    if (callee != null) {
      Cause inner = evaluate(callee, depth + 1);
      if (inner != null) {
        return inner;
      }
    }
    if (call.client != null && clientFailed(call.client)) {
      return callCause(n, call, callee);
    }
    return null;
  }

  /** Among failing branches of a fan-out, the one the hop's own record or status points at. */
  private static Cause choose(List<Cause> found, HopNode n) {
    if (found.isEmpty()) {
      return null;
    }
    if (found.size() == 1 || n.server == null) {
      return found.get(0);
    }
    Cause best = found.get(0);
    int bestScore = -1;
    for (Cause c : found) {
      int score = 0;
      if (n.server.dependencyName != null && c.hop != null
          && (nameMatches(n.server.dependencyName, c.hop)
              || c.evidence.contains(n.server.dependencyName))) {
        score += 2;
      }
      if (kindOfStatus(n.server) == c.verdict
          || (kindOfStatus(n.server) == Verdict.AUTHN_FAILURE
              && c.verdict == Verdict.TOKEN_EXCHANGE_FAILURE)) {
        score += 1;
      }
      if (score > bestScore) {
        best = c;
        bestScore = score;
      }
    }
    return best;
  }

  /** The failure a hop's own event shows, when nothing inside it explains it. */
  Cause own(HopNode n) {
    CorrelationEvent e = n.server;
    if (e == null) {
      return null;
    }
    if (failed(e.authn)) {
      return authn(n, e.authnReason, e.authnInferred, null);
    }
    if (failed(e.authz)) {
      return authz(n, e.authzReason, e.authzInferred);
    }
    if (failed(e.dependency)) {
      String reason = e.dependencyReason != null ? e.dependencyReason
          : dependencyReasonOf(e.dependencyStatus);
      String target = e.dependencyName != null ? e.dependencyName : "a dependency";
      String s = n.name() + (e.dependencyInferred ? " answered " + statusOr(e, "a failure")
          + " because its call to " + target + " failed"
          : " recorded that its call to " + target + " failed")
          + (reason != null ? ": " + phrase(reason) : "")
          + (e.dependencyStatus != null ? " (" + target + " answered " + e.dependencyStatus + ")"
              : "")
          + (e.dependencyInferred && e.basis != null ? "; inferred from " + e.basis : "");
      return new Cause(Verdict.DEPENDENCY_FAILURE, n, n.name(), reason, s + passedOn(n.caller()));
    }
    if (Reason.CLIENT_ABORT.code().equals(e.errorType) && n.parent != null) {
      // Its caller went away (gave up at a deadline, or cancelled): this hop decided nothing; the
      // caller's own record of the call says why.
      return null;
    }
    if (e.errorType != null) {
      Reason r = Reason.fromCode(e.errorType);
      Phase phase = r == null ? null : r.phase();
      if (phase == Phase.AUTHN) {
        return authn(n, e.errorType, true, null);
      }
      if (phase == Phase.AUTHZ) {
        return authz(n, e.errorType, true);
      }
      if (phase == Phase.DEPENDENCY) {
        return new Cause(Verdict.DEPENDENCY_FAILURE, n, n.name(), e.errorType,
            n.name() + " failed on a dependency: " + phrase(e.errorType) + statusSuffix(e)
                + passedOn(n.caller()));
      }
      return new Cause(Verdict.UNKNOWN, n, n.name(), e.errorType,
          n.name() + " failed: " + phrase(e.errorType) + statusSuffix(e) + passedOn(n.caller()));
    }
    Verdict byStatus = kindOfStatus(e);
    if (byStatus == Verdict.AUTHN_FAILURE) {
      return authn(n, null, true, null);
    }
    if (byStatus == Verdict.AUTHZ_FAILURE) {
      return authz(n, null, true);
    }
    if (byStatus == Verdict.DEPENDENCY_FAILURE) {
      String reason = e.httpStatus == 504 || "DEADLINE_EXCEEDED".equals(e.grpcStatus)
          ? Reason.TIMEOUT.code() : null;
      return new Cause(Verdict.DEPENDENCY_FAILURE, n, n.name(), reason,
          n.name() + " answered " + e.statusText()
              + " and no hop inside it logged the cause" + passedOn(n.caller()));
    }
    if (e.httpStatus == 429 || "RESOURCE_EXHAUSTED".equals(e.grpcStatus)) {
      return new Cause(Verdict.UNKNOWN, n, n.name(), Reason.THROTTLED.code(),
          n.name() + " throttled the request (" + e.statusText() + ")" + passedOn(n.caller()));
    }
    if (statusFailing(e) || e.eventOutcome == EventOutcome.FAILURE) {
      return new Cause(Verdict.UNKNOWN, n, n.name(), null,
          n.name() + " answered " + statusOr(e, "a failure")
              + " without recording an identity or dependency failure" + passedOn(n.caller()));
    }
    return null;
  }

  /** A call that failed while its callee logged nothing, or nothing that explains it. */
  private Cause callCause(HopNode n, HopCall call, HopNode callee) {
    CorrelationEvent c = call.client;
    String reason = clientReason(c);
    String target = call.targetName();
    int attempts = attempts(n, call);
    String tries = attempts > 1 ? " after " + attempts + " attempts" : "";
    boolean silent = callee == null;
    if (Reason.UPSTREAM_UNAUTHENTICATED.code().equals(reason)) {
      String accepted = tokenAccepted(n);
      if (silent && c.tokenHash != null && accepted != null && !accepted.equals(c.tokenHash)) {
        return new Cause(Verdict.TOKEN_EXCHANGE_FAILURE, n, target, reason,
            target + " rejected the token exchanged by " + n.name() + " (answered "
                + statusOr(c, "401") + ", logged no event; token " + shortHash(c.tokenHash)
                + " ≠ " + shortHash(accepted) + ")" + passedOn(n));
      }
      return new Cause(Verdict.AUTHN_FAILURE, n, target, reason,
          target + " rejected the credential " + n.name() + " sent (answered "
              + statusOr(c, "401") + (silent ? ", logged no event" : "") + ")" + passedOn(n));
    }
    if (Reason.UPSTREAM_FORBIDDEN.code().equals(reason)) {
      return new Cause(Verdict.AUTHZ_FAILURE, n, target, reason,
          target + " denied the call from " + n.name() + " (answered " + statusOr(c, "403")
              + (silent ? ", logged no event" : "") + ")" + passedOn(n));
    }
    StringBuilder s = new StringBuilder(n.name());
    if (Reason.CONNECT_FAILURE.code().equals(reason)) {
      s.append(" could not connect to ").append(target).append(tries);
    } else if (Reason.DNS_FAILURE.code().equals(reason)) {
      s.append(" could not resolve ").append(target).append(tries);
    } else if (Reason.NO_ROUTE.code().equals(reason)) {
      s.append(" had no route to ").append(target);
    } else if (Reason.TIMEOUT.code().equals(reason)) {
      s.append("'s call to ").append(target).append(" timed out");
      if (c.durationNanos > 0) {
        s.append(" after ").append(duration(c.durationNanos));
      }
      s.append(tries);
    } else {
      s.append("'s call to ").append(target).append(" failed").append(tries);
      if (reason != null) {
        s.append(": ").append(phrase(reason));
      }
      if (c.statusText() != null) {
        s.append(" (").append(c.statusText()).append(')');
      }
    }
    if (silent) {
      s.append("; ").append(target).append(" logged no event");
    } else if (callee.server != null) {
      CorrelationEvent ce = callee.server;
      s.append("; ").append(target).append(" answered ").append(statusOr(ce, "nothing recorded"));
      if (ce.durationNanos > 0) {
        s.append(" after ").append(duration(ce.durationNanos));
      }
    }
    s.append(passedOn(n.caller()));
    return new Cause(Verdict.DEPENDENCY_FAILURE, n, n.name(), reason, s.toString());
  }

  private Cause authn(HopNode n, String reason, boolean inferred, String note) {
    CorrelationEvent e = n.server;
    String sent = e.tokenHash;
    if (sent == null && n.parent != null && n.parent.client != null) {
      sent = n.parent.client.tokenHash;
    }
    // The nearest outer hop that decided to accept a token, or that only relayed the refusal of a
    // token other than the one it received: either way the rejected token was minted on the way
    // in. A relaying hop holding the rejected token itself decided nothing (1.0: authn failure
    // inferred from the 401; 1.1: success inferred): the search goes on past it, and it stands as
    // the accepting hop only when no other is found.
    HopNode accepting = null;
    HopNode passing = null;
    for (HopNode a = n.caller(); a != null; a = a.caller()) {
      String t = tokenAccepted(a);
      if (t == null) {
        continue;
      }
      if (relayedOnly(a)) {
        if (sent != null && !sent.equals(t)) {
          accepting = a;
          break;
        }
        if (passing == null && a.server.authn == Outcome.SUCCESS) {
          passing = a;
        }
        continue;
      }
      if (a.server.authn == Outcome.SUCCESS) {
        accepting = a;
        break;
      }
    }
    if (accepting == null) {
      accepting = passing;
    }
    String why = reason != null ? ": " + phrase(reason) : "";
    StringBuilder s = new StringBuilder(n.name());
    Verdict verdict = Verdict.AUTHN_FAILURE;
    String received = accepting == null ? null : tokenAccepted(accepting);
    if (accepting != null && sent != null && !sent.equals(received)) {
      verdict = Verdict.TOKEN_EXCHANGE_FAILURE;
      s.append(" rejected the token exchanged by ").append(accepting.name()).append(why)
          .append(" (token ").append(shortHash(sent)).append(" ≠ ")
          .append(shortHash(received));
      audience(s, e, reason);
      s.append(')');
    } else if (accepting != null && sent != null) {
      s.append(" rejected the token that ").append(accepting.name()).append(" accepted")
          .append(why).append(" (same token ").append(shortHash(sent));
      audience(s, e, reason);
      s.append(')');
    } else if (accepting != null) {
      s.append(" rejected the request that ").append(accepting.name()).append(" authenticated")
          .append(why);
    } else {
      s.append(" rejected the credential").append(why);
      if (sent != null || !e.audience.isEmpty()) {
        s.append(" (");
        if (sent != null) {
          s.append("token ").append(shortHash(sent));
        }
        audience(s, e, reason);
        s.append(')');
      }
    }
    if (inferred) {
      s.append("; inferred from ").append(basisOr(e, "its " + statusOr(e, "failure")));
    }
    if (e.forwardedUntrusted) {
      s.append("; forwarded identity headers from an untrusted peer were ignored");
    }
    s.append(certificateNote(n, reason));
    if (note != null) {
      s.append(note);
    }
    s.append(passedOn(n.caller()));
    String hop = n.name();
    return new Cause(verdict, n, hop, reason, cleanParens(s.toString()));
  }

  private Cause authz(HopNode n, String reason, boolean inferred) {
    CorrelationEvent e = n.server;
    StringBuilder s = new StringBuilder(n.name()).append(" denied the request");
    if (reason != null) {
      s.append(": ").append(phrase(reason));
    }
    if (e.statusText() != null) {
      s.append(" (").append(e.statusText()).append(')');
    }
    if (inferred) {
      s.append("; inferred from ").append(basisOr(e, "its status"));
    }
    s.append(passedOn(n.caller()));
    return new Cause(Verdict.AUTHZ_FAILURE, n, n.name(), reason, s.toString());
  }

  Cause ok() {
    int hops = 0;
    for (HopNode n : nodes) {
      if (n.server != null) {
        hops++;
      }
    }
    String s;
    if (root != null && root.server != null && root.server.statusText() != null) {
      s = (hops == 1 ? "the only hop" : "all " + hops + " hops") + " succeeded; " + root.name()
          + " answered " + root.server.statusText();
    } else {
      s = "no hop recorded a failure";
    }
    return new Cause(Verdict.OK, root, null, null, s);
  }
}
