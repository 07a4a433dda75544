package dev.identitylog.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.testing.CollectingSink;
import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A failure inside the library never fails the call: the call goes on, the failure is counted. */
class LibraryFailuresTest {
  private final CollectingSink sink = new CollectingSink();
  private final IdentityLog log = IdentityLog.builder().serviceName("fragile").addSink(sink).build();
  private final GrpcIdentityLog grpc = GrpcIdentityLog.create(log);

  @Test
  void aServerCallTheLibraryCannotReadIsServedAndLoggedAllTheSame() {
    BrokenServerCall call = new BrokenServerCall();
    AtomicReference<ServerCall<String, String>> served = new AtomicReference<>();
    ServerCallHandler<String, String> handler =
        (c, headers) -> {
          served.set(c);
          return new ServerCall.Listener<>() {};
        };

    ServerCall.Listener<String> listener =
        grpc.newServerInterceptor()
            .interceptCall(call, Calls.metadata("x-request-id", "still-here"), handler);
    served.get().close(Status.OK, new Metadata());

    assertThat(listener).isNotNull();
    assertThat(call.closedWith).isSameAs(Status.OK);
    assertThat(log.internalErrors()).isEqualTo(1);
    // A smaller event, with what could be read before the failure.
    IdentityEvent e = sink.single();
    assertThat(e.get(Fields.REQUEST_ID)).isEqualTo("still-here");
    assertThat(e.get(Fields.RPC_METHOD)).isEqualTo("Unary");
    assertThat(e.get(Fields.RPC_GRPC_STATUS_CODE)).isEqualTo("OK");
  }

  @Test
  void aChannelTheLibraryCannotReadStillMakesTheCall() {
    AtomicReference<CallOptions> made = new AtomicReference<>();
    Channel broken =
        new Channel() {
          @Override
          public <ReqT, RespT> ClientCall<ReqT, RespT> newCall(
              MethodDescriptor<ReqT, RespT> method, CallOptions options) {
            made.set(options);
            return null; // the test only checks that the call was asked for
          }

          @Override
          public String authority() {
            throw new IllegalStateException("no authority today");
          }
        };

    grpc.newClientInterceptor().interceptCall(Echo.UNARY, CallOptions.DEFAULT, broken);

    assertThat(made.get()).isSameAs(CallOptions.DEFAULT);
    assertThat(log.internalErrors()).isEqualTo(1);
    assertThat(sink.events()).isEmpty();
  }

  /** A call whose transport attributes cannot be read. */
  private static final class BrokenServerCall extends ServerCall<String, String> {
    Status closedWith;

    @Override
    public void request(int numMessages) {}

    @Override
    public void sendHeaders(Metadata headers) {}

    @Override
    public void sendMessage(String message) {}

    @Override
    public void close(Status status, Metadata trailers) {
      closedWith = status;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public Attributes getAttributes() {
      throw new IllegalStateException("attributes are gone");
    }

    @Override
    public MethodDescriptor<String, String> getMethodDescriptor() {
      return Echo.UNARY;
    }
  }
}
