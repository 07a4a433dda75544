package dev.identitylog.emit;

import dev.identitylog.internal.exchange.ServerExchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.event.Fields;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.protocol.ServerRequest;
import dev.identitylog.testing.CollectingSink;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AsyncEventSinkTest {
  private static IdentityEvent event(String id) {
    return IdentityEvent.builder().set(Fields.REQUEST_ID, id).build();
  }

  @Test
  void deliversOnAnotherThreadInOrder() {
    CollectingSink target = new CollectingSink();
    Thread[] writer = new Thread[1];
    try (AsyncEventSink sink = AsyncEventSink.of(e -> {
      writer[0] = Thread.currentThread();
      target.emit(e);
    }, 16)) {
      sink.emit(event("a"));
      sink.emit(event("b"));
      assertThat(target.awaitEvents(2, Duration.ofSeconds(5)))
          .extracting(e -> e.get(Fields.REQUEST_ID)).containsExactly("a", "b");
      assertThat(writer[0]).isNotSameAs(Thread.currentThread());
    }
  }

  @Test
  void aSteadyStreamIsWrittenInRunsRatherThanWakingTheWriterPerEvent() {
    // Waking the writer for every event cost more CPU than writing on the request thread.
    java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
    AsyncEventSink sink = AsyncEventSink.of(e -> written.incrementAndGet(), 1 << 16);
    IdentityEvent e = event("steady");
    int events = 5_000;
    for (int i = 0; i < events; i++) {
      sink.emit(e);
      // A request's worth of work between events: time enough for a woken writer to catch up.
      long until = System.nanoTime() + 20_000;
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
    }
    assertThat(sink.close(10_000)).isTrue();
    assertThat(written.get()).isEqualTo(events);
    assertThat(sink.dropped()).isZero();
    assertThat(sink.runs()).isLessThan(events / 10);
  }

  @Test
  void aLoneEventAfterAQuietSpellIsWrittenPromptly() {
    CollectingSink target = new CollectingSink();
    try (AsyncEventSink sink = AsyncEventSink.of(target, 16)) {
      sink.emit(event("first"));
      assertThat(target.awaitEvents(1, Duration.ofSeconds(5))).hasSize(1);
      try {
        Thread.sleep(300); // the writer is idle (parked) by now
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
      long start = System.nanoTime();
      sink.emit(event("second"));
      assertThat(target.awaitEvents(2, Duration.ofSeconds(5))).hasSize(2);
      // Woken by the emit, not by its 100 ms safety timeout (generous for a loaded machine).
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(90));
    }
  }

  @Test
  void aBlockedSinkNeverBlocksTheEmitterAndDropsAreCounted() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CollectingSink target = new CollectingSink();
    AsyncEventSink sink = AsyncEventSink.of(e -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
      target.emit(e);
    }, 2);
    long start = System.nanoTime();
    for (int i = 0; i < 50; i++) {
      sink.emit(event("e" + i));
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    assertThat(sink.dropped()).isBetween(47L, 48L); // one in the writer's hands, two queued
    release.countDown();
    assertThat(sink.close(5_000)).isTrue();
    assertThat(target.events().size() + sink.dropped()).isEqualTo(50);
  }

  @Test
  void identityLogCanEmitAsynchronously() {
    CollectingSink target = new CollectingSink();
    IdentityLog log = IdentityLog.builder().emitAsynchronously(128).addSink(target).build();
    ServerRequest request = name -> null;
    IdentityEvent e = ServerExchange.start(log, request).finishHttp(200, null, null);
    assertThat(target.awaitEvents(1, Duration.ofSeconds(5))).containsExactly(e);
    assertThat(log.droppedEvents()).isZero();
  }

  @Test
  void aFailedEventIsCountedOnceWhenEmittingAsynchronously() {
    IdentityLog log = IdentityLog.builder()
        .emitAsynchronously(128)
        .addSink(e -> {
          throw new IllegalStateException("sink down");
        })
        .build();
    ServerRequest request = name -> null;
    for (int i = 0; i < 5; i++) {
      ServerExchange.start(log, request).finishHttp(200, null, null);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (log.droppedEvents() < 5 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(log.droppedEvents()).isEqualTo(5);
  }

  @Test
  void aFatalErrorInTheSinkIsCountedBeforeItEndsTheWriter() throws Exception {
    AsyncEventSink sink = AsyncEventSink.of(e -> {
      throw new OutOfMemoryError("simulated");
    }, 4);
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    CountDownLatch died = new CountDownLatch(1);
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> died.countDown());
    try {
      sink.emit(event("a"));
      assertThat(died.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(sink.dropped()).isEqualTo(1);
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(previous);
    }
  }
}
