package dev.identitylog.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitylog.IdentityLog;
import dev.identitylog.RequestIdentity;
import dev.identitylog.event.EventName;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.handler.ClientHandler;
import dev.identitylog.handler.ServerHandler;
import dev.identitylog.outcome.Outcome;
import dev.identitylog.outcome.Reason;
import dev.identitylog.protocol.ClientRecord;
import dev.identitylog.protocol.HttpClientRequest;
import dev.identitylog.protocol.HttpClientResponse;
import dev.identitylog.protocol.HttpServerRequest;
import dev.identitylog.protocol.HttpServerResponse;
import dev.identitylog.protocol.ServerRecord;
import dev.identitylog.testing.CollectingSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The request's identity crosses threads through the wrapped executors and tasks: real pools, real
 * threads, real server and client records. What a task saw is recorded as a {@link Seen} and
 * compared with the request.
 */
class AcrossThreadsTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final Duration WAIT = Duration.ofSeconds(5);

  private final CollectingSink sink = new CollectingSink();
  private final IdentityLog log =
      IdentityLog.builder().serviceName("orders").dependencyName("inventory.example", "inventory")
          .addSink(sink).build();
  private final ServerHandler servers = ServerHandler.create(log);
  private final ClientHandler clients = ClientHandler.create(log);
  private final ExecutorService one = Executors.newSingleThreadExecutor();
  private final ExecutorService two = Executors.newFixedThreadPool(2);
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() throws InterruptedException {
    for (ExecutorService pool : new ExecutorService[] {one, two, timer}) {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
    MDC.clear();
  }

  /** What a task saw of the request, on the thread it ran on. */
  static final class Seen {
    final ContextRecord record = RequestContext.current();
    final RequestIdentity identity = RequestIdentity.current();
    final String mdcTrace = MDC.get("trace.id");
    final String mdcSpan = MDC.get("span.id");
    final String mdcRequest = MDC.get("identity.request.id");
    final String thread = Thread.currentThread().getName();
  }

  private ServerRecord startRequest() {
    return servers.start(
        (HttpServerRequest) new HttpServerRequest() {
          @Override
          public String header(String name) {
            switch (name) {
              case "traceparent":
                return "00-" + TRACE_ID + "-b7ad6b7169203331-01";
              case "X-Request-ID":
                return "req-across-threads";
              default:
                return null;
            }
          }

          @Override
          public String method() {
            return "GET";
          }

          @Override
          public String path() {
            return "/orders";
          }
        });
  }

  /** An outbound call made on whatever thread runs this, for whatever request is current there. */
  private IdentityEvent call(String path, int status) {
    ClientRecord call =
        clients.start(
            new HttpClientRequest() {
              @Override
              public String method() {
                return "GET";
              }

              @Override
              public String url() {
                return "https://inventory.example" + path;
              }

              @Override
              public String serverAddress() {
                return "inventory.example";
              }
            });
    call.attempt();
    return clients.finish(call, HttpClientResponse.of(status, null));
  }

  private static void assertSawRequest(Seen seen, ServerRecord request) {
    assertThat(seen.record).as(seen.thread).isSameAs(request);
    assertThat(seen.identity).isSameAs(request);
    assertThat(seen.mdcTrace).isEqualTo(TRACE_ID);
    assertThat(seen.mdcSpan).isEqualTo(request.spanId());
    assertThat(seen.mdcRequest).isEqualTo("req-across-threads");
    assertThat(seen.thread).isNotEqualTo(Thread.currentThread().getName());
  }

  /** Nothing of any request is left on the pool's thread once its tasks ran. */
  private static void assertLeftNothing(ExecutorService pool) throws Exception {
    Seen after = pool.submit(Seen::new).get(5, TimeUnit.SECONDS);
    assertThat(after.record).isNull();
    assertThat(after.mdcTrace).isNull();
    assertThat(after.mdcSpan).isNull();
    assertThat(after.mdcRequest).isNull();
  }

  private static void assertJoins(IdentityEvent client, ServerRecord request) {
    assertThat(client.get(Fields.EVENT_NAME)).isEqualTo(EventName.CLIENT);
    assertThat(client.get(Fields.TRACE_ID)).isEqualTo(TRACE_ID);
    assertThat(client.get(Fields.REQUEST_ID)).isEqualTo("req-across-threads");
    assertThat(client.get(Fields.SPAN_PARENT_ID)).isEqualTo(request.spanId());
  }

  @Test
  void everyWayOfHandingWorkToAnExecutorServiceCarriesTheRequest() throws Exception {
    ExecutorService pool = RequestContext.wrap(two);
    ServerRecord request = startRequest();
    List<Seen> seen = new ArrayList<>();
    try (Scope ignored = request.makeCurrent()) {
      AtomicReference<Seen> executed = new AtomicReference<>();
      CountDownLatch ran = new CountDownLatch(1);
      pool.execute(() -> {
        executed.set(new Seen());
        ran.countDown();
      });
      AtomicReference<Seen> submitted = new AtomicReference<>();
      Future<?> runnable = pool.submit(() -> submitted.set(new Seen()));
      AtomicReference<Seen> withResult = new AtomicReference<>();
      Future<String> runnableWithResult = pool.submit(() -> withResult.set(new Seen()), "done");
      Future<Seen> callable = pool.submit((Callable<Seen>) Seen::new);
      List<Callable<Seen>> batch = List.of(Seen::new, Seen::new);
      List<Future<Seen>> all = pool.invokeAll(batch);
      List<Future<Seen>> allTimed = pool.invokeAll(batch, 5, TimeUnit.SECONDS);
      seen.add(pool.invokeAny(batch));
      seen.add(pool.invokeAny(batch, 5, TimeUnit.SECONDS));

      assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
      runnable.get(5, TimeUnit.SECONDS);
      assertThat(runnableWithResult.get(5, TimeUnit.SECONDS)).isEqualTo("done");
      seen.add(executed.get());
      seen.add(submitted.get());
      seen.add(withResult.get());
      seen.add(callable.get(5, TimeUnit.SECONDS));
      for (Future<Seen> f : all) {
        seen.add(f.get());
      }
      for (Future<Seen> f : allTimed) {
        seen.add(f.get());
      }
    }
    assertThat(seen).hasSize(10);
    for (Seen s : seen) {
      assertSawRequest(s, request);
    }
    assertLeftNothing(two);
    assertThat(RequestContext.wrap(pool)).as("wrapping twice wraps once").isSameAs(pool);
  }

  @Test
  void scheduledAndPeriodicTasksCarryTheRequestTheyWereScheduledIn() throws Exception {
    ScheduledExecutorService scheduler = RequestContext.wrap(timer);
    ServerRecord request = startRequest();
    AtomicReference<Seen> once = new AtomicReference<>();
    List<Seen> fixedRate = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Seen> fixedDelay = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountDownLatch periodic = new CountDownLatch(6);
    ScheduledFuture<?> rate;
    ScheduledFuture<?> delay;
    ScheduledFuture<Seen> callable;
    try (Scope ignored = request.makeCurrent()) {
      scheduler.schedule(() -> once.set(new Seen()), 10, TimeUnit.MILLISECONDS);
      callable = scheduler.schedule((Callable<Seen>) Seen::new, 10, TimeUnit.MILLISECONDS);
      rate = scheduler.scheduleAtFixedRate(() -> {
        fixedRate.add(new Seen());
        periodic.countDown();
      }, 0, 5, TimeUnit.MILLISECONDS);
      delay = scheduler.scheduleWithFixedDelay(() -> {
        fixedDelay.add(new Seen());
        periodic.countDown();
      }, 0, 5, TimeUnit.MILLISECONDS);
    }
    assertSawRequest(callable.get(5, TimeUnit.SECONDS), request);
    assertThat(periodic.await(5, TimeUnit.SECONDS)).isTrue();
    rate.cancel(false);
    delay.cancel(false);
    assertSawRequest(once.get(), request);
    assertThat(fixedRate).hasSizeGreaterThanOrEqualTo(2);
    assertThat(fixedDelay).hasSizeGreaterThanOrEqualTo(2);
    for (Seen s : fixedRate) {
      assertSawRequest(s, request);
    }
    for (Seen s : fixedDelay) {
      assertSawRequest(s, request);
    }
    assertLeftNothing(timer);
  }

  @Test
  void aCompletableFutureChainAcrossTwoExecutorsJoinsItsCallsToTheRequest() throws Exception {
    ExecutorService first = RequestContext.wrap(one);
    ExecutorService second = RequestContext.wrap(two);
    ServerRecord request = startRequest();
    CompletableFuture<IdentityEvent> chain;
    try (Scope ignored = request.makeCurrent()) {
      chain =
          CompletableFuture.supplyAsync(() -> call("/items/1", 200), first)
              .thenApplyAsync(previous -> call("/items/2", 503), second);
    }
    IdentityEvent failed = chain.get(5, TimeUnit.SECONDS);
    IdentityEvent served = servers.finish(request, HttpServerResponse.of(503, null, null));

    List<IdentityEvent> clientEvents = new ArrayList<>(sink.events());
    clientEvents.remove(served);
    assertThat(clientEvents).hasSize(2);
    for (IdentityEvent client : clientEvents) {
      assertJoins(client, request);
    }
    // The call that failed on the second pool explains the request's 503.
    assertThat(failed.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.UPSTREAM_UNAVAILABLE);
    assertThat(served.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.UPSTREAM_UNAVAILABLE);
    assertThat(served.get(Fields.DEPENDENCY_NAME)).isEqualTo("inventory");
    assertLeftNothing(one);
    assertLeftNothing(two);
  }

  @Test
  void wrappedStagesRunWithTheRequestOnWhicheverThreadCompletesTheFuture() throws Exception {
    ServerRecord request = startRequest();
    CompletableFuture<String> completedElsewhere = new CompletableFuture<>();
    CompletableFuture<Seen> supplied;
    CompletableFuture<Seen> applied;
    AtomicReference<Seen> accepted = new AtomicReference<>();
    AtomicReference<Seen> whenComplete = new AtomicReference<>();
    CompletableFuture<Seen> handled;
    try (Scope ignored = request.makeCurrent()) {
      // An unwrapped pool: only the wrapped tasks carry the request.
      supplied = CompletableFuture.supplyAsync(RequestContext.wrapSupplier(Seen::new), two);
      applied = completedElsewhere.thenApply(RequestContext.wrapFunction(s -> new Seen()));
      completedElsewhere.thenAccept(RequestContext.wrapConsumer(s -> accepted.set(new Seen())));
      completedElsewhere.whenComplete(
          RequestContext.wrapBiConsumer((s, e) -> whenComplete.set(new Seen())));
      handled = completedElsewhere.handle(RequestContext.wrapBiFunction((s, e) -> new Seen()));
    }
    one.execute(() -> completedElsewhere.complete("answer")); // a thread that has no request
    assertSawRequest(supplied.get(5, TimeUnit.SECONDS), request);
    assertSawRequest(applied.get(5, TimeUnit.SECONDS), request);
    assertSawRequest(handled.get(5, TimeUnit.SECONDS), request);
    assertSawRequest(accepted.get(), request);
    assertSawRequest(whenComplete.get(), request);
    assertLeftNothing(one);
  }

  @Test
  void theWorkersOwnMdcComesBackExactlyAfterTheTaskAlsoWhenItThrows() throws Exception {
    // The worker thread has MDC of its own, including a stale value under one of our keys.
    one.submit(() -> {
      MDC.put("worker", "w1");
      MDC.put("trace.id", "stale");
    }).get(5, TimeUnit.SECONDS);
    ExecutorService pool = RequestContext.wrap(one);
    ServerRecord request = startRequest();
    Future<Seen> ok;
    Future<Seen> failing;
    AtomicReference<String> workerKeyDuringTask = new AtomicReference<>();
    try (Scope ignored = request.makeCurrent()) {
      ok = pool.submit(() -> {
        workerKeyDuringTask.set(MDC.get("worker"));
        return new Seen();
      });
      failing = pool.submit(() -> {
        throw new IllegalStateException("the task fails");
      });
    }
    assertSawRequest(ok.get(5, TimeUnit.SECONDS), request);
    assertThat(workerKeyDuringTask.get()).as("the application's keys are left alone").isEqualTo("w1");
    assertThatThrownBy(() -> failing.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class);

    Callable<String[]> mdc =
        () -> new String[] {
          MDC.get("worker"), MDC.get("trace.id"), MDC.get("span.id"), MDC.get("identity.request.id")
        };
    assertThat(one.submit(mdc).get(5, TimeUnit.SECONDS)).containsExactly("w1", "stale", null, null);
    assertThat(one.submit(RequestContext::current).get(5, TimeUnit.SECONDS)).isNull();

    // A task wrapped for a given record, thrown out of on a plain thread: the same.
    Runnable throwing = RequestContext.wrap(request, (Runnable) () -> {
      throw new IllegalStateException("boom");
    });
    Thread thread = new Thread(() -> {
      MDC.put("span.id", "mine");
      try {
        throwing.run();
      } catch (IllegalStateException expected) {
        // what matters is what the thread has now
      }
      workerKeyDuringTask.set(MDC.get("span.id") + "/" + RequestContext.current());
    });
    thread.start();
    thread.join(5000);
    assertThat(workerKeyDuringTask.get()).isEqualTo("mine/null");
  }

  @Test
  void aTaskThatOutlivesItsRequestNeverWritesIntoItsEventButItsCallsStillJoinIt()
      throws Exception {
    ExecutorService pool = RequestContext.wrap(one);
    ServerRecord request = startRequest();
    CountDownLatch requestEnded = new CountDownLatch(1);
    Future<IdentityEvent> late;
    try (Scope ignored = request.makeCurrent()) {
      late = pool.submit(() -> {
        assertThat(requestEnded.await(5, TimeUnit.SECONDS)).isTrue();
        RequestIdentity.current().authzFailed(Reason.POLICY_DENIED, "late-policy");
        RequestIdentity.current().authnFailed(Reason.TOKEN_EXPIRED);
        RequestIdentity.current().dependencyFailed("audit", Reason.TIMEOUT, null);
        return call("/audit", 503);
      });
    }
    IdentityEvent served = servers.finish(request, HttpServerResponse.of(200, null, null));
    requestEnded.countDown();
    IdentityEvent lateCall = late.get(5, TimeUnit.SECONDS);

    assertThat(request.isFinished()).isTrue();
    assertThat(served.get(Fields.AUTHZ_OUTCOME)).isNotEqualTo(Outcome.FAILURE);
    assertThat(served.get(Fields.AUTHZ_POLICY)).isNull();
    assertThat(served.get(Fields.AUTHN_REASON)).isNull();
    assertThat(served.get(Fields.DEPENDENCY_OUTCOME)).isNotEqualTo(Outcome.FAILURE);
    assertThat(log.lateDecisions()).isEqualTo(3);
    assertThat(log.internalErrors()).isZero();
    // The one event of the request is the one emitted at finish; nothing was emitted again.
    assertThat(sink.events().stream().filter(e -> e.get(Fields.EVENT_NAME) == EventName.SERVER))
        .containsExactly(served);
    // The late call still has its own event, joined to the request by trace and request id.
    assertJoins(lateCall, request);
    assertThat(lateCall.get(Fields.DEPENDENCY_REASON)).isEqualTo(Reason.UPSTREAM_UNAVAILABLE);
  }

  @Test
  void tasksSubmittedOutsideARequestRunOutsideOne() throws Exception {
    ExecutorService pool = RequestContext.wrap(one);
    ServerRecord request = startRequest();
    // The worker thread is bound to a request by someone else's code and not unbound (a leak):
    // a task submitted from outside any request must not run as that request.
    one.submit(() -> request.makeCurrent()).get(5, TimeUnit.SECONDS);
    Seen seen = pool.submit(Seen::new).get(5, TimeUnit.SECONDS);
    assertThat(seen.record).isNull();
    assertThat(seen.identity.isRecording()).isFalse();
    assertThat(seen.mdcTrace).isNull();
  }

  @Test
  void manyTasksOnTwoPoolsEachSeeTheirOwnRequest() throws Exception {
    ExecutorService pool = RequestContext.wrap(two);
    List<ServerRecord> requests = new ArrayList<>();
    List<Future<Seen>> futures = new ArrayList<>();
    AtomicInteger mismatches = new AtomicInteger();
    for (int i = 0; i < 50; i++) {
      ServerRecord r = startRequest();
      requests.add(r);
      try (Scope ignored = r.makeCurrent()) {
        futures.add(pool.submit(() -> {
          Seen s = new Seen();
          if (!r.spanId().equals(s.mdcSpan)) {
            mismatches.incrementAndGet();
          }
          return s;
        }));
      }
    }
    for (int i = 0; i < futures.size(); i++) {
      assertThat(futures.get(i).get(5, TimeUnit.SECONDS).record).isSameAs(requests.get(i));
    }
    assertThat(mismatches).hasValue(0);
  }
}
