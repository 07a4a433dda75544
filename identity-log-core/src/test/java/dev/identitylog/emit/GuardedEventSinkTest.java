package dev.identitylog.emit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.testing.CollectingSink;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class GuardedEventSinkTest {
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final LogbackCapture internal = new LogbackCapture("t.internal", Level.WARN);

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  private GuardedEventSink guard(EventSink sink) {
    return new GuardedEventSink(sink, internal.logger, clock::get);
  }

  private static EventSink throwing(Throwable t) {
    return e -> {
      throw sneaky(t);
    };
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
    throw (T) t;
  }

  @Test
  void deliversWhenTheSinkWorks() {
    CollectingSink collecting = new CollectingSink();
    GuardedEventSink sink = guard(collecting);
    sink.emit(TestEvents.ok());
    assertThat(collecting.events()).containsExactly(TestEvents.ok());
    assertThat(sink.dropped()).isZero();
    assertThat(internal.events()).isEmpty();
  }

  @Test
  void swallowsEveryNonFatalThrowableAndCountsIt() {
    List<Throwable> failures =
        List.of(
            new IllegalStateException("runtime"),
            new AssertionError("error"),
            new Exception("checked"));
    for (Throwable t : failures) {
      GuardedEventSink sink = guard(throwing(t));
      assertThatCode(() -> sink.emit(TestEvents.ok())).as("%s", t).doesNotThrowAnyException();
      assertThat(sink.dropped()).as("%s", t).isEqualTo(1);
    }
  }

  @Test
  void rethrowsFatalErrors() {
    List<Throwable> fatal =
        List.of(
            new StackOverflowError(),
            new OutOfMemoryError("simulated"),
            new ThreadDeath());
    for (Throwable t : fatal) {
      GuardedEventSink sink = guard(throwing(t));
      assertThatThrownBy(() -> sink.emit(TestEvents.ok())).as("%s", t).isSameAs(t);
    }
  }

  @Test
  void aSinkOnTheWrongVersionOfItsLibraryLosesItsEventsNotTheRequest() {
    // An OpenTelemetry API older than the sink was built against threw NoSuchMethodError on every
    // event: rethrown, it turned every request into a 500.
    List<Throwable> linkage =
        List.of(
            new NoSuchMethodError("io.opentelemetry.api.logs.Logger.isEnabled"),
            new NoClassDefFoundError("io/opentelemetry/api/logs/Severity"),
            new AbstractMethodError("simulated"));
    for (Throwable t : linkage) {
      GuardedEventSink sink = guard(throwing(t));
      assertThatCode(() -> sink.emit(TestEvents.ok())).as("%s", t).doesNotThrowAnyException();
      assertThatCode(() -> sink.emit(TestEvents.ok())).as("%s", t).doesNotThrowAnyException();
      assertThat(sink.dropped()).as("%s", t).isEqualTo(2);
    }
  }

  @Test
  void warnsAtMostOncePerMinuteWithCountAndLastError() {
    GuardedEventSink sink = guard(throwing(new IllegalStateException("first")));
    sink.emit(TestEvents.denied());
    assertThat(internal.events()).hasSize(1);
    String first = internal.events().get(0).getFormattedMessage();
    assertThat(first).contains("1 event(s) dropped", "java.lang.IllegalStateException: first");

    for (int i = 0; i < 10; i++) {
      clock.addAndGet(TimeUnit.SECONDS.toNanos(5)); // 50 s in all
      sink.emit(TestEvents.denied());
    }
    assertThat(internal.events()).hasSize(1);
    assertThat(sink.dropped()).isEqualTo(11);

    clock.addAndGet(TimeUnit.SECONDS.toNanos(10)); // 60 s after the first warning
    sink.emit(TestEvents.denied());
    assertThat(internal.events()).hasSize(2);
    ILoggingEvent second = internal.events().get(1);
    assertThat(second.getLevel()).isEqualTo(Level.WARN);
    assertThat(second.getFormattedMessage()).contains("12 event(s) dropped");
  }

  @Test
  void warningNamesTheLastErrorAndNeverTheEvent() {
    EventSink failing =
        new EventSink() {
          int n;

          @Override
          public void emit(IdentityEvent e) {
            n++;
            throw n == 1 ? new IllegalStateException("one") : new UnsupportedOperationException("two\nlines");
          }
        };
    GuardedEventSink sink = guard(failing);
    sink.emit(TestEvents.denied());
    clock.addAndGet(TimeUnit.SECONDS.toNanos(61));
    sink.emit(TestEvents.denied());
    String message = internal.events().get(1).getFormattedMessage();
    assertThat(message)
        .contains("java.lang.UnsupportedOperationException: two\ufffdlines")
        .doesNotContain("\n")
        .doesNotContain(TestEvents.TRACE_ID, "req-1", "/orders", "acme");
    assertThat(internal.events().get(1).getThrowableProxy()).isNull();
  }

  @Test
  void clockWrapAroundStillWarns() {
    clock.set(Long.MAX_VALUE - TimeUnit.SECONDS.toNanos(1));
    GuardedEventSink sink = guard(throwing(new IllegalStateException("x")));
    sink.emit(TestEvents.ok());
    clock.addAndGet(TimeUnit.SECONDS.toNanos(61)); // overflows past Long.MAX_VALUE
    sink.emit(TestEvents.ok());
    assertThat(internal.events()).hasSize(2);
  }

  @Test
  void restoresTheInterruptFlag() {
    GuardedEventSink sink = guard(throwing(new InterruptedException("stop")));
    sink.emit(TestEvents.ok());
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(sink.dropped()).isEqualTo(1);
  }

  @Test
  void aBrokenWarningLoggerDoesNotEscapeEither() {
    Logger broken =
        (Logger)
            Proxy.newProxyInstance(
                Logger.class.getClassLoader(),
                new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                  if (method.getReturnType() == boolean.class) {
                    return true;
                  }
                  throw new IllegalStateException("logging is down");
                });
    GuardedEventSink sink =
        new GuardedEventSink(throwing(new IllegalStateException("x")), broken, clock::get);
    assertThatCode(() -> sink.emit(TestEvents.ok())).doesNotThrowAnyException();
    assertThat(sink.dropped()).isEqualTo(1);
  }

  @Test
  void concurrentFailuresAreAllCountedAndWarnedOnce() throws Exception {
    GuardedEventSink sink = guard(throwing(new IllegalStateException("x")));
    int threads = 8;
    int perThread = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      for (int t = 0; t < threads; t++) {
        pool.execute(
            () -> {
              try {
                start.await();
              } catch (InterruptedException e) {
                return;
              }
              for (int i = 0; i < perThread; i++) {
                sink.emit(TestEvents.ok());
              }
            });
      }
      start.countDown();
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(sink.dropped()).isEqualTo((long) threads * perThread);
    assertThat(internal.events()).hasSize(1);
  }

  @Test
  void guardingIsIdempotent() {
    GuardedEventSink once = EventSinks.guarded(new CollectingSink());
    assertThat(EventSinks.guarded(once)).isSameAs(once);
  }

  @Test
  void compositeKeepsDeliveringWhenOneSinkFails() {
    CollectingSink a = new CollectingSink();
    CollectingSink b = new CollectingSink();
    EventSink composite =
        EventSinks.composite(
            List.of(throwing(new IllegalStateException("first")), a, throwing(new Error("third")), b));
    assertThatCode(() -> composite.emit(TestEvents.ok())).doesNotThrowAnyException();
    composite.emit(TestEvents.denied());
    assertThat(a.events()).containsExactly(TestEvents.ok(), TestEvents.denied());
    assertThat(b.events()).containsExactly(TestEvents.ok(), TestEvents.denied());
  }

  @Test
  void compositeOfOneIsThatSinkGuarded() {
    CollectingSink a = new CollectingSink();
    EventSink composite = EventSinks.composite(List.of(a));
    assertThat(composite).isInstanceOf(GuardedEventSink.class);
    assertThat(((GuardedEventSink) composite).delegate()).isSameAs(a);
  }

  @Test
  void collectingSinkWaitsForEventsFromOtherThreads() throws Exception {
    CollectingSink sink = new CollectingSink();
    Thread t =
        new Thread(
            () -> {
              try {
                Thread.sleep(50);
              } catch (InterruptedException e) {
                return;
              }
              sink.emit(TestEvents.ok());
              sink.emit(TestEvents.denied());
            });
    t.start();
    assertThat(sink.awaitEvents(2, Duration.ofSeconds(10))).hasSize(2);
    t.join();
    sink.clear();
    assertThat(sink.events()).isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> sink.awaitEvents(1, Duration.ofMillis(20)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("expected 1 event(s)");
  }
}
