package dev.identitylog.grpc;

import dev.identitylog.handler.ServerHandler;
import dev.identitylog.protocol.ServerRecord;
import io.grpc.Context;

/**
 * Where a served call's record lives in {@code io.grpc.Context}: work the application hands on
 * with {@code Context.current().wrap(..)} or {@code Context.currentContextExecutor(..)} keeps its
 * context but not the thread binding, and outbound calls made there still find their parent here.
 */
final class ExchangeContext {
  static final Context.Key<ServerRecord> EXCHANGE = Context.key("dev.identitylog.internal.exchange");

  private ExchangeContext() {}

  /** The request being served on this thread: the thread binding first, then the gRPC context. */
  static ServerRecord current() {
    ServerRecord bound = ServerHandler.current();
    return bound != null ? bound : EXCHANGE.get();
  }
}
