package dev.identitylog.handler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.IdentityLog;
import dev.identitylog.emit.EventSink;
import dev.identitylog.event.IdentityEvent;
import dev.identitylog.protocol.HttpServerResponse;
import dev.identitylog.protocol.ServerRecord;
import dev.identitylog.protocol.ServerRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** close() drains and stops what the instance started, once, and loses no late event. */
class IdentityLogCloseTest {
  @Test
  void closeDrainsTheQueueStopsTheEmitterAndIsIdempotent() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<IdentityEvent> written = new ArrayList<>();
    EventSink slow =
        event -> {
          try {
            release.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          synchronized (written) {
            written.add(event);
          }
        };
    Set<Thread> before = emitters();
    IdentityLog log = IdentityLog.builder().addSink(slow).emitAsynchronously(100).build();
    Set<Thread> started = emitters();
    started.removeAll(before);
    ServerHandler handler = ServerHandler.create(log);
    ServerRequest request = name -> null;
    for (int i = 0; i < 20; i++) {
      handler.finish(handler.start(request), HttpServerResponse.of(200, null, null));
    }
    assertThat(started).hasSize(1);
    release.countDown();
    log.close();
    log.close();
    assertThat(log.isClosed()).isTrue();
    synchronized (written) {
      assertThat(written).hasSize(20);
    }
    assertThat(started.iterator().next().isAlive()).isFalse();
    assertThat(log.droppedEvents()).isZero();

    // A request that ends after close still logs, on its own thread.
    ServerRecord late = handler.start(request);
    handler.finish(late, HttpServerResponse.of(200, null, null));
    synchronized (written) {
      assertThat(written).hasSize(21);
    }
  }

  private static Set<Thread> emitters() {
    Set<Thread> found = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("identity-log-emitter") && t.isAlive()) {
        found.add(t);
      }
    }
    return found;
  }
}
