package dev.identitylog.correlate;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Reads events from one or more inputs of JSON lines, merged into one sequence ordered by time.
 *
 * <p>Each input is read line by line; gzip is detected by its magic bytes. A line is an event when
 * it is a JSON object whose {@code event.name} is {@code identity.server},
 * {@code identity.client} or (1.1) {@code identity.producer} or {@code identity.consumer}, or,
 * for the access logs of proxies and gateways, when it has no
 * {@code event.name} but a {@code service.name} and a {@code trace.id} or
 * {@code identity.request.id} (a server-side hop). Other lines are skipped and counted: lines that
 * are not JSON, or not an object ({@link #malformedLines()}), and objects that are not identity
 * events ({@link #otherLines()}). Blank lines are ignored.
 *
 * <p>Inputs are merged by {@code timestamp} (k-way); each input passes through a bounded reorder
 * buffer first, which puts events back in order that concurrent writers logged slightly out of
 * order. The merge holds at most that many events per input, whatever the size of the inputs.
 *
 * <p>Not thread-safe. Close it to close every input.
 */
public final class EventStream implements Closeable {
  /** Events held per input to restore their time order. */
  public static final int DEFAULT_REORDER_BUFFER = 4096;
  /** How far ahead of an input's time an event may be and still be sorted by its own time. */
  static final long OUTLIER_MILLIS = 60_000;
  /** Lines longer than this many bytes (or chars) are skipped as malformed. */
  public static final int DEFAULT_MAX_LINE_LENGTH = 1 << 20;

  private final List<Input> inputs;
  private final PriorityQueue<Input> heads;
  private boolean started;
  private long lines;
  private long events;
  private long malformed;
  private long other;

  private EventStream(List<Input> inputs) {
    this.inputs = inputs;
    this.heads = new PriorityQueue<>(Math.max(1, inputs.size()), Input::compareHeads);
  }

  /** A builder to which inputs are added. */
  public static Builder builder() {
    return new Builder();
  }

  /** A stream over these files (plain or gzip). */
  public static EventStream of(Path... paths) throws IOException {
    Builder b = builder();
    for (Path p : paths) {
      b.add(p);
    }
    return b.build();
  }

  /** A stream over one reader of JSON lines. */
  public static EventStream of(Reader reader) throws IOException {
    return builder().add("reader", reader).build();
  }

  /**
   * The next event in time order, or {@code null} at the end of all inputs.
   *
   * @throws IOException when an input cannot be read (including a corrupt gzip stream)
   */
  public CorrelationEvent next() throws IOException {
    if (!started) {
      started = true;
      for (Input in : inputs) {
        if (in.fill(this)) {
          heads.add(in);
        }
      }
    }
    Input in = heads.poll();
    if (in == null) {
      return null;
    }
    CorrelationEvent e = in.take();
    if (in.fill(this)) {
      heads.add(in);
    }
    events++;
    return e;
  }

  /** Lines read so far, blank ones included. */
  public long lines() {
    return lines;
  }

  /** Events returned so far. */
  public long events() {
    return events;
  }

  /** Lines skipped because they are not JSON, not an object, or too long. */
  public long malformedLines() {
    return malformed;
  }

  /** JSON objects skipped because they are not identity events or hop access-log lines. */
  public long otherLines() {
    return other;
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (Input in : inputs) {
      try {
        in.source.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** Collects the inputs of a stream. */
  public static final class Builder {
    private final List<Object> sources = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private int reorderBuffer = DEFAULT_REORDER_BUFFER;
    private int maxLineLength = DEFAULT_MAX_LINE_LENGTH;

    private Builder() {}

    /** Adds a file, plain or gzip; it is opened by {@link #build()}. */
    public Builder add(Path path) {
      sources.add(path);
      names.add(path.toString());
      return this;
    }

    /** Adds a byte stream of JSON lines in UTF-8, plain or gzip. */
    public Builder add(String name, InputStream in) {
      sources.add(in);
      names.add(name);
      return this;
    }

    /** Adds a character stream of JSON lines. */
    public Builder add(String name, Reader reader) {
      sources.add(reader);
      names.add(name);
      return this;
    }

    /** Events held per input to restore time order; at least 1 (1 turns reordering off). */
    public Builder reorderBuffer(int events) {
      if (events < 1) {
        throw new IllegalArgumentException("reorderBuffer must be at least 1: " + events);
      }
      this.reorderBuffer = events;
      return this;
    }

    /** The longest line read, in bytes (chars for readers); longer lines are skipped. */
    public Builder maxLineLength(int length) {
      if (length < 1024) {
        throw new IllegalArgumentException("maxLineLength must be at least 1024: " + length);
      }
      this.maxLineLength = length;
      return this;
    }

    /**
     * Opens every input (files are opened here, gzip headers read).
     *
     * @throws IOException when an input cannot be opened; inputs opened so far are closed
     */
    public EventStream build() throws IOException {
      List<Input> inputs = new ArrayList<>(sources.size());
      IdCache ids = new IdCache();
      try {
        for (int i = 0; i < sources.size(); i++) {
          Object s = sources.get(i);
          LineSource ls;
          if (s instanceof Path) {
            ls = LineSource.of(Files.newInputStream((Path) s), maxLineLength);
          } else if (s instanceof InputStream) {
            ls = LineSource.of((InputStream) s, maxLineLength);
          } else {
            ls = LineSource.of((Reader) s, maxLineLength);
          }
          inputs.add(new Input(names.get(i), i, ls, reorderBuffer, ids));
        }
      } catch (IOException | RuntimeException e) {
        for (Input in : inputs) {
          try {
            in.source.close();
          } catch (IOException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw e;
      }
      return new EventStream(inputs);
    }
  }

  /** One input with its reorder buffer. */
  private static final class Input {
    final String name;
    final int index;
    final LineSource source;
    final int capacity;
    final PriorityQueue<Held> held;
    final EventParser parser;
    final CorrelationEvent[] slot = new CorrelationEvent[1];
    boolean eof;
    long seq;
    long lastTime = Long.MIN_VALUE;
    final EventClock clock = new EventClock();
    final List<CorrelationEvent> warming = new ArrayList<>();

    Input(String name, int index, LineSource source, int capacity, IdCache ids) {
      this.parser = new EventParser(ids);
      this.name = name;
      this.index = index;
      this.source = source;
      this.capacity = capacity;
      this.held = new PriorityQueue<>(Math.min(capacity, 1024));
    }

    /** Reads until the buffer is full or the input ends; whether an event is held. */
    boolean fill(EventStream stream) throws IOException {
      while (!eof && held.size() < capacity) {
        int n;
        try {
          n = source.next(parser, slot);
        } catch (IOException e) {
          throw new IOException(name + ": " + e.getMessage(), e);
        }
        if (n == LineSource.EOF) {
          eof = true;
          break;
        }
        stream.lines++;
        if (n == LineSource.OVERSIZED) {
          stream.malformed++;
          continue;
        }
        CorrelationEvent e = slot[0];
        slot[0] = null;
        if (e == null) {
          switch (parser.status) {
            case EventParser.MALFORMED:
            case EventParser.NOT_OBJECT:
              stream.malformed++;
              break;
            case EventParser.NOT_EVENT:
              stream.other++;
              break;
            default:
              break;
          }
          continue;
        }
        clock.observe(e.timestamp);
        if (capacity > 1 && clock.samples() <= EventClock.OUTLIERS
            && warming.size() < capacity) {
          // Too few times yet to tell an outlier: the first events wait for the clock.
          warming.add(e);
          continue;
        }
        flushWarming();
        hold(e);
      }
      flushWarming();
      return !held.isEmpty();
    }

    private void flushWarming() {
      for (CorrelationEvent w : warming) {
        hold(w);
      }
      warming.clear();
    }

    private void hold(CorrelationEvent e) {
      // An event without a time keeps its place after the one read before it, and so does one
      // far off the input's time (a host whose clock is off): sorted by its own time it would
      // wait at the end of the buffer, behind the rest of its request.
      long t = e.timestamp != Times.NONE ? clock.sortTime(e.timestamp, OUTLIER_MILLIS) : lastTime;
      lastTime = t;
      held.add(new Held(t, seq++, e));
    }

    CorrelationEvent take() {
      return held.poll().event;
    }

    long headTime() {
      return held.peek().time;
    }

    static int compareHeads(Input a, Input b) {
      int c = Long.compare(a.headTime(), b.headTime());
      return c != 0 ? c : Integer.compare(a.index, b.index);
    }
  }

  private static final class Held implements Comparable<Held> {
    final long time;
    final long seq;
    final CorrelationEvent event;

    Held(long time, long seq, CorrelationEvent event) {
      this.time = time;
      this.seq = seq;
      this.event = event;
    }

    @Override
    public int compareTo(Held o) {
      int c = Long.compare(time, o.time);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
