package dev.identitylog.correlate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Joins identity events into requests and decides each request's verdict, as events stream in.
 *
 * <p>Events join one request when they share a {@code trace.id}; when a server event's
 * {@code span.parent.id} is a client event's {@code span.id} (even across trace ids); when they
 * share an {@code identity.request.id} (which is how a request whose trace broke is put back
 * together) or an {@code identity.request.edge_id}. Identical events count once.
 *
 * <p>Memory is bounded by the requests in flight, not by the input: a request is finished when no
 * event for it arrived while event time advanced by the window, and at {@link #finish()}. Event
 * time is robust to outliers ({@link EventClock}): a line far in the future or a host whose clock
 * is hours off does not finish other requests. Event time cannot close requests whose events carry no
 * {@code timestamp} (or when time stands still), so the requests in flight are also bounded
 * ({@link Builder#maxInFlight(int)}): past the bound, the request that waited longest for an
 * event, in arrival order, is finished early and counted ({@link #finishedEarly()}). Its {@link RequestVerdict} then goes to the consumer given to
 * the builder, or, without one, waits for {@link #drain()}.
 *
 * <pre>{@code
 * Correlator correlator = Correlator.builder()
 *     .window(Duration.ofSeconds(30))
 *     .onVerdict(v -> System.out.println(v.toJson()))
 *     .build();
 * try (EventStream events = EventStream.of(Path.of("gateway.log"), Path.of("backend.log.gz"))) {
 *   for (CorrelationEvent e; (e = events.next()) != null; ) {
 *     correlator.accept(e);
 *   }
 * }
 * correlator.finish();
 * }</pre>
 *
 * <p>Not thread-safe: feed it from one thread.
 */
public final class Correlator {
  /** Event time a request stays open after its last event. */
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(30);
  /** Events kept per request; more are counted as dropped (a request id reused by everyone). */
  public static final int DEFAULT_MAX_EVENTS_PER_REQUEST = 1000;
  /**
   * Requests held open at once; a few KiB each, so about 300 MiB at this bound. Far above what a
   * 30 s window holds at ordinary rates.
   */
  public static final int DEFAULT_MAX_IN_FLIGHT = 100_000;

  private final long windowMillis;
  private final int maxEvents;
  private final int maxInFlight;
  private final Consumer<? super RequestVerdict> consumer;
  private final List<RequestVerdict> queue;

  private final Map<String, Pending> byTrace = new HashMap<>();
  private final Map<String, Pending> byRequest = new HashMap<>();
  private final Map<String, Pending> bySpan = new HashMap<>();
  private final Map<String, Pending> byEdge = new HashMap<>();

  // Requests in the order they last received an event: the head is always the next to finish.
  private Pending head;
  private Pending tail;
  private int inFlight;
  private long watermark = Times.NONE;
  private final EventClock clock;

  private long accepted;
  private long duplicates;
  private long unjoinable;
  private long dropped;
  private long finishedEarly;
  private long requests;
  private long analysisFailures;

  private Correlator(Builder b) {
    this.windowMillis = b.window.toMillis();
    this.clock = new EventClock();
    this.maxEvents = b.maxEvents;
    this.maxInFlight = b.maxInFlight;
    this.consumer = b.consumer;
    this.queue = b.consumer == null ? new ArrayList<>() : null;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Adds one event; may finish requests that have been idle for the window. Events without
   * anything to join on ({@code trace.id}, span ids, {@code identity.request.id},
   * {@code identity.request.edge_id}) are counted and ignored. {@code null} is ignored.
   */
  public void accept(CorrelationEvent e) {
    if (e == null) {
      return;
    }
    if (e.timestamp != Times.NONE) {
      boolean first = watermark == Times.NONE;
      // Not e.timestamp itself: one line far in the future, or a host whose clock is hours off,
      // would finish every open request and split the ones still receiving events.
      watermark = clock.observe(e.timestamp);
      if (first) {
        // Requests opened before any time was seen start their window now.
        for (Pending p = head; p != null; p = p.next) {
          p.touched = watermark;
        }
      }
    }
    if (!e.joinable()) {
      unjoinable++;
      expire();
      return;
    }
    Pending g = null;
    g = join(g, byTrace, e.traceId);
    g = join(g, byRequest, e.requestId);
    g = join(g, byRequest, e.upstreamRequestId);
    g = join(g, bySpan, e.spanId);
    g = join(g, bySpan, e.parentSpanId);
    g = join(g, byEdge, e.edgeId);
    if (g == null) {
      g = new Pending();
      append(g);
      inFlight++;
    }
    if (g.contains(e)) {
      duplicates++;
    } else if (g.events.size() >= maxEvents) {
      dropped++;
    } else {
      g.events.add(e);
      accepted++;
      register(e, g);
    }
    if (e.timestamp != Times.NONE && e.timestamp > g.latest) {
      g.latest = e.timestamp;
    }
    touch(g, e.timestamp);
    expire();
  }

  /** Finishes every request still open; call at the end of input. */
  public void finish() {
    while (head != null) {
      complete(head);
    }
  }

  /**
   * The verdicts finished since the last call, when the correlator was built without a consumer;
   * an empty list otherwise.
   */
  public List<RequestVerdict> drain() {
    if (queue == null || queue.isEmpty()) {
      return List.of();
    }
    List<RequestVerdict> out = List.copyOf(queue);
    queue.clear();
    return out;
  }

  /** Requests open now. */
  public int inFlight() {
    return inFlight;
  }

  /** Events taken into a request. */
  public long events() {
    return accepted;
  }

  /** Events identical to one already held for their request, counted once. */
  public long duplicates() {
    return duplicates;
  }

  /** Events ignored for lack of any id to join on. */
  public long unjoinable() {
    return unjoinable;
  }

  /** Requests finished before their window closed because too many were in flight. */
  public long finishedEarly() {
    return finishedEarly;
  }

  /** Events beyond the per-request limit. */
  public long dropped() {
    return dropped;
  }

  /** Requests finished. */
  public long requests() {
    return requests;
  }

  /** Requests whose events could not be analysed, reported as unknown (should stay zero). */
  public long analysisFailures() {
    return analysisFailures;
  }

  // ---- joining ----------------------------------------------------------------------------

  private Pending join(Pending g, Map<String, Pending> index, String key) {
    if (key == null) {
      return g;
    }
    Pending p = index.get(key);
    if (p == null || p == g) {
      return g;
    }
    return g == null ? p : merge(g, p);
  }

  private Pending merge(Pending a, Pending b) {
    Pending big = a.events.size() >= b.events.size() ? a : b;
    Pending small = big == a ? b : a;
    for (CorrelationEvent e : small.events) {
      if (big.events.size() >= maxEvents) {
        dropped++;
        accepted--;
        unregister(e, small);
        continue;
      }
      big.events.add(e);
      register(e, big);
    }
    small.events.clear();
    unlink(small);
    inFlight--;
    return big;
  }

  private void register(CorrelationEvent e, Pending g) {
    put(byTrace, e.traceId, g);
    put(byRequest, e.requestId, g);
    put(byRequest, e.upstreamRequestId, g);
    put(bySpan, e.spanId, g);
    put(bySpan, e.parentSpanId, g);
    put(byEdge, e.edgeId, g);
  }

  private static void put(Map<String, Pending> index, String key, Pending g) {
    if (key != null) {
      index.put(key, g);
    }
  }

  private void unregister(CorrelationEvent e, Pending g) {
    remove(byTrace, e.traceId, g);
    remove(byRequest, e.requestId, g);
    remove(byRequest, e.upstreamRequestId, g);
    remove(bySpan, e.spanId, g);
    remove(bySpan, e.parentSpanId, g);
    remove(byEdge, e.edgeId, g);
  }

  private static void remove(Map<String, Pending> index, String key, Pending g) {
    if (key != null) {
      index.remove(key, g);
    }
  }

  // ---- finishing --------------------------------------------------------------------------

  private void expire() {
    while (inFlight > maxInFlight && head != null) {
      finishedEarly++;
      complete(head);
    }
    if (watermark == Times.NONE) {
      return;
    }
    long limit = watermark - windowMillis;
    while (head != null && head.touched < limit) {
      Pending g = head;
      // Its events were more than a window ahead of the clock when they came (the first lines
      // after a gap in the logs): once the clock is within a window of them, their own time
      // counts. An outlier hours ahead never is.
      long own = g.latest <= watermark + windowMillis ? Math.min(g.latest, watermark) : Times.NONE;
      if (own >= limit && own - g.touched > windowMillis) {
        g.touched = own;
        unlink(g);
        append(g);
        continue;
      }
      complete(g);
    }
  }

  private void complete(Pending g) {
    unlink(g);
    inFlight--;
    for (CorrelationEvent e : g.events) {
      unregister(e, g);
    }
    if (g.events.isEmpty()) {
      return; // only duplicates or dropped events arrived
    }
    RequestVerdict v;
    try {
      v = Analysis.analyze(g.events);
    } catch (RuntimeException | StackOverflowError bug) {
      // Never let one odd request end the run; it is reported, and counted.
      analysisFailures++;
      v = Analysis.unanalysable(g.events);
    }
    requests++;
    if (consumer != null) {
      consumer.accept(v);
    } else {
      queue.add(v);
    }
  }

  /**
   * Marks the request as active at the event's own time, kept between the clock and one window
   * ahead of it: the clock runs a few events behind the latest time (it ignores outliers), and an
   * outlier's own request stays open at most one window longer.
   */
  private void touch(Pending g, long time) {
    long t = watermark;
    if (time != Times.NONE && watermark != Times.NONE && time > watermark) {
      t = time - watermark > windowMillis ? watermark + windowMillis : time;
    }
    g.touched = t;
    if (g != tail) {
      unlink(g);
      append(g);
    }
  }

  private void append(Pending g) {
    g.prev = tail;
    g.next = null;
    if (tail != null) {
      tail.next = g;
    } else {
      head = g;
    }
    tail = g;
  }

  private void unlink(Pending g) {
    if (g.prev != null) {
      g.prev.next = g.next;
    } else if (head == g) {
      head = g.next;
    }
    if (g.next != null) {
      g.next.prev = g.prev;
    } else if (tail == g) {
      tail = g.prev;
    }
    g.prev = null;
    g.next = null;
  }

  /** The events of one request in flight. */
  private static final class Pending {
    final ArrayList<CorrelationEvent> events = new ArrayList<>(4);
    Pending prev;
    Pending next;
    long touched;
    /** The latest event time of the request itself, or {@link Times#NONE}. */
    long latest = Times.NONE;

    boolean contains(CorrelationEvent e) {
      for (int i = 0; i < events.size(); i++) {
        CorrelationEvent x = events.get(i);
        if (x.hashCode() == e.hashCode() && x.equals(e)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Configures a {@link Correlator}. */
  public static final class Builder {
    private Duration window = DEFAULT_WINDOW;
    private int maxEvents = DEFAULT_MAX_EVENTS_PER_REQUEST;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private Consumer<? super RequestVerdict> consumer;

    private Builder() {}

    /** Event time a request stays open after its last event; positive. */
    public Builder window(Duration window) {
      if (window == null || window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("window must be positive: " + window);
      }
      this.window = window;
      return this;
    }

    /** Receives each finished request, on the thread that calls accept or finish. */
    public Builder onVerdict(Consumer<? super RequestVerdict> consumer) {
      this.consumer = consumer;
      return this;
    }

    /** Events kept per request, at least 2. */
    public Builder maxEventsPerRequest(int max) {
      if (max < 2) {
        throw new IllegalArgumentException("maxEventsPerRequest must be at least 2: " + max);
      }
      this.maxEvents = max;
      return this;
    }

    /**
     * Requests held open at once, at least 1; past it the request idle longest is finished early.
     * Bounds memory whatever the timestamps of the input.
     */
    public Builder maxInFlight(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxInFlight must be at least 1: " + max);
      }
      this.maxInFlight = max;
      return this;
    }

    public Correlator build() {
      return new Correlator(this);
    }
  }
}
