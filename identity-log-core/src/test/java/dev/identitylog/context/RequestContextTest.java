package dev.identitylog.context;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.context.Context;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The record travels where the storage says, and scopes restore exactly what was there. */
class RequestContextTest {
  private final ExecutorService pool = Executors.newSingleThreadExecutor();

  @AfterEach
  void restore() throws InterruptedException {
    RequestContext.useStorage(RequestContextStorage.threadLocal());
    pool.shutdownNow();
    pool.awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void scopesNestAndRestoreInBothStorages() {
    for (RequestContextStorage storage :
        new RequestContextStorage[] {
          RequestContextStorage.threadLocal(), RequestContextStorage.openTelemetry()
        }) {
      Record outer = new Record("outer");
      Record inner = new Record("inner");
      assertThat(storage.current()).isNull();
      try (Scope a = storage.attach(outer)) {
        try (Scope b = storage.attach(inner)) {
          assertThat(storage.current()).isSameAs(inner);
          try (Scope none = storage.attach(null)) {
            assertThat(storage.current()).isNull();
          }
          assertThat(storage.current()).isSameAs(inner);
        }
        assertThat(storage.current()).isSameAs(outer);
      }
      assertThat(storage.current()).as(storage.toString()).isNull();
    }
  }

  @Test
  void bindingARequestOnAnIdleThreadAllocatesNothing() {
    // Every request of a pooled server thread does this once; a restoring scope and a new map
    // entry per request were most of what the storage cost.
    RequestContextStorage storage = RequestContextStorage.threadLocal();
    Record r = new Record("r");
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    for (int i = 0; i < 1_000; i++) {
      storage.attach(r).close();
    }
    long before = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < 10_000; i++) {
      storage.attach(r).close();
    }
    long perRequest = (threads.getThreadAllocatedBytes(id) - before) / 10_000;

    assertThat(storage.current()).isNull();
    assertThat(perRequest).as("bytes allocated per attach and close").isLessThan(8);
  }

  @Test
  void wrappedExecutorCarriesTheRecordToAnotherThread() throws Exception {
    Record r = new Record("r");
    AtomicReference<ContextRecord> seen = new AtomicReference<>();
    try (Scope ignored = RequestContext.attach(r)) {
      RequestContext.wrap(pool).execute(() -> seen.set(RequestContext.current()));
    }
    pool.submit(() -> {}).get(5, TimeUnit.SECONDS);
    assertThat(seen.get()).isSameAs(r);
    // and the pooled thread does not keep it
    assertThat(pool.submit(RequestContext::current).get(5, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void openTelemetryStorageRidesOnOpenTelemetrysOwnContextPropagation() throws Exception {
    RequestContext.useStorage(RequestContextStorage.openTelemetry());
    Record r = new Record("r");
    AtomicReference<ContextRecord> seen = new AtomicReference<>();
    try (Scope ignored = RequestContext.attach(r)) {
      // What OpenTelemetry-instrumented executors and the Java agent do: no identity-log code.
      Context.taskWrapping(pool).execute(() -> seen.set(RequestContext.current()));
    }
    pool.submit(() -> {}).get(5, TimeUnit.SECONDS);
    assertThat(seen.get()).isSameAs(r);
  }

  @Test
  void threadLocalStorageDoesNotRideOnOpenTelemetry() throws Exception {
    Record r = new Record("r");
    AtomicReference<ContextRecord> seen = new AtomicReference<>(r);
    try (Scope ignored = RequestContext.attach(r)) {
      Context.taskWrapping(pool).execute(() -> seen.set(RequestContext.current()));
    }
    pool.submit(() -> {}).get(5, TimeUnit.SECONDS);
    assertThat(seen.get()).isNull();
  }

  private static final class Record implements ContextRecord {
    private final String id;

    Record(String id) {
      this.id = id;
    }

    @Override
    public String traceId() {
      return null;
    }

    @Override
    public String spanId() {
      return null;
    }

    @Override
    public String requestId() {
      return id;
    }
  }
}
