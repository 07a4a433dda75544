package dev.identitylog.grpc;

import dev.identitylog.RequestIdentity;
import dev.identitylog.outcome.Reason;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.MDC;

/**
 * The service behind every test server. A unary request says what to do:
 *
 * <ul>
 *   <li>{@code ok}: answers {@code ok};
 *   <li>{@code status:NAME}: fails with that status;
 *   <li>{@code sleep:MILLIS}: answers after sleeping;
 *   <li>{@code hang}: never answers (releases {@link #hanging});
 *   <li>{@code throw}: the service method throws;
 *   <li>{@code identity}: answers what {@code RequestIdentity.current()} and the MDC say;
 *   <li>{@code deny}: records an authorization failure, then fails with PERMISSION_DENIED;
 *   <li>{@code flaky:KEY}: UNAVAILABLE the first time a key is seen, {@code ok} after;
 *   <li>{@code call:DOWNSTREAM:DEADLINE_MILLIS:REQUEST}: calls a downstream service on the serving
 *       thread; a failure becomes DEADLINE_EXCEEDED (if the downstream call timed out) or
 *       UNAVAILABLE;
 *   <li>{@code call-async:...}: the same from another thread that only carries the gRPC context.
 * </ul>
 */
final class EchoService {
  final AtomicInteger invocations = new AtomicInteger();
  final Semaphore hanging = new Semaphore(0);

  private final Map<String, Channel> downstreams = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> flaky = new ConcurrentHashMap<>();
  private final ExecutorService async =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "echo-async");
            t.setDaemon(true);
            return t;
          });

  EchoService downstream(String name, Channel channel) {
    downstreams.put(name, channel);
    return this;
  }

  ServerServiceDefinition definition() {
    return ServerServiceDefinition.builder(Echo.SERVICE)
        .addMethod(Echo.UNARY, ServerCalls.asyncUnaryCall(this::unary))
        .addMethod(Echo.COLLECT, ServerCalls.asyncClientStreamingCall(this::collect))
        .addMethod(
            Echo.EXPLODE,
            (call, headers) -> {
              throw new IllegalStateException("this handler cannot start calls");
            })
        .build();
  }

  private void unary(String request, StreamObserver<String> out) {
    invocations.incrementAndGet();
    String[] p = request.split(":", 2);
    String arg = p.length > 1 ? p[1] : "";
    switch (p[0]) {
      case "ok":
        reply(out, "ok");
        break;
      case "status":
        out.onError(
            Status.Code.valueOf(arg).toStatus().withDescription("as asked").asRuntimeException());
        break;
      case "sleep":
        sleep(Long.parseLong(arg));
        reply(out, "slept");
        break;
      case "hang":
        hanging.release();
        break;
      case "throw":
        throw new IllegalStateException("the service failed");
      case "identity":
        RequestIdentity id = RequestIdentity.current();
        reply(out, id.traceId() + " " + id.spanId() + " " + id.requestId() + " " + MDC.get("trace.id"));
        break;
      case "deny":
        RequestIdentity.current().authzFailed(Reason.INSUFFICIENT_SCOPE, "orders:write");
        out.onError(Status.PERMISSION_DENIED.withDescription("no").asRuntimeException());
        break;
      case "flaky":
        if (flaky.computeIfAbsent(arg, k -> new AtomicInteger()).getAndIncrement() == 0) {
          out.onError(Status.UNAVAILABLE.withDescription("try again").asRuntimeException());
        } else {
          reply(out, "ok");
        }
        break;
      case "call":
        callDownstream(arg, out);
        break;
      case "call-async":
        async.execute(Context.current().wrap(() -> callDownstream(arg, out)));
        break;
      default:
        out.onError(Status.INVALID_ARGUMENT.withDescription("unknown request").asRuntimeException());
    }
  }

  private void callDownstream(String spec, StreamObserver<String> out) {
    String[] p = spec.split(":", 3);
    Channel channel = downstreams.get(p[0]);
    try {
      String answer =
          ClientCalls.blockingUnaryCall(
              channel,
              Echo.UNARY,
              CallOptions.DEFAULT.withDeadlineAfter(Long.parseLong(p[1]), TimeUnit.MILLISECONDS),
              p[2]);
      reply(out, "downstream said " + answer);
    } catch (StatusRuntimeException e) {
      Status.Code code =
          e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED
              ? Status.Code.DEADLINE_EXCEEDED
              : Status.Code.UNAVAILABLE;
      out.onError(code.toStatus().withDescription("downstream failed").asRuntimeException());
    }
  }

  private StreamObserver<String> collect(StreamObserver<String> out) {
    invocations.incrementAndGet();
    return new StreamObserver<>() {
      private int count;
      private boolean denied;

      @Override
      public void onNext(String message) {
        count++;
        if (message.equals("deny")) {
          // Recorded inside a message callback, not on the thread that started the call.
          RequestIdentity.current().authzFailed(Reason.ACTOR_NOT_PERMITTED, "batch-policy");
          denied = true;
        }
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        if (denied) {
          out.onError(Status.PERMISSION_DENIED.asRuntimeException());
        } else {
          reply(out, Integer.toString(count));
        }
      }
    };
  }

  private static void reply(StreamObserver<String> out, String answer) {
    out.onNext(answer);
    out.onCompleted();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static boolean await(CountDownLatch latch) throws InterruptedException {
    return latch.await(5, TimeUnit.SECONDS);
  }
}
