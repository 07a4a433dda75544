package dev.identitylog.grpc;

import dev.identitylog.IdentityLog;
import dev.identitylog.testing.ServerAdapterContract;
import dev.identitylog.testing.TestPki;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.netty.handler.ssl.ClientAuth;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The server adapter contract on a real gRPC server over Netty TLS, the interceptor from {@link
 * GrpcIdentityLog#newServerInterceptor()}. Each route is a unary method {@code Contract/<route>}.
 */
class GrpcServerContractTest extends ServerAdapterContract {
  private static final String SERVICE = "identitylog.test.Contract";

  @Override
  protected RunningServer start(IdentityLog identityLog, SSLContext tls, Application app)
      throws Exception {
    // Netty takes keys, not an SSLContext: the same credential, 'want' mode, any client accepted.
    var server = NettyServerBuilder.forPort(0)
        .sslContext(Tls.server(serverCredential, TestPki.trustAllManager(), ClientAuth.OPTIONAL))
        .addService(io.grpc.ServerInterceptors.intercept(
            service(app), GrpcIdentityLog.create(identityLog).newServerInterceptor()))
        .build()
        .start();
    return new RunningServer() {
      @Override
      public int port() {
        return server.getPort();
      }

      @Override
      public void close() throws Exception {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    };
  }

  private static ServerServiceDefinition service(Application app) {
    ServerServiceDefinition.Builder service = ServerServiceDefinition.builder(SERVICE);
    for (Route route : Route.values()) {
      service.addMethod(method(route), ServerCalls.asyncUnaryCall((request, response) -> {
        switch (app.serve(route.name())) {
          case CHALLENGE:
            response.onError(Status.UNAUTHENTICATED.withDescription("invalid_token").asException());
            return;
          case FORBIDDEN:
            response.onError(Status.PERMISSION_DENIED.asException());
            return;
          case ASYNC:
            new Thread(() -> {
              response.onNext("async");
              response.onCompleted();
            }, "contract-async").start();
            return;
          case SLOW:
            CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS).execute(() -> {
              try {
                response.onNext("late");
                response.onCompleted();
              } catch (RuntimeException cancelled) {
                // the client went away; the interceptor records it
              }
            });
            return;
          default:
            response.onNext("ok");
            response.onCompleted();
        }
      }));
    }
    return service.build();
  }

  private static MethodDescriptor<String, String> method(Route route) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, route.path()))
        .setRequestMarshaller(Echo.UTF8)
        .setResponseMarshaller(Echo.UTF8)
        .build();
  }

  private static ManagedChannel channel(Request request) {
    Metadata metadata = new Metadata();
    request.headers.forEach((name, value) ->
        metadata.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value));
    return GrpcServer.channelTo("localhost", request.port,
        Tls.client(request.client, request.trusted),
        MetadataUtils.newAttachHeadersInterceptor(metadata));
  }

  @Override
  protected Answer send(Request request) {
    ManagedChannel channel = channel(request);
    try {
      ClientCalls.blockingUnaryCall(channel, method(request.route), CallOptions.DEFAULT, "");
      return new Answer("OK", Map.of());
    } catch (StatusRuntimeException e) {
      return new Answer(e.getStatus().getCode().name(), Map.of());
    } finally {
      channel.shutdownNow();
    }
  }

  @Override
  protected void sendAndAbort(Request request) throws Exception {
    ManagedChannel channel = channel(request);
    try {
      ClientCall<String, String> call = channel.newCall(method(request.route), CallOptions.DEFAULT);
      var answer = ClientCalls.futureUnaryCall(call, "");
      Thread.sleep(300); // the server is in the middle of the call
      answer.cancel(true);
    } finally {
      channel.shutdownNow();
    }
  }

  @Override
  protected String expectedStatus(Route route) {
    switch (route) {
      case CHALLENGE:
        return "UNAUTHENTICATED";
      case FORBIDDEN:
        return "PERMISSION_DENIED";
      case THROW:
        return "UNKNOWN";
      default:
        return "OK";
    }
  }

  @Override
  protected String strictRefusalStatus() {
    return "INVALID_ARGUMENT";
  }

  @Override
  protected String statusField() {
    return "rpc.grpc.status_code";
  }

  @Test
  @Disabled("gRPC has no WWW-Authenticate: an UNAUTHENTICATED answer to a well-formed token leaves"
      + " no reason to infer (SPEC 5), so none is written; expiredTokenRefused covers the inferred one")
  @Override
  public void unauthenticatedWithChallenge() {}

  @Test
  @Disabled("gRPC answers carry no request-id header: the id travels only with outbound calls")
  @Override
  public void requestIdEchoed() {}
}
