package dev.identitylog.correlate;

import dev.identitylog.event.HopLayer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hops of one request as a tree, and the order in which they are listed.
 *
 * <p>Each server event is a hop; each client event is a call made by the hop of the same service
 * (by span link when the client recorded its parent span, else by service name and time). A hop
 * hangs under the call whose span id is its parent span id; failing that, under the hop whose span
 * is its parent; failing that, under a call naming it ({@code identity.dependency.name} or {@code
 * server.address}); failing that, under the hop before it in layer order (cdn, proxy, gateway,
 * mesh, backend) and start time. Links by span always win over times, so clock skew between hosts
 * cannot reorder hops the parent chain orders.
 *
 * <p>1.1 message events: a producer event is a call (to a broker) of the hop that sent the
 * record, and each consumer event a hop under it, by span only (a delivery's parent span is the
 * send's span); several groups and deliveries hang under one send ({@link MessageFates}).
 */
final class HopTree {
  private static final Comparator<CorrelationEvent> BY_TIME =
      Comparator.comparingLong(HopTree::sortStart)
          .thenComparingLong(e -> e.timestamp)
          .thenComparing(e -> e.service, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(e -> e.spanId, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparingInt(CorrelationEvent::hashCode);

  final List<HopNode> nodes = new ArrayList<>();
  /** The events, depth first from the outermost hop: a hop's server event, then its calls. */
  final List<CorrelationEvent> hopOrder = new ArrayList<>();
  HopNode root;

  HopTree(List<CorrelationEvent> events) {
    build(events);
  }

  private void build(List<CorrelationEvent> events) {
    List<CorrelationEvent> servers = new ArrayList<>();
    List<CorrelationEvent> clients = new ArrayList<>();
    for (CorrelationEvent e : events) {
      (e.isCall() ? clients : servers).add(e);
    }
    servers.sort(BY_TIME);
    clients.sort(BY_TIME);

    Map<String, HopNode> serverBySpan = new HashMap<>();
    Map<String, List<HopNode>> serversByService = new HashMap<>();
    for (CorrelationEvent s : servers) {
      HopNode n = new HopNode(s);
      nodes.add(n);
      if (s.spanId != null) {
        serverBySpan.putIfAbsent(s.spanId, n);
      }
      serversByService.computeIfAbsent(key(s.service), k -> new ArrayList<>()).add(n);
    }

    // Each client event is a call of the hop that made it.
    Map<String, HopCall> callBySpan = new HashMap<>();
    Map<String, HopNode> synthetic = new HashMap<>();
    List<HopCall> calls = new ArrayList<>(clients.size());
    for (CorrelationEvent c : clients) {
      HopNode caller = c.parentSpanId == null ? null : serverBySpan.get(c.parentSpanId);
      if (caller == null) {
        caller = callerByService(serversByService.get(key(c.service)), c);
      }
      if (caller == null) {
        caller = synthetic.get(key(c.service));
        if (caller == null) {
          caller = HopNode.withoutServerEvent(c);
          synthetic.put(key(c.service), caller);
          nodes.add(caller);
        } else {
          if (c.start() != Times.NONE && (caller.start == Times.NONE || c.start() < caller.start)) {
            caller.start = c.start();
          }
          caller.end = Math.max(caller.end, c.timestamp);
        }
      }
      HopCall call = new HopCall(caller, c);
      caller.calls.add(call);
      calls.add(call);
      if (c.spanId != null) {
        callBySpan.putIfAbsent(c.spanId, call);
      }
    }

    interposeSpanless(serverBySpan);

    // A hop hangs under the call, or the hop, whose span is its parent.
    for (HopNode n : nodes) {
      if (n.server == null || n.server.parentSpanId == null || n.parent != null) {
        continue;
      }
      HopCall call = callBySpan.get(n.server.parentSpanId);
      if (call != null && attach(call, n)) {
        continue;
      }
      HopNode parentHop = serverBySpan.get(n.server.parentSpanId);
      if (parentHop != null && parentHop != n && !isWithin(parentHop, n)) {
        HopCall implicit = new HopCall(parentHop, null);
        parentHop.calls.add(implicit);
        attach(implicit, n);
      }
    }

    // Then under a call that names it.
    for (HopNode n : nodes) {
      if (n.parent != null || n.service == null || (n.server != null && n.server.isConsumer())) {
        continue; // a delivery joins its send by span only: a name says nothing about a record
      }
      HopCall best = null;
      long bestDistance = Long.MAX_VALUE;
      for (HopCall c : calls) {
        if (!c.callees.isEmpty() || c.caller == n || c.client.isProducer()
            || !names(c.client, n.service)) {
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
    List<HopNode> ordered = new ArrayList<>(nodes);
    ordered.sort(
        Comparator.comparingInt(HopTree::rank)
            .thenComparingLong(n -> n.start == Times.NONE ? Long.MAX_VALUE : n.start)
            .thenComparing(n -> n.service, Comparator.nullsFirst(Comparator.naturalOrder())));
    for (int i = 0; i < ordered.size(); i++) {
      HopNode u = ordered.get(i);
      if (u.parent != null) {
        continue;
      }
      if (root == null) {
        root = u;
        continue;
      }
      for (int j = i - 1; j >= 0; j--) {
        HopNode v = ordered.get(j);
        if (isWithin(v, u)) {
          continue;
        }
        HopCall open = null;
        int openCalls = 0;
        for (HopCall c : v.calls) {
          if (c.client != null && c.callees.isEmpty() && !c.client.isProducer()) {
            open = c;
            openCalls++;
          }
        }
        if (openCalls != 1 || (u.server != null && u.server.isConsumer())) {
          open = new HopCall(v, null);
          v.calls.add(open);
        }
        attach(open, u);
        break;
      }
      if (u.parent == null) {
        // Every node before it lies inside its own subtree: it is the better root.
        HopCall implicit = new HopCall(u, null);
        u.calls.add(implicit);
        attach(implicit, root);
        root = u;
      }
    }

    // The order in which hops are listed: depth first from the outermost.
    Set<HopNode> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    if (root != null) {
      list(root, seen);
    }
    for (HopNode n : ordered) {
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
  private void interposeSpanless(Map<String, HopNode> serverBySpan) {
    for (HopNode g : nodes) {
      CorrelationEvent e = g.server;
      if (e == null || e.spanId != null || e.parentSpanId != null || g.parent != null
          || g.start == Times.NONE) {
        continue;
      }
      for (HopNode s : nodes) {
        if (s == g || s.parent != null || s.server == null || s.server.parentSpanId == null
            || s.start == Times.NONE || s.start < g.start || s.end > g.end) {
          continue;
        }
        HopNode p = serverBySpan.get(s.server.parentSpanId);
        if (p == null || p == s || p == g || !(rank(p) < rank(g) && rank(g) < rank(s))
            || isWithin(p, g) || isWithin(p, s)) {
          continue;
        }
        HopCall into = new HopCall(p, null);
        p.calls.add(into);
        attach(into, g);
        HopCall on = new HopCall(g, null);
        g.calls.add(on);
        attach(on, s);
        break;
      }
    }
  }

  private void list(HopNode n, Set<HopNode> seen) {
    if (!seen.add(n)) {
      return;
    }
    if (n.server != null) {
      hopOrder.add(n.server);
    }
    List<HopCall> calls = new ArrayList<>(n.calls);
    calls.sort(Comparator.comparingLong(HopCall::start));
    for (HopCall c : calls) {
      if (c.client != null) {
        hopOrder.add(c.client);
      }
      List<HopNode> callees = new ArrayList<>(c.callees);
      callees.sort(Comparator.comparingLong(x -> x.start == Times.NONE ? Long.MAX_VALUE : x.start));
      for (HopNode callee : callees) {
        list(callee, seen);
      }
    }
  }

  static HopNode callerByService(List<HopNode> candidates, CorrelationEvent c) {
    if (candidates == null || candidates.isEmpty()) {
      return null;
    }
    if (candidates.size() == 1 || c.start() == Times.NONE) {
      return candidates.get(0);
    }
    // Same host, same clock: the server event whose time span holds the call.
    long t = c.start();
    HopNode before = null;
    for (HopNode n : candidates) {
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
  static boolean attach(HopCall call, HopNode callee) {
    if (callee.parent != null || isWithin(call.caller, callee)) {
      return false;
    }
    call.callees.add(callee);
    callee.parent = call;
    return true;
  }

  /** Whether {@code n} is {@code ancestor} or lies below it. */
  static boolean isWithin(HopNode n, HopNode ancestor) {
    for (HopNode x = n; x != null; x = x.caller()) {
      if (x == ancestor) {
        return true;
      }
    }
    return false;
  }

  static boolean names(CorrelationEvent client, String service) {
    return nameMatches(client.dependencyName, service) || nameMatches(client.serverAddress, service)
        || nameMatches(client.rpcService, service);
  }

  static boolean nameMatches(String name, String service) {
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

  static int rank(HopNode n) {
    // No layer configured: most likely an application, the innermost kind of hop.
    return n.layer == null ? HopLayer.BACKEND.ordinal() : n.layer.ordinal();
  }

  static long sortStart(CorrelationEvent e) {
    long s = e.start();
    return s == Times.NONE ? Long.MAX_VALUE : s;
  }

  static String key(String service) {
    return service == null ? "" : service;
  }
}
