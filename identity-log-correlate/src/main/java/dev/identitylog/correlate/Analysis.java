package dev.identitylog.correlate;

import dev.identitylog.event.HopLayer;
import dev.identitylog.event.TraceOrigin;
import dev.identitylog.outcome.DependencyFailures;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Phase;
import dev.identitylog.outcome.Reason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the events of one request into a tree of hops and decides its verdict.
 *
 * <p>The tree: each server event is a hop; each client event is a call made by the hop of the
 * same service (by span link when the client recorded its parent span, else by service name and
 * time). A hop hangs under the call whose span id is its parent span id; failing that, under the
 * hop whose span is its parent; failing that, under a call naming it ({@code identity.dependency.
 * name} or {@code server.address}); failing that, under the hop before it in layer order (cdn,
 * proxy, gateway, mesh, backend) and start time. Links by span always win over times, so clock
 * skew between hosts cannot reorder hops the parent chain orders.
 *
 * <p>The verdict is the root cause: descending from the outermost hop through failing calls (the
 * last attempt per target; the failing branch of a fan-out), the innermost hop whose own decision
 * failed. A hop that answered successfully ends the descent: what failed inside it was tolerated.
 */
final class Analysis {
  private static final Comparator<CorrelationEvent> BY_TIME =
      Comparator.comparingLong(Analysis::sortStart)
          .thenComparingLong(e -> e.timestamp)
          .thenComparing(e -> e.service, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(e -> e.spanId, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparingInt(CorrelationEvent::hashCode);

  private final List<Node> nodes = new ArrayList<>();
  private final List<CorrelationEvent> hopOrder = new ArrayList<>();
  private Node root;

  private Analysis() {}

  static RequestVerdict analyze(List<CorrelationEvent> events) {
    Analysis a = new Analysis();
    a.build(events);
    return a.verdict();
  }

  /** The verdict given when analysis itself failed; should never be seen. */
  static RequestVerdict unanalysable(List<CorrelationEvent> events) {
    Ids ids = Ids.of(events);
    return new RequestVerdict(
        ids.traceId(),
        new ArrayList<>(ids.traces),
        new ArrayList<>(ids.requests),
        ids.start,
        ids.hops,
        Verdict.UNKNOWN,
        null,
        null,
        "the events of this request could not be analysed");
  }

  /** The ids, start and hops of a request's events, in the order given. */
  private static final class Ids {
    final Set<String> traces = new LinkedHashSet<>();
    final Set<String> requests = new LinkedHashSet<>();
    final List<RequestVerdict.Hop> hops;
    long start = Times.NONE;

    private Ids(int size) {
      hops = new ArrayList<>(size);
    }

    static Ids of(List<CorrelationEvent> events) {
      Ids ids = new Ids(events.size());
      for (CorrelationEvent e : events) {
        ids.hops.add(new RequestVerdict.Hop(e));
        if (e.traceId != null && !e.layerTrace) {
          ids.traces.add(e.traceId);
        }
        if (e.requestId != null) {
          ids.requests.add(e.requestId);
        }
        long s = e.start();
        if (s != Times.NONE && (ids.start == Times.NONE || s < ids.start)) {
          ids.start = s;
        }
      }
      if (ids.traces.isEmpty()) {
        // Only a layer's own trace (API Gateway's X-Ray id): the request's trace after all.
        for (CorrelationEvent e : events) {
          if (e.traceId != null) {
            ids.traces.add(e.traceId);
          }
        }
      }
      return ids;
    }

    String traceId() {
      return traces.isEmpty() ? null : traces.iterator().next();
    }

    String requestId() {
      return requests.isEmpty() ? null : requests.iterator().next();
    }
  }

  // ---- the tree ---------------------------------------------------------------------------

  /** A hop: a service's server event, or a service known only from the calls it made. */
  static final class Node {
    final CorrelationEvent server;
    final String service;
    final HopLayer layer;
    final List<Call> calls = new ArrayList<>(2);
    /** The call (recorded or implicit) that led here; null for the root. */
    Call parent;
    long start;
    long end;

    Node(CorrelationEvent server) {
      this.server = server;
      this.service = server.service;
      this.layer = server.layer;
      this.start = server.start();
      this.end = server.timestamp;
    }

    /** A hop known only from a call it made: its server event is missing. */
    private Node(String service, HopLayer layer, long start, long end) {
      this.server = null;
      this.service = service;
      this.layer = layer;
      this.start = start;
      this.end = end;
    }

    static Node withoutServerEvent(CorrelationEvent client) {
      return new Node(client.service, client.layer, client.start(), client.timestamp);
    }

    Node caller() {
      return parent == null ? null : parent.caller;
    }

    String name() {
      return service != null ? service : "(unnamed service)";
    }

    String traceId() {
      if (server != null && server.traceId != null) {
        return server.traceId;
      }
      for (Call c : calls) {
        if (c.client != null && c.client.traceId != null) {
          return c.client.traceId;
        }
      }
      return null;
    }
  }

  /** A call from one hop to another: a client event, or implied when the caller logged none. */
  static final class Call {
    final Node caller;
    final CorrelationEvent client;
    final List<Node> callees = new ArrayList<>(1);

    Call(Node caller, CorrelationEvent client) {
      this.caller = caller;
      this.client = client;
    }

    long start() {
      if (client != null && client.start() != Times.NONE) {
        return client.start();
      }
      return callees.isEmpty() ? Long.MAX_VALUE : callees.get(0).start;
    }

    long end() {
      if (client != null && client.timestamp != Times.NONE) {
        return client.timestamp;
      }
      long end = Long.MIN_VALUE;
      for (Node n : callees) {
        end = Math.max(end, n.end);
      }
      return end;
    }

    /** What the call is addressed to, so that retries of one target group together. */
    String target() {
      if (client != null) {
        if (client.serverAddress != null) {
          return client.serverAddress;
        }
        if (client.rpcService != null) {
          return client.rpcService;
        }
        if (client.dependencyName != null) {
          return client.dependencyName;
        }
      }
      if (!callees.isEmpty() && callees.get(0).service != null) {
        return callees.get(0).service;
      }
      return "";
    }

    /** The name to show for the callee. */
    String targetName() {
      Node callee = lastCallee();
      if (callee != null && callee.service != null) {
        return callee.service;
      }
      if (client != null) {
        if (client.dependencyName != null) {
          return client.dependencyName;
        }
        if (client.serverAddress != null) {
          return client.serverAddress;
        }
        if (client.rpcService != null) {
          return client.rpcService;
        }
      }
      return "a dependency";
    }

    Node lastCallee() {
      Node last = null;
      for (Node n : callees) {
        if (last == null || n.end >= last.end) {
          last = n;
        }
      }
      return last;
    }
  }

  private void build(List<CorrelationEvent> events) {
    List<CorrelationEvent> servers = new ArrayList<>();
    List<CorrelationEvent> clients = new ArrayList<>();
    for (CorrelationEvent e : events) {
      (e.isClient() ? clients : servers).add(e);
    }
    servers.sort(BY_TIME);
    clients.sort(BY_TIME);

    Map<String, Node> serverBySpan = new HashMap<>();
    Map<String, List<Node>> serversByService = new HashMap<>();
    for (CorrelationEvent s : servers) {
      Node n = new Node(s);
      nodes.add(n);
      if (s.spanId != null) {
        serverBySpan.putIfAbsent(s.spanId, n);
      }
      serversByService.computeIfAbsent(key(s.service), k -> new ArrayList<>()).add(n);
    }

    // Each client event is a call of the hop that made it.
    Map<String, Call> callBySpan = new HashMap<>();
    Map<String, Node> synthetic = new HashMap<>();
    List<Call> calls = new ArrayList<>(clients.size());
    for (CorrelationEvent c : clients) {
      Node caller = c.parentSpanId == null ? null : serverBySpan.get(c.parentSpanId);
      if (caller == null) {
        caller = callerByService(serversByService.get(key(c.service)), c);
      }
      if (caller == null) {
        caller = synthetic.get(key(c.service));
        if (caller == null) {
          caller = Node.withoutServerEvent(c);
          synthetic.put(key(c.service), caller);
          nodes.add(caller);
        } else {
          if (c.start() != Times.NONE && (caller.start == Times.NONE || c.start() < caller.start)) {
            caller.start = c.start();
          }
          caller.end = Math.max(caller.end, c.timestamp);
        }
      }
      Call call = new Call(caller, c);
      caller.calls.add(call);
      calls.add(call);
      if (c.spanId != null) {
        callBySpan.putIfAbsent(c.spanId, call);
      }
    }

    interposeSpanless(serverBySpan);

    // A hop hangs under the call, or the hop, whose span is its parent.
    for (Node n : nodes) {
      if (n.server == null || n.server.parentSpanId == null || n.parent != null) {
        continue;
      }
      Call call = callBySpan.get(n.server.parentSpanId);
      if (call != null && attach(call, n)) {
        continue;
      }
      Node parentHop = serverBySpan.get(n.server.parentSpanId);
      if (parentHop != null && parentHop != n && !isWithin(parentHop, n)) {
        Call implicit = new Call(parentHop, null);
        parentHop.calls.add(implicit);
        attach(implicit, n);
      }
    }

    // Then under a call that names it.
    for (Node n : nodes) {
      if (n.parent != null || n.service == null) {
        continue;
      }
      Call best = null;
      long bestDistance = Long.MAX_VALUE;
      for (Call c : calls) {
        if (!c.callees.isEmpty() || c.caller == n || !names(c.client, n.service)) {
          continue;
        }
        long distance =
            n.start == Times.NONE || c.client.start() == Times.NONE
                ? Long.MAX_VALUE - 1
                : Math.abs(n.start - c.client.start());
        if (distance < bestDistance && !isWithin(c.caller, n)) {
          best = c;
          bestDistance = distance;
        }
      }
      if (best != null) {
        attach(best, n);
      }
    }

    // Finally by layer, then start time.
    List<Node> ordered = new ArrayList<>(nodes);
    ordered.sort(
        Comparator.comparingInt(Analysis::rank)
            .thenComparingLong(n -> n.start == Times.NONE ? Long.MAX_VALUE : n.start)
            .thenComparing(n -> n.service, Comparator.nullsFirst(Comparator.naturalOrder())));
    for (int i = 0; i < ordered.size(); i++) {
      Node u = ordered.get(i);
      if (u.parent != null) {
        continue;
      }
      if (root == null) {
        root = u;
        continue;
      }
      for (int j = i - 1; j >= 0; j--) {
        Node v = ordered.get(j);
        if (isWithin(v, u)) {
          continue;
        }
        Call open = null;
        int openCalls = 0;
        for (Call c : v.calls) {
          if (c.client != null && c.callees.isEmpty()) {
            open = c;
            openCalls++;
          }
        }
        if (openCalls != 1) {
          open = new Call(v, null);
          v.calls.add(open);
        }
        attach(open, u);
        break;
      }
      if (u.parent == null) {
        // Every node before it lies inside its own subtree: it is the better root.
        Call implicit = new Call(u, null);
        u.calls.add(implicit);
        attach(implicit, root);
        root = u;
      }
    }

    // The order in which hops are listed: depth first from the outermost.
    Set<Node> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    if (root != null) {
      list(root, seen);
    }
    for (Node n : ordered) {
      if (!seen.contains(n)) {
        list(n, seen); // unreachable by construction; listed rather than lost
      }
    }
  }

  /**
   * A hop that keeps no span of its own (API Gateway passes {@code traceparent} on untouched) sits
   * between the hop whose span its callee names as parent and that callee, when its layer lies
   * between theirs and its time spans the callee's: the span link alone would skip it.
   */
  private void interposeSpanless(Map<String, Node> serverBySpan) {
    for (Node g : nodes) {
      CorrelationEvent e = g.server;
      if (e == null || e.spanId != null || e.parentSpanId != null || g.parent != null
          || g.start == Times.NONE) {
        continue;
      }
      for (Node s : nodes) {
        if (s == g || s.parent != null || s.server == null || s.server.parentSpanId == null
            || s.start == Times.NONE || s.start < g.start || s.end > g.end) {
          continue;
        }
        Node p = serverBySpan.get(s.server.parentSpanId);
        if (p == null || p == s || p == g || !(rank(p) < rank(g) && rank(g) < rank(s))
            || isWithin(p, g) || isWithin(p, s)) {
          continue;
        }
        Call into = new Call(p, null);
        p.calls.add(into);
        attach(into, g);
        Call on = new Call(g, null);
        g.calls.add(on);
        attach(on, s);
        break;
      }
    }
  }

  private void list(Node n, Set<Node> seen) {
    if (!seen.add(n)) {
      return;
    }
    if (n.server != null) {
      hopOrder.add(n.server);
    }
    List<Call> calls = new ArrayList<>(n.calls);
    calls.sort(Comparator.comparingLong(Call::start));
    for (Call c : calls) {
      if (c.client != null) {
        hopOrder.add(c.client);
      }
      List<Node> callees = new ArrayList<>(c.callees);
      callees.sort(Comparator.comparingLong(x -> x.start == Times.NONE ? Long.MAX_VALUE : x.start));
      for (Node callee : callees) {
        list(callee, seen);
      }
    }
  }

  private static Node callerByService(List<Node> candidates, CorrelationEvent c) {
    if (candidates == null || candidates.isEmpty()) {
      return null;
    }
    if (candidates.size() == 1 || c.start() == Times.NONE) {
      return candidates.get(0);
    }
    // Same host, same clock: the server event whose time span holds the call.
    long t = c.start();
    Node before = null;
    for (Node n : candidates) {
      if (n.start != Times.NONE && n.start <= t && t <= n.end) {
        return n;
      }
      if (n.start != Times.NONE && n.start <= t) {
        before = n;
      }
    }
    return before != null ? before : candidates.get(0);
  }

  /** Hangs {@code callee} under {@code call} unless that would make a cycle. */
  private static boolean attach(Call call, Node callee) {
    if (callee.parent != null || isWithin(call.caller, callee)) {
      return false;
    }
    call.callees.add(callee);
    callee.parent = call;
    return true;
  }

  /** Whether {@code n} is {@code ancestor} or lies below it. */
  private static boolean isWithin(Node n, Node ancestor) {
    for (Node x = n; x != null; x = x.caller()) {
      if (x == ancestor) {
        return true;
      }
    }
    return false;
  }

  private static boolean names(CorrelationEvent client, String service) {
    return nameMatches(client.dependencyName, service) || nameMatches(client.serverAddress, service)
        || nameMatches(client.rpcService, service);
  }

  private static boolean nameMatches(String name, String service) {
    if (name == null) {
      return false;
    }
    if (name.equalsIgnoreCase(service)) {
      return true;
    }
    // inventory.default.svc.cluster.local, inventory:8080
    return name.length() > service.length()
        && name.regionMatches(true, 0, service, 0, service.length())
        && (name.charAt(service.length()) == '.' || name.charAt(service.length()) == ':');
  }

  private static int rank(Node n) {
    // No layer configured: most likely an application, the innermost kind of hop.
    return n.layer == null ? HopLayer.BACKEND.ordinal() : n.layer.ordinal();
  }

  private static long sortStart(CorrelationEvent e) {
    long s = e.start();
    return s == Times.NONE ? Long.MAX_VALUE : s;
  }

  private static String key(String service) {
    return service == null ? "" : service;
  }

  // ---- the verdict ------------------------------------------------------------------------

  /** A root cause found while descending. */
  private static final class Cause {
    final Verdict verdict;
    /** The hop that logged the evidence: the root-cause hop, or its caller when it logged none. */
    final Node node;
    final String hop;
    final String reason;
    final String evidence;

    Cause(Verdict verdict, Node node, String hop, String reason, String evidence) {
      this.verdict = verdict;
      this.node = node;
      this.hop = hop;
      this.reason = reason;
      this.evidence = evidence;
    }
  }

  private RequestVerdict verdict() {
    Ids ids = Ids.of(hopOrder);
    Set<String> traces = ids.traces;
    String traceId = ids.traceId();
    String requestId = ids.requestId();

    Cause cause = root == null ? null : evaluate(root, 0);
    if (traces.size() > 1 && (cause == null || cause.verdict == Verdict.UNKNOWN)) {
      cause = broken(traces, requestId, cause);
    } else if (traces.size() > 1) {
      cause = withNote(cause, "; the trace also broke: " + breakSentence(traces));
    }
    if (cause == null) {
      cause = ok();
    }
    return new RequestVerdict(
        traceId,
        new ArrayList<>(traces),
        new ArrayList<>(ids.requests),
        ids.start,
        ids.hops,
        cause.verdict,
        cause.hop,
        cause.reason,
        cause.evidence);
  }

  private Cause evaluate(Node n, int depth) {
    if (depth > nodes.size()) {
      return null; // cannot happen in a tree; a guard against a bug becoming a stack overflow
    }
    if (n.server != null && succeeded(n.server)) {
      return null;
    }
    List<Cause> found = new ArrayList<>(1);
    List<Call> effective = lastAttempts(n.calls);
    for (Call call : effective) {
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
          return withNote(own, " (" + lowerFirst(branch.evidence) + ")");
        }
      }
      return branch;
    }
    return own(n);
  }

