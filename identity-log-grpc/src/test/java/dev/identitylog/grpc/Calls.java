package dev.identitylog.grpc;

import static org.assertj.core.api.Assertions.fail;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.util.concurrent.TimeUnit;

/** Unary calls the way an application makes them (blocking stub semantics), with metadata. */
final class Calls {
  private Calls() {}

  static String unary(Channel channel, String request) {
    return unary(channel, request, new Metadata(), 5000);
  }

  static String unary(Channel channel, String request, Metadata headers, long deadlineMillis) {
    Channel ch = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    return ClientCalls.blockingUnaryCall(
        ch,
        Echo.UNARY,
        CallOptions.DEFAULT.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS),
        request);
  }

  static Status failure(Channel channel, String request) {
    return failure(channel, request, new Metadata(), 5000);
  }

  static Status failure(Channel channel, String request, Metadata headers, long deadlineMillis) {
    try {
      String answer = unary(channel, request, headers, deadlineMillis);
      return fail("expected the call to fail, it answered " + answer);
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  /** Metadata from name, value pairs. */
  static Metadata metadata(String... nameValue) {
    Metadata m = new Metadata();
    for (int i = 0; i < nameValue.length; i += 2) {
      m.put(Metadata.Key.of(nameValue[i], Metadata.ASCII_STRING_MARSHALLER), nameValue[i + 1]);
    }
    return m;
  }
}
