package dev.identitylog.jdkhttp;

import dev.identitylog.internal.Throwables;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.PushPromiseHandler;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A {@link HttpClient} that is {@code delegate} in every respect, except that {@code send} and
 * {@code sendAsync} record each call. What the application gets back is the delegate's own: the
 * response and the exception (the same instance); {@code sendAsync} returns a future that completes
 * with the delegate future's outcome once the call was recorded, and whose cancellation cancels the
 * delegate's.
 */
final class InstrumentedHttpClient extends HttpClient {
  private final HttpClient delegate;
  private final Calls calls;

  InstrumentedHttpClient(HttpClient delegate, Calls calls) {
    this.delegate = delegate;
    this.calls = calls;
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler)
      throws IOException, InterruptedException {
    OutboundCall call = calls.start(request, delegate);
    if (call == null) {
      return delegate.send(request, handler);
    }
    HttpResponse<T> response;
    try {
      response = delegate.send(call.request(), handler);
    } catch (Throwable t) {
      call.failed(t);
      throw t; // exactly what the delegate threw
    }
    call.answered(response);
    return response;
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, BodyHandler<T> handler) {
    return sendAsync(request, handler, null, false);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, BodyHandler<T> handler, PushPromiseHandler<T> pushPromiseHandler) {
    return sendAsync(request, handler, pushPromiseHandler, true);
  }

  private <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request,
      BodyHandler<T> handler,
      PushPromiseHandler<T> push,
      boolean withPush) {
    // Started here, on the caller's thread: the request being served is bound to it, not to the
    // executor thread the response completes on.
    OutboundCall call = calls.start(request, delegate);
    HttpRequest sent = call == null ? request : call.request();
    CompletableFuture<HttpResponse<T>> future;
    try {
      future = withPush ? delegate.sendAsync(sent, handler, push) : delegate.sendAsync(sent, handler);
    } catch (Throwable t) {
      if (call != null) {
        call.failed(t);
      }
      throw t;
    }
    if (call == null) {
      return future;
    }
    if (future == null) {
      call.failed(null); // a delegate that broke its contract: still one event
      return null;
    }
    try {
      return CallFuture.after(future, call);
    } catch (Throwable t) {
      Throwables.propagateIfFatal(t);
      calls.log().internalError("watching a java.net.http call", t);
      return future;
    }
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return delegate.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return delegate.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return delegate.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return delegate.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return delegate.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return delegate.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return delegate.authenticator();
  }

  @Override
  public Version version() {
    return delegate.version();
  }

  @Override
  public Optional<Executor> executor() {
    return delegate.executor();
  }

  /** WebSockets are not logged: the delegate's builder, unchanged. */
  @Override
  public WebSocket.Builder newWebSocketBuilder() {
    return delegate.newWebSocketBuilder();
  }

  /**
   * Closes the delegate where the JDK makes clients closeable (21 and later, where this overrides
   * {@code HttpClient.close()}); on 17 the client has no {@code close} and this does nothing. The
   * other lifecycle methods of 21 ({@code shutdown}, {@code awaitTermination}, ...) are
   * {@code HttpClient}'s defaults here: call them on the client that was wrapped.
   */
  public void close() {
    HttpClient d = delegate;
    if (d instanceof AutoCloseable) {
      try {
        ((AutoCloseable) d).close();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e); // HttpClient.close() declares none
      }
    }
  }

  @Override
  public String toString() {
    return "IdentityLogHttpClient{" + delegate + "}";
  }
}
