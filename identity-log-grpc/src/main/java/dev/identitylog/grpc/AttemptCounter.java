package dev.identitylog.grpc;

import dev.identitylog.exchange.ClientExchange;
import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;

/**
 * Counts the streams of one call: grpc-java retries (a retry policy, hedging, transparent retries)
 * below the {@code ClientCall}, where only a stream tracer sees each attempt.
 */
final class AttemptCounter extends ClientStreamTracer.Factory {
  private static final ClientStreamTracer NOOP = new ClientStreamTracer() {};

  private volatile ClientExchange exchange;

  void exchange(ClientExchange exchange) {
    this.exchange = exchange;
  }

  @Override
  public ClientStreamTracer newClientStreamTracer(
      ClientStreamTracer.StreamInfo info, Metadata headers) {
    ClientExchange x = exchange;
    if (x != null) {
      x.attempt();
    }
    return NOOP;
  }
}
