package dev.identitylog.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Keeps the metadata each call arrived with, to check propagation where it is received. */
final class ReceivedMetadata implements ServerInterceptor {
  private final BlockingQueue<Metadata> received = new LinkedBlockingQueue<>();

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    received.add(headers);
    return next.startCall(call, headers);
  }

  /** The metadata of the next call received, waiting for it if need be. */
  Metadata next() throws InterruptedException {
    Metadata m = received.poll(5, TimeUnit.SECONDS);
    if (m == null) {
      throw new AssertionError("no call arrived");
    }
    return m;
  }

  void clear() {
    received.clear();
  }

  static String get(Metadata m, String name) {
    return m.get(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
  }

  static int count(Metadata m, String name) {
    Iterable<String> all = m.getAll(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
    int n = 0;
    if (all != null) {
      for (String ignored : all) {
        n++;
      }
    }
    return n;
  }
}
