package dev.identitylog.grpc;

import dev.identitylog.internal.Throwables;
import dev.identitylog.protocol.ClientRecord;
import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;

/**
 * Counts the streams of one call: grpc-java retries (a retry policy, hedging, transparent retries)
 * below the {@code ClientCall}, where only a stream tracer sees each attempt.
 *
 * <p>It also sees each attempt's metadata as it goes to the transport, after every interceptor
 * ran, including one that runs inside ours (the OpenTelemetry Java agent adds its interceptor when
 * the channel is built, after the application's): the {@code traceparent} there is the one the
 * callee will see, and it becomes the event's {@code span.id}. When ours and an inner
 * interceptor's both went in, only the inner one's (the last) is sent: it belongs to the CLIENT
 * span that instrumentation made, and two values would leave the callee to pick one.
 */
final class AttemptCounter extends ClientStreamTracer.Factory {
  private static final ClientStreamTracer NOOP = new ClientStreamTracer() {};

  private final MetadataKeys keys;
  private volatile ClientRecord exchange;

  AttemptCounter(MetadataKeys keys) {
    this.keys = keys;
  }

  void exchange(ClientRecord exchange) {
    this.exchange = exchange;
  }

  @Override
  public ClientStreamTracer newClientStreamTracer(
      ClientStreamTracer.StreamInfo info, Metadata headers) {
    ClientRecord x = exchange;
    if (x != null) {
      x.attempt();
      try {
        x.traceParentSent(lastOnly(headers, "traceparent"));
        lastOnly(headers, "tracestate");
        Metadata.Key<String> requestId = keys.get(x.requestIdHeader());
        x.requestIdSent(requestId == null ? null : headers.get(requestId));
      } catch (Throwable t) {
        Throwables.propagateIfFatal(t);
        if (t instanceof VirtualMachineError) {
          throw (VirtualMachineError) t;
        }
        // never fails the call; traceParentSent counts its own failures
      }
    }
    return NOOP;
  }

  /** The header's last value, after removing any earlier ones (headers here are still mutable). */
  private String lastOnly(Metadata headers, String name) {
    Metadata.Key<String> key = keys.get(name);
    Iterable<String> values = key == null ? null : headers.getAll(key);
    if (values == null) {
      return null;
    }
    String last = null;
    int count = 0;
    for (String v : values) {
      last = v;
      count++;
    }
    if (count > 1) {
      headers.removeAll(key);
      headers.put(key, last);
    }
    return last;
  }
}
