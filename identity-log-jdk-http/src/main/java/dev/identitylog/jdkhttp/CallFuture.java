package dev.identitylog.jdkhttp;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/**
 * The future {@code sendAsync} returns: completed with exactly the delegate's outcome (the same
 * response, the same exception instance), but only after the call's event was recorded, so that an
 * application's callback that ends the request being served (an async servlet's {@code
 * complete()}) runs after the call reported into that request. Dependents of the delegate's own
 * future run in no guaranteed order, so returning it would race the application's callbacks.
 *
 * <p>Cancelling it cancels the delegate's future too, so the exchange is abandoned as it would be
 * without us (the JDK 16+ client stops the exchange on cancel).
 */
final class CallFuture<T> extends CompletableFuture<T> {
  private final CompletableFuture<T> source;

  private CallFuture(CompletableFuture<T> source) {
    this.source = source;
  }

  /** A future that completes as {@code source} does, once {@code call} has recorded the end. */
  static <R extends HttpResponse<?>> CompletableFuture<R> after(
      CompletableFuture<R> source, OutboundCall call) {
    CallFuture<R> result = new CallFuture<>(source);
    source.whenComplete(
        (value, error) -> {
          try {
            call.completed(value, error);
          } finally {
            if (error != null) {
              result.completeExceptionally(error);
            } else {
              result.complete(value);
            }
          }
        });
    return result;
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    // This future first, so the caller sees a plain cancellation whatever form the delegate's takes
    // (the JDK's completes through a dependent stage); then the delegate's, which abandons the
    // exchange and ends the call as client_abort.
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    source.cancel(mayInterruptIfRunning);
    return cancelled;
  }

  @Override
  public String toString() {
    return "IdentityLogHttpClient.CallFuture{" + source + "}";
  }
}