  private Cause evaluateCall(Node n, Call call, int depth) {
    Node callee = call.lastCallee();
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

  /** The last attempt to each target, in order of their end. */
  private static List<Call> lastAttempts(List<Call> calls) {
    if (calls.size() <= 1) {
      return calls;
    }
    Map<String, Call> last = new LinkedHashMap<>();
    for (Call c : calls) {
      String t = c.target();
      Call prev = last.get(t);
      if (prev == null || c.end() >= prev.end()) {
        last.put(t, c);
      }
    }
    List<Call> out = new ArrayList<>(last.values());
    out.sort(Comparator.comparingLong(Call::end));
    return out;
  }

  /** Among failing branches of a fan-out, the one the hop's own record or status points at. */
  private static Cause choose(List<Cause> found, Node n) {
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
  private Cause own(Node n) {
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
  private Cause callCause(Node n, Call call, Node callee) {
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

  private Cause authn(Node n, String reason, boolean inferred, String note) {
    CorrelationEvent e = n.server;
    String sent = e.tokenHash;
    if (sent == null && n.parent != null && n.parent.client != null) {
      sent = n.parent.client.tokenHash;
    }
    // The nearest outer hop that accepted a token, or that only relayed the refusal of a token
    // other than the one it received: either way the rejected token was minted on the way in.
    Node accepting = null;
    for (Node a = n.caller(); a != null; a = a.caller()) {
      String t = tokenAccepted(a);
      if (t != null && (a.server.authn == Outcome.SUCCESS || (sent != null && !sent.equals(t)))) {
        accepting = a;
        break;
      }
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
    if (note != null) {
      s.append(note);
    }
    s.append(passedOn(n.caller()));
    String hop = n.name();
    return new Cause(verdict, n, hop, reason, cleanParens(s.toString()));
  }

  /**
   * The token a hop on the failing path let through: one it accepted (authn success, recorded or
   * inferred as 1.1 relaying hops write it), or one it received and passed a failure back for
   * without deciding anything about it (authn failure inferred from the 401 it relayed, as 1.0
   * emitters and non-Java layers write it). Null when the hop decided against it itself, or holds
   * no token hash.
   */
  private static String tokenAccepted(Node a) {
    CorrelationEvent e = a.server;
    if (e == null || e.tokenHash == null) {
      return null;
    }
    if (e.authn == Outcome.SUCCESS) {
      return e.tokenHash;
    }
    return failed(e.authn) && e.authnInferred && relaysRefusal(a) ? e.tokenHash : null;
  }

  /** Whether one of the hop's last calls was refused (401 / 403, or a callee that refused it). */
  private static boolean relaysRefusal(Node a) {
    for (Call c : lastAttempts(a.calls)) {
      if (c.client != null) {
        String reason = clientReason(c.client);
        if (Reason.UPSTREAM_UNAUTHENTICATED.code().equals(reason)
            || Reason.UPSTREAM_FORBIDDEN.code().equals(reason)) {
          return true;
        }
      }
      Node callee = c.lastCallee();
      if (callee != null && callee.server != null && !succeeded(callee.server)
          && (kindOfStatus(callee.server) == Verdict.AUTHN_FAILURE
              || kindOfStatus(callee.server) == Verdict.AUTHZ_FAILURE)) {
        return true;
      }
    }
    return false;
  }

  private Cause authz(Node n, String reason, boolean inferred) {
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

  private Cause ok() {
    int hops = 0;
    for (Node n : nodes) {
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

  // ---- broken traces ----------------------------------------------------------------------

  private Cause broken(Set<String> traces, String requestId, Cause failure) {
    Node[] at = breakPoint(traces);
    Node inner = at[1];
    Node outer = at[0];
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

  private String breakSentence(Set<String> traces) {
    Node[] at = breakPoint(traces);
    Node outer = at[0];
    Node inner = at[1];
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
  private Node[] breakPoint(Set<String> traces) {
    for (CorrelationEvent e : hopOrder) {
      if (e.isClient() || e.traceId == null || e.layerTrace) {
        continue;
      }
      Node n = nodeOf(e);
      Node caller = n == null ? null : n.caller();
      while (caller != null && (caller.traceId() == null
          || (caller.server != null && caller.server.layerTrace))) {
        caller = caller.caller();
      }
      if (caller != null && !e.traceId.equals(caller.traceId())) {
        return new Node[] {caller, n};
      }
    }
    // No caller link shows it: name the first hop off the first trace.
    String first = traces.iterator().next();
    Node previous = null;
    for (CorrelationEvent e : hopOrder) {
      Node n = nodeOfAny(e);
      if (e.traceId != null && !e.layerTrace && !e.traceId.equals(first)) {
        return new Node[] {previous, n};
      }
      previous = n;
    }
    return new Node[] {null, null};
  }

  private Node nodeOf(CorrelationEvent server) {
    for (Node n : nodes) {
      if (n.server == server) {
        return n;
      }
    }
    return null;
  }

  private Node nodeOfAny(CorrelationEvent e) {
    for (Node n : nodes) {
      if (n.server == e) {
        return n;
      }
      for (Call c : n.calls) {
        if (c.client == e) {
          return n;
        }
      }
    }
    return null;
  }

  // ---- classification ---------------------------------------------------------------------

  private static boolean failed(Outcome o) {
    return o != null && o.failed();
  }

  private static boolean ownIdentityRecorded(CorrelationEvent e) {
    return (failed(e.authn) && !e.authnInferred) || (failed(e.authz) && !e.authzInferred);
  }

  /** A server event that shows a good answer and no failed decision. */
  private static boolean succeeded(CorrelationEvent e) {
    if (failed(e.authn) || failed(e.authz) || failed(e.dependency) || e.errorType != null
        || e.eventOutcome == EventOutcome.FAILURE || statusFailing(e)) {
      return false;
    }
    return e.httpStatus != 0 || e.grpcStatus != null || e.eventOutcome == EventOutcome.SUCCESS;
  }

  private static boolean clientFailed(CorrelationEvent c) {
    return failed(c.dependency) || c.errorType != null || c.eventOutcome == EventOutcome.FAILURE
        || statusFailing(c);
  }

  /** Statuses that mean an identity, dependency or capacity failure (not a 404 or a 400). */
  private static boolean statusFailing(CorrelationEvent e) {
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
  private static Verdict kindOfStatus(CorrelationEvent e) {
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
  private static String clientReason(CorrelationEvent c) {
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
  private static String dependencyReasonOf(String status) {
    Reason r = DependencyFailures.fromStatus(status);
    return r == null ? null : r.code();
  }

  /** Attempts at this call's target: recorded attempts, or the client events for it. */
  private static int attempts(Node n, Call call) {
    int events = 0;
    String target = call.target();
    for (Call c : n.calls) {
      if (c.client != null && c.target().equals(target)) {
        events++;
      }
    }
    return Math.max(events, call.client == null ? 0 : call.client.attempts);
  }

  // ---- words ------------------------------------------------------------------------------

  /** Which hops passed the failure on: {@code n} and its callers, if they answered an error. */
  private static String passedOn(Node n) {
    StringBuilder s = null;
    for (Node a = n; a != null; a = a.caller()) {
      if (a.server == null || !(statusFailing(a.server) || failed(a.server.authn)
          || failed(a.server.authz) || failed(a.server.dependency))) {
        continue;
      }
      if (s == null) {
        s = new StringBuilder("; passed on by ");
      } else {
        s.append(", ");
      }
      s.append(a.name());
      if (a.server.statusText() != null) {
        s.append(" (").append(a.server.statusText()).append(')');
      }
    }
    return s == null ? "" : s.toString();
  }

  private static void audience(StringBuilder s, CorrelationEvent e, String reason) {
    if (Reason.AUDIENCE_MISMATCH.code().equals(reason) && !e.audience.isEmpty()) {
      if (s.charAt(s.length() - 1) != '(') {
        s.append(", ");
      }
      s.append("audience ").append(String.join(" ", e.audience));
    }
  }

  private static String cleanParens(String s) {
    return s.replace(" ()", "");
  }

  private static Cause withNote(Cause c, String note) {
    return new Cause(c.verdict, c.node, c.hop, c.reason, c.evidence + note);
  }

  /** What a layer's inferred outcome was derived from ({@link LayerLine}), else otherwise. */
  private static String basisOr(CorrelationEvent e, String otherwise) {
    return e.basis != null ? e.basis : otherwise;
  }

  private static String statusOr(CorrelationEvent e, String otherwise) {
    String s = e.statusText();
    return s != null ? s : otherwise;
  }

  private static String statusSuffix(CorrelationEvent e) {
    String s = e.statusText();
    return s != null ? " (" + s + ")" : "";
  }

  static String phrase(String code) {
    return code.replace('_', ' ');
  }

  static String shortHash(String hex) {
    if (hex == null) {
      return "?";
    }
    return hex.length() <= 8 ? hex : hex.substring(0, 8) + "…";
  }

  private static String lowerFirst(String s) {
    return s.isEmpty() ? s : s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
  }

  private static String duration(long nanos) {
    long ms = nanos / 1_000_000L;
    if (ms < 1000) {
      return ms + " ms";
    }
    return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }
}
