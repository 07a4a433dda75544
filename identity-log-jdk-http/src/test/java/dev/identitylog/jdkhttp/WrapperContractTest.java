package dev.identitylog.jdkhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.identitylog.IdentityLog;
import dev.identitylog.emit.JsonLineWriter;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.outcome.EventOutcome;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import dev.identitylog.testing.CollectingSink;
import dev.identitylog.testing.EventSchema;
import java.io.IOException;
import java.net.Authenticator;
import java.net.ConnectException;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse.PushPromiseHandler;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the wrapper promises the application whatever the delegate does, with a scripted delegate
 * for the outcomes a loopback server cannot produce on demand (a connect timeout needs a peer that
 * never answers a SYN; a future left pending until the test completes it). Everything that a real
 * server can produce is tested against Jetty in {@link JdkHttpClientTest}.
 */
class WrapperContractTest {
  private final CollectingSink sink = new CollectingSink();
  private final IdentityLog log = IdentityLog.builder().serviceName("caller").addSink(sink).build();
  private final HttpRequest request = HttpRequest.newBuilder(URI.create("https://inventory.test/items")).build();

  @AfterEach
  void everyEventIsSchemaValidAndNothingFailedInside() {
    for (IdentityEvent e : sink.events()) {
      assertThat(EventSchema.validate(JsonLineWriter.toJson(e))).as(e.toString()).isEmpty();
    }
    assertThat(log.internalErrors()).isZero();
  }

  @Test
  void theDelegatesExceptionReachesTheCallerAsTheSameInstance() {
    IOException io = new IOException("the delegate's own");
    IllegalStateException runtime = new IllegalStateException("also the delegate's");
    AtomicReference<Throwable> next = new AtomicReference<>(io);
    HttpClient client =
        IdentityLogHttpClient.create(log).wrap(new Scripted() {
          @Override
          <T> HttpResponse<T> doSend(HttpRequest r) throws IOException {
            Throwable t = next.get();
            if (t instanceof IOException) {
              throw (IOException) t;
            }
            throw (RuntimeException) t;
          }
        });

    assertThat(catchThrowable(() -> client.send(request, BodyHandlers.discarding()))).isSameAs(io);
    next.set(runtime);
    assertThat(catchThrowable(() -> client.send(request, BodyHandlers.discarding()))).isSameAs(runtime);

    assertThat(sink.events()).hasSize(2);
    assertThat(sink.events().get(0).get(Fields.ERROR_TYPE)).isEqualTo(Reason.PROTOCOL_ERROR);
  }

  @Test
  void anAsyncFailureCompletesTheCallersFutureWithTheSameInstance() throws Exception {
    ConnectException refused = new ConnectException("refused");
    HttpClient client =
        IdentityLogHttpClient.create(log).wrap(new Scripted() {
          @Override
          <T> CompletableFuture<HttpResponse<T>> doSendAsync(HttpRequest r) {
            return CompletableFuture.failedFuture(refused);
          }
        });

    CompletableFuture<HttpResponse<Void>> future = client.sendAsync(request, BodyHandlers.discarding());
    AtomicReference<Throwable> seen = new AtomicReference<>();
    future.whenComplete((r, e) -> seen.set(e));

    assertThat(catchThrowable(future::get)).isInstanceOf(ExecutionException.class).hasCause(refused);
    assertThat(seen.get()).isSameAs(refused);
    assertThat(sink.single().get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.CONNECT_FAILURE);
  }

  @Test
  void theCallersCallbacksRunAfterTheCallWasRecorded() {
    CompletableFuture<HttpResponse<Void>> pending = new CompletableFuture<>();
    HttpClient client =
        IdentityLogHttpClient.create(log).wrap(new Scripted() {
          @Override
          @SuppressWarnings("unchecked")
          <T> CompletableFuture<HttpResponse<T>> doSendAsync(HttpRequest r) {
            return (CompletableFuture<HttpResponse<T>>) (CompletableFuture<?>) pending;
          }
        });
    CompletableFuture<HttpResponse<Void>> future = client.sendAsync(request, BodyHandlers.discarding());
    AtomicInteger eventsWhenCalledBack = new AtomicInteger(-1);
    future.whenComplete((r, e) -> eventsWhenCalledBack.set(sink.events().size()));

    pending.completeExceptionally(new ConnectException("refused"));

    assertThat(eventsWhenCalledBack.get()).isEqualTo(1);
  }

