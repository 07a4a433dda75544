package dev.identitylog.correlate;

import dev.identitylog.event.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Builds the events of one request the way instrumented hops log them: one trace id and request
 * id, fresh span ids, server events whose parent is the caller's client span, times from a start
 * plus offsets.
 */
final class Req {
  static final Instant T0 = Instant.parse("2026-11-28T09:00:00Z");

  final Random random;
  final String trace;
  final String requestId;
  final Instant start;
  final List<Line> lines = new ArrayList<>();

  Req(long seed) {
    this(seed, T0);
  }

  Req(long seed, Instant start) {
    this.random = new Random(seed);
    this.trace = hex(32);
    this.requestId = "req-" + hex(12);
    this.start = start;
  }

  String hex(int chars) {
    StringBuilder sb = new StringBuilder(chars);
    while (sb.length() < chars) {
      sb.append(Character.forDigit(random.nextInt(16), 16));
    }
    if (sb.toString().chars().allMatch(c -> c == '0')) {
      sb.setCharAt(0, '1');
    }
    return sb.toString();
  }

  /** A server event that started {@code at} ms after the start and took {@code took} ms. */
  Line server(String service, String layer, long at, long took) {
    Line l = event("identity.server", service, layer, at, took);
    l.set("identity.trace.origin", lines.isEmpty() ? "generated" : "traceparent");
    lines.add(l);
    return l;
  }

  /** A call made by the hop of {@code caller} to {@code target}. */
  Line client(Line caller, String target, long at, long took) {
    Line l = event("identity.client", caller.service(), (String) caller.get("identity.hop.layer"),
        at, took);
    l.set("span.parent.id", caller.span());
    l.set("server.address", target);
    l.set("trace.id", caller.get("trace.id"));
    lines.add(l);
    return l;
  }

  private Line event(String name, String service, String layer, long at, long took) {
    Line l = new Line();
    l.set("timestamp", Timestamps.format(start.plusMillis(at + took)));
    l.set("event.name", name);
    l.set("identity.schema", "1.0");
    l.set("service.name", service);
    l.set("identity.hop.layer", layer);
    l.set("trace.id", trace);
    l.set("span.id", hex(16));
    l.set("identity.request.id", requestId);
    l.set("event.duration", took * 1_000_000L);
    return l;
  }

  /**
   * The usual stack: edge (cdn) → gateway → backend → inventory, every hop answering 200, the
   * gateway and the backend logging their calls. Returns the lines in this order: edge, gateway,
   * gateway→backend, backend, backend→inventory, inventory.
   */
  static Req fourHops(long seed, Instant start) {
    Req r = new Req(seed, start);
    String token = r.hex(32);
    Line edge = r.server("edge", "cdn", 0, 120).status(200);
    Line gw = r.server("gateway", "gateway", 5, 110).parent(edge).status(200)
        .authn("success", null).token(token);
    Line gwc = r.client(gw, "backend", 10, 100).status(200);
    Line be = r.server("backend", "backend", 12, 95).parent(gwc).status(200)
        .authn("success", null).token(token).authz("success", null);
    Line bec = r.client(be, "inventory", 20, 60).status(200);
    r.server("inventory", "backend", 22, 55).parent(bec).status(200).authn("success", null);
    return r;
  }

  Line line(int i) {
    return lines.get(i);
  }

  List<String> json() {
    List<String> out = new ArrayList<>();
    for (Line l : lines) {
      out.add(l.json());
    }
    return out;
  }
}
