package dev.identitylog.servlet;

import dev.identitylog.internal.Throwables;
import dev.identitylog.handler.ServerHandler;
import dev.identitylog.protocol.ServerRecord;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Ends the record of an async request when the container completes it: after the application
 * called {@code complete()}, after a timeout or an error the container answered itself, and after
 * any number of re-dispatches. The container always ends with {@code onComplete}, so that is the
 * only place that finishes; timeouts and errors only leave what they know for it.
 */
final class AsyncCompletion implements AsyncListener {
  private final ServerHandler handler;
  private final ServerRecord exchange;
  private final HttpServletResponse response;
  private volatile Throwable error;

  AsyncCompletion(
      ServerHandler handler, ServerRecord exchange, HttpServletResponse response, Throwable error) {
    this.handler = handler;
    this.exchange = exchange;
    this.response = response;
    this.error = error;
  }

  ServerRecord exchange() {
    return exchange;
  }

  /** An async dispatch (or the container) reported this failure; the first one is kept. */
  void failed(Throwable t) {
    if (t != null && error == null) {
      error = t;
    }
  }

  @Override
  public void onComplete(AsyncEvent event) {
    Completion.finish(handler, exchange, response, error);
  }

  /**
   * Nothing to do yet: either a listener of the application answers (and completes), or the
   * container answers with an error status; {@code onComplete} follows in both cases and reads
   * the status that was sent.
   */
  @Override
  public void onTimeout(AsyncEvent event) {}

  @Override
  public void onError(AsyncEvent event) {
    try {
      failed(event.getThrowable());
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      handler.internalError("following an async servlet request", t);
    }
  }

  /**
   * {@code startAsync()} called again (typically in an async dispatch) drops every listener after
   * telling it here; registering again keeps this request followed to its real end.
   */
  @Override
  public void onStartAsync(AsyncEvent event) {
    try {
      event
          .getAsyncContext()
          .addListener(this, event.getSuppliedRequest(), event.getSuppliedResponse());
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      handler.internalError("following an async servlet request", t);
    }
  }
}
