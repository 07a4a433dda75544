package dev.identitylog.correlate;

import dev.identitylog.event.HopLayer;
import java.util.ArrayList;
import java.util.List;

/** A hop: a service's server event, or a service known only from the calls it made. */
final class HopNode {
  final CorrelationEvent server;
  final String service;
  final HopLayer layer;
  final List<HopCall> calls = new ArrayList<>(2);
  /** The call (recorded or implicit) that led here; null for the root. */
  HopCall parent;
  long start;
  long end;

  HopNode(CorrelationEvent server) {
    this.server = server;
    this.service = server.service;
    this.layer = server.layer;
    this.start = server.start();
    this.end = server.timestamp;
  }

  /** A hop known only from a call it made: its server event is missing. */
  private HopNode(String service, HopLayer layer, long start, long end) {
    this.server = null;
    this.service = service;
    this.layer = layer;
    this.start = start;
    this.end = end;
  }

  static HopNode withoutServerEvent(CorrelationEvent client) {
    return new HopNode(client.service, client.layer, client.start(), client.timestamp);
  }

  HopNode caller() {
    return parent == null ? null : parent.caller;
  }

  String name() {
    return service != null ? service : "(unnamed service)";
  }

  String traceId() {
    if (server != null && server.traceId != null) {
      return server.traceId;
    }
    for (HopCall c : calls) {
      if (c.client != null && c.client.traceId != null) {
        return c.client.traceId;
      }
    }
    return null;
  }
}