  @Test
  void theJdksOwnExceptionTypesAreClassifiedAsTheCoreClassifiesSocketOnes() {
    assertThat(reasonFor(new HttpConnectTimeoutException("HTTP connect timed out")))
        .isEqualTo(Reason.CONNECT_FAILURE);
    assertThat(reasonFor(new java.net.http.HttpTimeoutException("request timed out")))
        .isEqualTo(Reason.TIMEOUT);
    // The JDK wraps an unresolvable host in a ConnectException, which alone reads as refused.
    ConnectException unresolved = new ConnectException();
    unresolved.initCause(new UnresolvedAddressException());
    assertThat(reasonFor(unresolved)).isEqualTo(Reason.DNS_FAILURE);
    assertThat(reasonFor(new IOException("connection reset"))).isEqualTo(Reason.RESET);
    assertThat(reasonFor(new javax.net.ssl.SSLHandshakeException("PKIX path building failed")))
        .isEqualTo(Reason.UPSTREAM_TLS_FAILURE);
  }

  @Test
  void aCancelledFutureIsAClientAbortWithAnUnknownDependencyOutcome() {
    CompletableFuture<HttpResponse<Void>> pending = new CompletableFuture<>();
    HttpClient client =
        IdentityLogHttpClient.create(log).wrap(new Scripted() {
          @Override
          @SuppressWarnings("unchecked")
          <T> CompletableFuture<HttpResponse<T>> doSendAsync(HttpRequest r) {
            return (CompletableFuture<HttpResponse<T>>) (CompletableFuture<?>) pending;
          }
        });
    CompletableFuture<HttpResponse<Void>> future = client.sendAsync(request, BodyHandlers.discarding());

    assertThat(future.cancel(true)).isTrue();

    assertThat(future.isCancelled()).isTrue();
    assertThat(pending.isCancelled()).isTrue(); // the delegate's exchange is abandoned too
    IdentityEvent e = sink.single();
    assertThat(e.get(Fields.ERROR_TYPE)).isEqualTo(Reason.CLIENT_ABORT);
    assertThat(e.get(Fields.DEPENDENCY_OUTCOME)).isEqualTo(Outcome.UNKNOWN);
    assertThat(e.get(Fields.EVENT_OUTCOME)).isEqualTo(EventOutcome.FAILURE);
  }

  @Test
  void aDelegateThatReturnsNothingStillEndsTheCallOnceAndNothingIsThrown() throws Exception {
    HttpClient client =
        IdentityLogHttpClient.create(log).wrap(new Scripted() {
          @Override
          <T> HttpResponse<T> doSend(HttpRequest r) {
            return null;
          }

          @Override
          <T> CompletableFuture<HttpResponse<T>> doSendAsync(HttpRequest r) {
            return null;
          }
        });

    assertThat(client.send(request, BodyHandlers.discarding())).isNull();
    assertThat(client.sendAsync(request, BodyHandlers.discarding())).isNull();

    assertThat(sink.events()).hasSize(2);
    assertThat(sink.events()).allSatisfy(
        e -> assertThat(e.get(Fields.ERROR_TYPE)).isEqualTo(Reason.PROTOCOL_ERROR));
  }

  private Reason reasonFor(Throwable thrown) {
    sink.clear();
    HttpClient client =
        IdentityLogHttpClient.create(log).wrap(new Scripted() {
          @Override
          <T> HttpResponse<T> doSend(HttpRequest r) throws IOException {
            if (thrown instanceof IOException) {
              throw (IOException) thrown;
            }
            throw (RuntimeException) thrown;
          }
        });
    assertThat(catchThrowable(() -> client.send(request, BodyHandlers.discarding()))).isSameAs(thrown);
    return sink.single().get(Fields.ERROR_TYPE);
  }

  /** A delegate whose send and sendAsync the test scripts; its settings are a real client's. */
  private abstract static class Scripted extends HttpClient {
    private final HttpClient settings = HttpClient.newHttpClient();

    <T> HttpResponse<T> doSend(HttpRequest r) throws IOException {
      throw new UnsupportedOperationException();
    }

    <T> CompletableFuture<HttpResponse<T>> doSendAsync(HttpRequest r) {
      throw new UnsupportedOperationException();
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest r, BodyHandler<T> h) throws IOException {
      return doSend(r);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest r, BodyHandler<T> h) {
      return doSendAsync(r);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(
        HttpRequest r, BodyHandler<T> h, PushPromiseHandler<T> p) {
      return doSendAsync(r);
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
      return settings.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
      return settings.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
      return settings.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
      return settings.proxy();
    }

    @Override
    public SSLContext sslContext() {
      return settings.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
      return settings.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
      return settings.authenticator();
    }

    @Override
    public Version version() {
      return settings.version();
    }

    @Override
    public Optional<Executor> executor() {
      return settings.executor();
    }
  }
}
