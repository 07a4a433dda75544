package dev.identitylog.grpc;

import dev.identitylog.context.Scope;
import dev.identitylog.protocol.ServerRecord;
import io.grpc.Context;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.ServerCall;
import io.grpc.Status;

/**
 * Binds the call's record around every callback into service code (thread and {@code
 * io.grpc.Context}), and ends the record when the call ends without a status sent through {@link
 * RecordedServerCall#close}: a callback that threw, or a cancellation.
 */
final class RecordedServerListener<ReqT> extends SimpleForwardingServerCallListener<ReqT> {
  /** What grpc-java closes a call with when a callback throws. */
  private static final Status CALLBACK_FAILED = Status.UNKNOWN;

  private final RecordedServerCall<ReqT, ?> call;
  private final ServerRecord exchange;
  private final Context context;

  RecordedServerListener(ServerCall.Listener<ReqT> delegate, RecordedServerCall<ReqT, ?> call) {
    super(delegate);
    this.call = call;
    this.exchange = call.exchange;
    this.context = call.context;
  }

  /**
   * Runs one callback with the call's record bound; a callback that throws ends the record as
   * grpc-java ends the call ({@code UNKNOWN}), and the exception goes on unchanged.
   */
  private void bound(Runnable callback) {
    Context previous = context.attach();
    Scope bound = exchange.makeCurrent();
    try {
      callback.run();
    } catch (Throwable t) {
      call.end(CALLBACK_FAILED, t);
      throw t;
    } finally {
      bound.close();
      context.detach(previous);
    }
  }

  @Override
  public void onMessage(ReqT message) {
    bound(() -> super.onMessage(message));
  }

  @Override
  public void onHalfClose() {
    bound(super::onHalfClose);
  }

  @Override
  public void onReady() {
    bound(super::onReady);
  }

  @Override
  public void onCancel() {
    Context previous = context.attach();
    Scope bound = exchange.makeCurrent();
    try {
      super.onCancel(); // first, so that decisions the service records here still count
    } finally {
      bound.close();
      context.detach(previous);
      call.aborted();
    }
  }

  @Override
  public void onComplete() {
    Context previous = context.attach();
    Scope bound = exchange.makeCurrent();
    try {
      super.onComplete();
    } finally {
      bound.close();
      context.detach(previous);
      // Normally ended in close() already. If something closed the call around this interceptor,
      // the status is unknown here: say so rather than guess.
      if (!exchange.isFinished()) {
        call.end(null, null);
      }
    }
  }
}
