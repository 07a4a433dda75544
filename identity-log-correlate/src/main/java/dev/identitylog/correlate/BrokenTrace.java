package dev.identitylog.correlate;

import static dev.identitylog.correlate.Wording.*;

import dev.identitylog.event.TraceOrigin;
import dev.identitylog.outcome.Reason;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A request whose events carry more than one trace id: where the trace broke, in words. */
final class BrokenTrace {
  private final List<HopNode> nodes;
  private final List<CorrelationEvent> hopOrder;

  BrokenTrace(HopTree tree) {
    this.nodes = tree.nodes;
    this.hopOrder = tree.hopOrder;
  }

  Cause broken(Set<String> traces, String requestId, Cause failure) {
    HopNode[] at = breakPoint(traces);
    HopNode inner = at[1];
    HopNode outer = at[0];
    // SPEC 1.1 section 4: trace_dropped; the inner hop's trace origin is told in the sentence.
    String reason = Reason.TRACE_DROPPED.code();
    String hop = outer != null ? outer.name() : inner != null ? inner.name() : null;
    StringBuilder s = new StringBuilder();
    s.append("request id ").append(requestId == null ? "(none)" : requestId)
        .append(" appears under ").append(traces.size()).append(" trace ids: ")
        .append(breakSentence(traces));
    if (failure != null) {
      s.append("; ").append(failure.evidence);
    }
    return new Cause(Verdict.TRACE_BROKEN, outer != null ? outer : inner, hop, reason,
        s.toString());
  }

  /**
   * A request whose hops all passed but whose span links do not connect: a hop below the root, on
   * the root's trace, names as its parent a span that no event of the request has. Its caller
   * sent one span id and logged another (an instrumentation wrote the traceparent after the
   * caller's library read it), so the chain cannot be followed by ids; not {@code ok}.
   */
  Cause unlinked(HopNode root) {
    if (root == null || root.server == null || root.server.traceId == null) {
      return null;
    }
    Set<String> spans = new HashSet<>();
    for (CorrelationEvent e : hopOrder) {
      if (e.spanId != null) {
        spans.add(e.spanId);
      }
    }
    for (HopNode n : nodes) {
      CorrelationEvent e = n.server;
      // A delivery whose send was not logged is told with the messages, not as a broken link.
      if (n == root || e == null || e.isConsumer() || e.parentSpanId == null
          || spans.contains(e.parentSpanId)
          || !root.server.traceId.equals(e.traceId)) {
        continue;
      }
      HopNode caller = n.caller() != null ? n.caller() : root;
      String s = n.name() + " names span " + e.parentSpanId + " as its parent, which no event of"
          + " this request has (" + caller.name() + " is on the same trace): its caller logged"
          + " another span id than the one it sent";
      return new Cause(Verdict.TRACE_BROKEN, n, n.name(), null, s);
    }
    return null;
  }

  String breakSentence(Set<String> traces) {
    HopNode[] at = breakPoint(traces);
    HopNode outer = at[0];
    HopNode inner = at[1];
    if (inner == null) {
      return "the hops carry different trace ids";
    }
    String innerTrace = shortHash(inner.traceId());
    TraceOrigin origin = inner.server == null ? null : inner.server.traceOrigin;
    if (outer == null) {
      return inner.name() + " started trace " + innerTrace;
    }
    String outerTrace = shortHash(outer.traceId());
    if (origin == TraceOrigin.GENERATED) {
      return inner.name() + " received no trace context from " + outer.name()
          + " and started trace " + innerTrace + " (" + outer.name() + " is on " + outerTrace
          + ")";
    }
    if (origin == TraceOrigin.INVALID) {
      return inner.name() + " received an invalid trace context from " + outer.name()
          + " and started trace " + innerTrace + " (" + outer.name() + " is on " + outerTrace
          + ")";
    }
    return inner.name() + " is on trace " + innerTrace + ", its caller " + outer.name()
        + " on " + outerTrace;
  }

  /** The outermost caller and callee whose trace ids differ; either may be null. */
  private HopNode[] breakPoint(Set<String> traces) {
    for (CorrelationEvent e : hopOrder) {
      if (e.isCall() || e.traceId == null || e.layerTrace) {
        continue;
      }
      HopNode n = nodeOf(e);
      HopNode caller = n == null ? null : n.caller();
      while (caller != null && (caller.traceId() == null
          || (caller.server != null && caller.server.layerTrace))) {
        caller = caller.caller();
      }
      if (caller != null && !e.traceId.equals(caller.traceId())) {
        return new HopNode[] {caller, n};
      }
    }
    // No caller link shows it: name the first hop off the first trace.
    String first = traces.iterator().next();
    HopNode previous = null;
    for (CorrelationEvent e : hopOrder) {
      HopNode n = nodeOfAny(e);
      if (e.traceId != null && !e.layerTrace && !e.traceId.equals(first)) {
        return new HopNode[] {previous, n};
      }
      previous = n;
    }
    return new HopNode[] {null, null};
  }

  private HopNode nodeOf(CorrelationEvent server) {
    for (HopNode n : nodes) {
      if (n.server == server) {
        return n;
      }
    }
    return null;
  }

  private HopNode nodeOfAny(CorrelationEvent e) {
    for (HopNode n : nodes) {
      if (n.server == e) {
        return n;
      }
      for (HopCall c : n.calls) {
        if (c.client == e) {
          return n;
        }
      }
    }
    return null;
  }
}
