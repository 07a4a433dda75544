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
  /**
   * Event time a request that sent a message stays open after its last event, for the consumers
   * of every group to log (they may run minutes after the send).
   */
  public static final Duration DEFAULT_MESSAGE_WINDOW = Duration.ofMinutes(5);
  /** Dead-letter topic names: one {@code *} stands for the original topic; any case. */
  public static final List<String> DEFAULT_DEAD_LETTER_TOPICS = DeadLetterTopics.DEFAULT_PATTERNS;

  private final long windowMillis;
  private final long messageWindowMillis;
  private final DeadLetterTopics deadLetters;
  private final String closedByWindow;
  private final String closedByMessageWindow;
  private final int maxEvents;
  private final int maxInFlight;
  private final Consumer<? super RequestVerdict> consumer;
  private final List<RequestVerdict> queue;

  private final Map<String, Pending> byTrace = new HashMap<>();
  private final Map<String, Pending> byRequest = new HashMap<>();
  private final Map<String, Pending> bySpan = new HashMap<>();
  private final Map<String, Pending> byEdge = new HashMap<>();

  // Requests in the order they last received an event: the head is always the next to finish.
  private final Queue open = new Queue();
  // Requests past the window that sent a message, waiting for its consumers, in the same order.
  private final Queue waiting = new Queue();
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
    this.messageWindowMillis = Math.max(windowMillis, b.messageWindow.toMillis());
    this.deadLetters = b.deadLetters;
    this.closedByWindow = "within the " + shown(b.window) + " window";
    this.closedByMessageWindow = "within the " + shown(Duration.ofMillis(messageWindowMillis))
        + " message window";
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
    add(e);
    // A batch consumer's event joins the story of every producer context it processed.
    for (CorrelationEvent copy : e.linkedCopies()) {
      add(copy);
    }
  }

  private void add(CorrelationEvent e) {
    if (e.timestamp != Times.NONE) {
      boolean first = watermark == Times.NONE;
      // Not e.timestamp itself: one line far in the future, or a host whose clock is hours off,
      // would finish every open request and split the ones still receiving events.
      watermark = clock.observe(e.timestamp);
      if (first) {
        // Requests opened before any time was seen start their window now.
        for (Pending p = open.head; p != null; p = p.next) {
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
      open.append(g);
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
      if (e.isProducer() && !Classification.clientFailed(e)
          && !deadLetters.isDeadLetter(e.topic)) {
        g.sentMessage = true;
      }
    }
    if (e.timestamp != Times.NONE && e.timestamp > g.latest) {
      g.latest = e.timestamp;
    }
    touch(g, e.timestamp);
    expire();
  }

  /** Finishes every request still open; call at the end of input. */
  public void finish() {
    while (waiting.head != null) {
      complete(waiting.head, "before the input ended");
    }
    while (open.head != null) {
      complete(open.head, "before the input ended");
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
    big.sentMessage |= small.sentMessage;
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
    small.queue.unlink(small);
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
    while (inFlight > maxInFlight && (waiting.head != null || open.head != null)) {
      finishedEarly++;
      // Those waiting for consumers have waited longest.
      complete(waiting.head != null ? waiting.head : open.head,
          "before it was finished early (more requests open than the in-flight bound)");
    }
    if (watermark == Times.NONE) {
      return;
    }
    long limit = watermark - windowMillis;
    while (open.head != null && open.head.touched < limit) {
      Pending g = open.head;
      // Its events were more than a window ahead of the clock when they came (the first lines
      // after a gap in the logs): once the clock is within a window of them, their own time
      // counts. An outlier hours ahead never is.
      long own = g.latest <= watermark + windowMillis ? Math.min(g.latest, watermark) : Times.NONE;
      if (own >= limit && own - g.touched > windowMillis) {
        g.touched = own;
        open.unlink(g);
        open.append(g);
        continue;
      }
      if (g.sentMessage && messageWindowMillis > windowMillis) {
        open.unlink(g);
        waiting.append(g);
        continue;
      }
      complete(g, closedByWindow);
    }
    long messageLimit = watermark - messageWindowMillis;
    while (waiting.head != null && waiting.head.touched < messageLimit) {
      complete(waiting.head, closedByMessageWindow);
    }
  }

  private void complete(Pending g, String closedBy) {
    g.queue.unlink(g);
    inFlight--;
    for (CorrelationEvent e : g.events) {
      unregister(e, g);
    }
    if (g.events.isEmpty()) {
      return; // only duplicates or dropped events arrived
    }
    RequestVerdict v;
    try {
      v = Analysis.analyze(g.events, deadLetters, closedBy);
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
    if (g.queue != open || g != open.tail) {
      g.queue.unlink(g);
      open.append(g);
    }
  }

  /** "30s", "5m", "500ms": a window as the command line takes it. */
  static String shown(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000L == 0) {
      return ms / 3_600_000L + "h";
    }
    if (ms % 60_000L == 0) {
      return ms / 60_000L + "m";
    }
    if (ms % 1000L == 0) {
      return ms / 1000L + "s";
    }
    return ms + "ms";
  }

  /** Requests in the order they last received an event. */
  private static final class Queue {
    Pending head;
    Pending tail;

    void append(Pending g) {
      g.queue = this;
      g.prev = tail;
      g.next = null;
      if (tail != null) {
        tail.next = g;
      } else {
        head = g;
      }
      tail = g;
    }

    void unlink(Pending g) {
      if (g.queue != this) {
        return;
      }
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
      g.queue = null;
    }
  }

  /** The events of one request in flight. */
  private static final class Pending {
    final ArrayList<CorrelationEvent> events = new ArrayList<>(4);
    Pending prev;
    Pending next;
    Queue queue;
    long touched;
    /** It holds a send the broker acknowledged: its consumers may log minutes later. */
    boolean sentMessage;
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
    private Duration messageWindow = DEFAULT_MESSAGE_WINDOW;
    private DeadLetterTopics deadLetters = DeadLetterTopics.DEFAULT;
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

    /**
     * Event time a request that sent a message (a producer event the broker acknowledged) stays
     * open after its last event, for the consumers of every group to log; a message none consumed
     * by then is reported as not consumed. Positive; a value below {@link #window} means the
     * window. Such requests count against {@link #maxInFlight}, and are the first finished early.
     */
    public Builder messageWindow(Duration window) {
      if (window == null || window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("messageWindow must be positive: " + window);
      }
      this.messageWindow = window;
      return this;
    }

    /**
     * The names of dead-letter topics, replacing {@link #DEFAULT_DEAD_LETTER_TOPICS}: each a
     * pattern with exactly one {@code *} standing for the original topic ({@code *.DLT},
     * {@code dlq-*}), matched in any case. A send to such a topic from inside a delivery is that
     * delivery's fate, not a message of its own.
     */
    public Builder deadLetterTopics(List<String> patterns) {
      if (patterns == null) {
        throw new IllegalArgumentException("deadLetterTopics: null");
      }
      for (String p : patterns) {
        if (!DeadLetterTopics.valid(p)) {
          throw new IllegalArgumentException(
              "a dead-letter topic pattern needs exactly one * and a name around it: " + p);
        }
      }
      this.deadLetters = new DeadLetterTopics(List.copyOf(patterns));
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
