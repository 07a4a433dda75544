package dev.identitylog.grpc;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A real gRPC server over Netty and TLS on an ephemeral port, and channels to it. */
final class GrpcServer implements AutoCloseable {
  private final Server server;
  private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();

  private GrpcServer(Server server) {
    this.server = server;
  }

  /**
   * Starts a server; {@code interceptors} wrap the service as {@code ServerInterceptors.intercept}
   * does: the last one sees each call first.
   */
  static GrpcServer start(
      SslContext tls, ServerServiceDefinition service, ServerInterceptor... interceptors) {
    try {
      Server server =
          NettyServerBuilder.forPort(0)
              .sslContext(tls)
              .addService(ServerInterceptors.intercept(service, interceptors))
              .build()
              .start();
      return new GrpcServer(server);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return server.getPort();
  }

  /** A channel to {@code localhost:port}; the last interceptor sees each call first. */
  ManagedChannel channel(SslContext tls, ClientInterceptor... interceptors) {
    ManagedChannel channel = channelTo("localhost", port(), tls, interceptors);
    channels.add(channel);
    return channel;
  }

  static ManagedChannel channelTo(
      String host, int port, SslContext tls, ClientInterceptor... interceptors) {
    return NettyChannelBuilder.forAddress(host, port)
        .sslContext(tls)
        .intercept(interceptors)
        .build();
  }

  /** A channel whose calls are retried on UNAVAILABLE (up to 3 attempts, short backoff). */
  ManagedChannel retryingChannel(SslContext tls, ClientInterceptor... interceptors) {
    Map<String, Object> retryPolicy =
        Map.of(
            "maxAttempts", 3.0,
            "initialBackoff", "0.01s",
            "maxBackoff", "0.05s",
            "backoffMultiplier", 1.0,
            "retryableStatusCodes", List.of("UNAVAILABLE"));
    Map<String, Object> methodConfig =
        Map.of("name", List.of(Map.of("service", Echo.SERVICE)), "retryPolicy", retryPolicy);
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("localhost", port())
            .sslContext(tls)
            .intercept(interceptors)
            .defaultServiceConfig(Map.of("methodConfig", List.of(methodConfig)))
            .enableRetry()
            .build();
    channels.add(channel);
    return channel;
  }

  /** A port nothing listens on. */
  static int deadPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow();
    }
    try {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
