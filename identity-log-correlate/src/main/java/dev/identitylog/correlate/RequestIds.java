package dev.identitylog.correlate;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The ids, start and hops of a request's events, in the order given. */
final class RequestIds {
  final Set<String> traces = new LinkedHashSet<>();
  final Set<String> requests = new LinkedHashSet<>();
  final List<RequestVerdict.Hop> hops;
  long start = Times.NONE;

  private RequestIds(int size) {
    hops = new ArrayList<>(size);
  }

  static RequestIds of(List<CorrelationEvent> events) {
    RequestIds ids = new RequestIds(events.size());
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
