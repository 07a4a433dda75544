package dev.identitylog.emit;

import dev.identitylog.event.IdentityEvent;
import dev.identitylog.internal.Throwables;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Hands events to a sink on a background thread, so that a slow sink (a file on a busy disk, a
 * remote collector) never holds up the request that emitted the event. The hand-off never blocks:
 * when the bounded queue is full the event is dropped and counted, and the guarded delegate
 * reports failures as usual. One daemon thread per instance, started lazily.
 *
 * <p>The hand-off is cheap for the request: the writer does not wait on the queue, so an emit never
 * wakes it while it is busy or lingering. After writing what it found, the writer lingers {@value
 * #LINGER_MICROS} µs so that events gather and are written in one run; only when it found nothing
 * does it mark itself idle, and only then does the next emit wake it (one unpark). Waking the
 * writer per event, as a blocking {@code take()} does, cost more CPU than writing the event on the
 * request thread (docs/performance.md). An event waits at most about that long plus the writing of
 * those queued before it.
 *
 * <p>Use it when the sink may block. Logback users can instead keep the default synchronous sink and
 * put Logback's {@code AsyncAppender} with {@code neverBlock=true} in front of their appender.
 */
public final class AsyncEventSink implements EventSink, AutoCloseable {
  private final GuardedEventSink delegate;
  private final BlockingQueue<IdentityEvent> queue;
  private final AtomicLong dropped = new AtomicLong();
  private final Thread worker;
  private volatile boolean closed;
  // Set by the writer when it found the queue empty and is about to park; the next emit unparks it.
  private volatile boolean idle;
  private long runs; // written by the writer only

  /** How long the writer waits for more events after a run, in microseconds. */
  static final long LINGER_MICROS = 1_000;

  // The most events taken from the queue at once.
  private static final int MAX_RUN = 256;

  // A parked writer looks at the queue at least this often, should a wake-up be missed.
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private AsyncEventSink(EventSink delegate, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.delegate = GuardedEventSink.of(delegate);
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.worker = new Thread(this::drain, "identity-log-emitter");
    this.worker.setDaemon(true);
    this.worker.start();
  }

  /** A sink that queues up to {@code capacity} events for {@code delegate}. */
  public static AsyncEventSink of(EventSink delegate, int capacity) {
    return new AsyncEventSink(delegate, capacity);
  }

  @Override
  public void emit(IdentityEvent event) {
    if (closed || !queue.offer(event)) {
      dropped.incrementAndGet();
      return;
    }
    if (idle) {
      idle = false;
      LockSupport.unpark(worker);
    }
  }

  /** Events dropped because the queue was full or the sink closed, plus those the delegate failed. */
  public long dropped() {
    return dropped.get() + delegate.dropped();
  }

  /**
   * Events this sink itself dropped (queue full, or closed), without those its delegate failed;
   * for callers that count the delegate's failures on their own.
   */
  public long rejected() {
    return dropped.get();
  }

  /** Events waiting to be written. */
  public int pending() {
    return queue.size();
  }

  /**
   * Stops taking events and writes what is queued, waiting at most {@code timeoutMillis}; returns
   * whether everything queued was written.
   */
  public boolean close(long timeoutMillis) {
    closed = true;
    worker.interrupt();
    try {
      worker.join(timeoutMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return queue.isEmpty() && !worker.isAlive();
  }

  @Override
  public void close() {
    close(TimeUnit.SECONDS.toMillis(5));
  }

  private void drain() {
    // Taken from the queue a run at a time: one lock of the queue per run, not one per event,
    // so the request threads' offers rarely wait for the writer.
    List<IdentityEvent> run = new ArrayList<>(MAX_RUN);
    while (!closed) {
      Thread.interrupted(); // only close() interrupts; closed is checked above
      if (queue.drainTo(run, MAX_RUN) > 0) {
        runs++;
        do {
          for (int i = 0, n = run.size(); i < n; i++) {
            emitGuarded(run.get(i));
          }
          run.clear();
        } while (!closed && queue.drainTo(run, MAX_RUN) > 0);
        LockSupport.parkNanos(this, TimeUnit.MICROSECONDS.toNanos(LINGER_MICROS));
        continue;
      }
      // Dekker-style: publish idle, then look again, so an emit either sees idle or is seen here.
      idle = true;
      if (queue.isEmpty() && !closed) {
        LockSupport.parkNanos(this, IDLE_PARK_NANOS);
      }
      idle = false;
    }
    for (IdentityEvent left : run) {
      emitGuarded(left);
    }
    run.clear();
    for (IdentityEvent left; (left = queue.poll()) != null; ) {
      emitGuarded(left);
    }
  }

  /** How many runs the writer has written: far fewer than events when they come in bursts. */
  long runs() {
    return runs;
  }

  // The guard rethrows only fatal errors; one ends this thread (nothing more can be written), but
  // it is counted first, so the loss is not silent.
  private void emitGuarded(IdentityEvent event) {
    try {
      delegate.emit(event);
    } catch (Throwable t) {
      dropped.incrementAndGet();
      Throwables.propagateIfFatal(t);
    }
  }

  @Override
  public String toString() {
    return "AsyncEventSink[" + delegate + ", pending=" + queue.size() + "]";
  }
}
