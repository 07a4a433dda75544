package dev.identitylog.grpc;

import dev.identitylog.exchange.Scope;
import dev.identitylog.exchange.ServerExchange;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.ServerCall;
import io.grpc.Status;

/**
 * Binds the call's record around every callback into service code (thread and {@code
 * io.grpc.Context}), and ends the record when the call ends without a status sent through {@link
 * RecordedServerCall#close}: a callback that threw, or a cancellation.
 */
final class RecordedServerListener<ReqT> extends SimpleForwardingServerCallListener<ReqT> {
  /** What the server sends when a callback throws (grpc-java closes the call with UNKNOWN). */
  private static final Status CALLBACK_FAILED = Status.UNKNOWN;

  private final RecordedServerCall<ReqT, ?> call;
  private final ServerExchange exchange;
  private final Context context;

  RecordedServerListener(
      ServerCall.Listener<ReqT> delegate, RecordedServerCall<ReqT, ?> call, Context context) {
    super(delegate);
    this.call = call;
    this.exchange = call.exchange;
    this.context = context;
  }

  @Override
  public void onMessage(ReqT message) {
    Context previous = context.attach();
    try (Scope bound = exchange.makeCurrent()) {
      super.onMessage(message);
    } catch (Throwable t) {
      call.failed(CALLBACK_FAILED, t);
      throw t;
    } finally {
      context.detach(previous);
    }
  }

  @Override
  public void onHalfClose() {
    Context previous = context.attach();
    try (Scope bound = exchange.makeCurrent()) {
      super.onHalfClose();
    } catch (Throwable t) {
      call.failed(CALLBACK_FAILED, t);
      throw t;
    } finally {
      context.detach(previous);
    }
  }

  @Override
  public void onReady() {
    Context previous = context.attach();
    try (Scope bound = exchange.makeCurrent()) {
      super.onReady();
    } catch (Throwable t) {
      call.failed(CALLBACK_FAILED, t);
      throw t;
    } finally {
      context.detach(previous);
    }
  }

  @Override
  public void onCancel() {
    Context previous = context.attach();
    try (Scope bound = exchange.makeCurrent()) {
      super.onCancel(); // first, so that decisions the service records here still count
    } finally {
      context.detach(previous);
      call.aborted(deadlinePassed() ? "DEADLINE_EXCEEDED" : "CANCELLED");
    }
  }

  @Override
  public void onComplete() {
    Context previous = context.attach();
    try (Scope bound = exchange.makeCurrent()) {
      super.onComplete();
    } finally {
      context.detach(previous);
      // Normally ended in close() already. If something closed the call around this interceptor,
      // the status is unknown here: say so rather than guess.
      if (!exchange.isFinished()) {
        call.failed(null, null);
      }
    }
  }

  private boolean deadlinePassed() {
    Deadline deadline = context.getDeadline();
    return deadline != null && deadline.isExpired();
  }
}
