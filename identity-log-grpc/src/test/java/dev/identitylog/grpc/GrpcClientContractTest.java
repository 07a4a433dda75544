package dev.identitylog.grpc;

import dev.identitylog.IdentityLog;
import dev.identitylog.testing.ClientAdapterContract;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.TestPki;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.netty.handler.ssl.ClientAuth;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The client adapter contract for the gRPC client interceptor, calling a gRPC server over Netty
 * TLS that the server interceptor instruments. Each route is a unary method {@code
 * Contract/<route>}; the call's timeout is its deadline.
 */
class GrpcClientContractTest extends ClientAdapterContract {
  private static final String SERVICE = "identitylog.test.ClientContract";
  /** The metadata of the call being served, for the callee's handler. */
  private static final io.grpc.Context.Key<Metadata> HEADERS = io.grpc.Context.key("headers");

  @Override
  protected RunningCallee startCallee(IdentityLog calleeLog, Credential server, Callee callee)
      throws Exception {
    ServerServiceDefinition.Builder service = ServerServiceDefinition.builder(SERVICE);
    for (Route route : Route.values()) {
      service.addMethod(method(route), ServerCalls.asyncUnaryCall((request, response) -> {
        Metadata metadata = HEADERS.get();
        Map<String, String> headers = new LinkedHashMap<>();
        for (String key : metadata.keys()) {
          if (!key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
            headers.put(key, metadata.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER)));
          }
        }
        switch (callee.serve(route.name(), headers)) {
          case UNAUTHENTICATED:
            response.onError(Status.UNAUTHENTICATED.asException());
            return;
          case FORBIDDEN:
            response.onError(Status.PERMISSION_DENIED.asException());
            return;
          case UNAVAILABLE:
            response.onError(Status.UNAVAILABLE.asException());
            return;
          default:
            response.onNext("ok");
            response.onCompleted();
        }
      }));
    }
    ServerInterceptor capture = new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        return io.grpc.Contexts.interceptCall(
            io.grpc.Context.current().withValue(HEADERS, headers), call, headers, next);
      }
    };
    Server grpc = NettyServerBuilder.forPort(0)
        .sslContext(Tls.server(server, TestPki.trustAllManager(), ClientAuth.NONE))
        .addService(ServerInterceptors.intercept(service.build(), capture,
            GrpcIdentityLog.create(calleeLog).newServerInterceptor()))
        .build()
        .start();
    return new RunningCallee() {
      @Override
      public int port() {
        return grpc.getPort();
      }

      @Override
      public void close() throws Exception {
        grpc.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    };
  }

  @Override
  protected String call(IdentityLog callerLog, Call call) {
    Metadata metadata = new Metadata();
    call.headers.forEach((name, value) ->
        metadata.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value));
    // The application's headers are attached first; the identity interceptor sees the call last.
    ManagedChannel channel = GrpcServer.channelTo("localhost", call.port,
        Tls.client(null, call.trusted),
        GrpcIdentityLog.create(callerLog).newClientInterceptor(),
        MetadataUtils.newAttachHeadersInterceptor(metadata));
    // The contract's timeout is a deadline for the call that must time out; other calls get a
    // generous one, so a slow first handshake on a loaded machine is not taken for a timeout.
    long deadline = call.route == Route.SLOW ? call.timeout.toMillis() : 10_000;
    try {
      ClientCalls.blockingUnaryCall(channel, method(call.route),
          CallOptions.DEFAULT.withDeadlineAfter(deadline, TimeUnit.MILLISECONDS), "");
      return "OK";
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode().name();
    } finally {
      channel.shutdownNow();
    }
  }


  private static MethodDescriptor<String, String> method(Route route) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, route.path()))
        .setRequestMarshaller(Echo.UTF8)
        .setResponseMarshaller(Echo.UTF8)
        .build();
  }

  @Override
  protected String statusField() {
    return "rpc.grpc.status_code";
  }

  @Override
  protected String status(Route route) {
    switch (route) {
      case UNAUTHENTICATED:
        return "UNAUTHENTICATED";
      case FORBIDDEN:
        return "PERMISSION_DENIED";
      case UNAVAILABLE:
        return "UNAVAILABLE";
      default:
        return "OK";
    }
  }
}
