package dev.identitylog.correlate;

import java.util.ArrayList;
import java.util.List;

/** A call from one hop to another: a client event, or implied when the caller logged none. */
final class HopCall {
  final HopNode caller;
  final CorrelationEvent client;
  final List<HopNode> callees = new ArrayList<>(1);

  HopCall(HopNode caller, CorrelationEvent client) {
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
    for (HopNode n : callees) {
      end = Math.max(end, n.end);
    }
    return end;
  }

  /** What the call is addressed to, so that retries of one target group together. */
  String target() {
    if (client != null) {
      if (client.isProducer()) {
        // Every send is its own record: never an attempt of another.
        return "message " + client.topic + " " + client.spanId + " " + client.timestamp;
      }
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
    HopNode callee = lastCallee();
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

  HopNode lastCallee() {
    HopNode last = null;
    for (HopNode n : callees) {
      if (last == null || n.end >= last.end) {
        last = n;
      }
    }
    return last;
  }
}
