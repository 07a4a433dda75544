package dev.identitylog.cli;

import dev.identitylog.correlate.CorrelationEvent;
import dev.identitylog.correlate.Correlator;
import dev.identitylog.correlate.EventStream;
import dev.identitylog.correlate.MessageFate;
import dev.identitylog.correlate.RequestVerdict;
import dev.identitylog.correlate.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code identity-log correlate FILE...}: joins the identity events and access logs of every hop
 * into one line per request, with the verdict and the hop that caused it (SPEC section 10).
 *
 * <p>Options are read as plain strings and checked here, so that every mistake in them is one
 * line on stderr and exit code 2, with nothing on stdout.
 */
@Command(
    name = "correlate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    headerHeading = "",
    header = "Join the events of every hop into one verdict per request.",
    description = {
      "Reads identity events (event.name identity.server / identity.client; 1.1 also"
          + " identity.producer / identity.consumer) and the JSON access"
          + " logs of proxies and gateways, joins them per request (trace id, span parent"
          + " links, request id) and prints one object per request: its hops, outermost first,"
          + " the messages it sent with each consumer group's fate, and the verdict naming the"
          + " root-cause hop.",
      "Files may be gzip; several files are merged by time. Lines that are not JSON objects"
          + " are skipped and counted on stderr."
    },
    footer = {"%nExit codes: 0 success, 2 usage error, unreadable input, or input without a"
        + " single identity event to join."})
public final class CorrelateCommand implements Callable<Integer> {
  private static final long PROGRESS_AFTER_NANOS = 3_000_000_000L;
  private static final long PROGRESS_EVERY_NANOS = 2_000_000_000L;

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "FILE",
      arity = "1..*",
      description = "JSON lines of events, plain or gzip; - reads standard input.")
  List<String> files = new ArrayList<>();

  @Option(
      names = "--format",
      paramLabel = "json|table",
      description = "json (default): one object per line; table: aligned columns, failures first.")
  String format = "json";

  @Option(names = "--trace", paramLabel = "ID", description = "Only the request with this trace id (or id prefix).")
  String trace;

  @Option(names = "--request-id", paramLabel = "ID", description = "Only the request with this request id.")
  String requestId;

  @Option(
      names = "--verdict",
      paramLabel = "KIND",
      split = ",",
      description = "Only these verdicts: ok, authn_failure, authz_failure, dependency_failure,"
          + " token_exchange_failure, trace_broken, unknown.")
  List<String> verdicts = new ArrayList<>();

  @Option(names = "--since", paramLabel = "TIME", description = "Only requests that started at or after this RFC 3339 time.")
  String since;

  @Option(names = "--until", paramLabel = "TIME", description = "Only requests that started before this RFC 3339 time.")
  String until;

  @Option(
      names = "--window",
      paramLabel = "DURATION",
      description = "Event time a request stays open after its last event (default 30s; 500ms,"
          + " 2m, PT1M also work). Bounds memory.")
  String window = "30s";

  @Option(
      names = "--max-in-flight",
      paramLabel = "N",
      description = "Requests held open at once (default 100000, a few KiB each). Past it the"
          + " request idle longest is finished early and counted on stderr; this bounds memory"
          + " also for lines without a timestamp.")
  String maxInFlight;

  @Option(
      names = "--message-window",
      paramLabel = "DURATION",
      description = "Event time a request that sent a message stays open after its last event,"
          + " for the consumers of every group to log (default 5m; at most 7d). A message no"
          + " group consumed by then is reported as not consumed. Such requests count against"
          + " --max-in-flight.")
  String messageWindow = "5m";

  @Option(
      names = "--dead-letter-topics",
      paramLabel = "PATTERN",
      split = ",",
      description = "Dead-letter topic names, replacing the defaults (*.DLT, *-dlt, *_dlt, *.dlq,"
          + " *-dlq, *_dlq, *DLQ, DLQ.*): one * stands for the original topic; any case. A send"
          + " to one from inside a delivery is that message's fate.")
  List<String> deadLetterTopics = new ArrayList<>();

  // Seams for tests: where "-" reads from, and the clock for progress reports.
  InputStream stdin = System.in;
  LongSupplier nanoTime = System::nanoTime;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String prefix = ErrorHandler.prefix(spec.commandLine());
    Settings settings;
    try {
      settings = settings();
    } catch (IllegalArgumentException e) {
      err.println(prefix + e.getMessage());
      err.flush();
      return 2;
    }

    EventStream stream;
    try {
      stream = open();
    } catch (IllegalArgumentException e) {
      err.println(prefix + e.getMessage());
      err.flush();
      return 2;
    } catch (IOException e) {
      err.println(prefix + "cannot read input: " + message(e));
      err.flush();
      return 2;
    }

    Output output = settings.table ? new Table(out) : new JsonLines(out);
    Predicate<RequestVerdict> filter = settings.filter;
    Correlator correlator = Correlator.builder()
        .window(settings.window)
        .maxInFlight(settings.maxInFlight)
        .messageWindow(settings.messageWindow)
        .deadLetterTopics(settings.deadLetterTopics)
        .onVerdict(v -> {
          if (filter.test(v)) {
            output.add(v);
          }
        })
        .build();

    long started = nanoTime.getAsLong();
    long lastReport = started;
    boolean reported = false;
    try (EventStream s = stream) {
      for (CorrelationEvent e; (e = s.next()) != null; ) {
        correlator.accept(e);
        if ((s.events() & 0xfff) == 0) {
          long now = nanoTime.getAsLong();
          if (now - started >= PROGRESS_AFTER_NANOS && now - lastReport >= PROGRESS_EVERY_NANOS) {
            progress(err, prefix, s.events(), now - started);
            lastReport = now;
            reported = true;
          }
        }
      }
      correlator.finish();
      if (correlator.requests() == 0) {
        // Nothing to join is an input error, not an empty success: say what the lines were.
        err.println(prefix + nothingToJoin(s, correlator));
        err.flush();
        return 2;
      }
      output.finish();
      out.flush();
      if (reported) {
        progress(err, prefix, s.events(), nanoTime.getAsLong() - started);
      }
      summary(err, prefix, s, correlator);
    } catch (IOException e) {
      out.flush();
      err.println(prefix + "read error: " + message(e));
      err.flush();
      return 2;
    }
    err.flush();
    return 0;
  }

  // ---- options ----------------------------------------------------------------------------

  /** The checked options. */
  private static final class Settings {
    boolean table;
    Duration window;
    Duration messageWindow;
    List<String> deadLetterTopics = Correlator.DEFAULT_DEAD_LETTER_TOPICS;
    int maxInFlight = Correlator.DEFAULT_MAX_IN_FLIGHT;
    Predicate<RequestVerdict> filter = v -> true;
  }

  private Settings settings() {
    Settings s = new Settings();
    String f = format.trim().toLowerCase(Locale.ROOT);
    if (!f.equals("json") && !f.equals("table")) {
      throw new IllegalArgumentException("--format must be json or table");
    }
    s.table = f.equals("table");
    s.window = duration("--window", window);
    s.messageWindow = duration("--message-window", messageWindow);
    if (!deadLetterTopics.isEmpty()) {
      List<String> patterns = new ArrayList<>();
      for (String p : deadLetterTopics) {
        String t = p.trim();
        if (t.length() < 2 || t.length() > 128 || t.indexOf('*') < 0
            || t.indexOf('*') != t.lastIndexOf('*')) {
          throw new IllegalArgumentException("--dead-letter-topics: each pattern needs exactly"
              + " one * and a name around it, such as *.DLT or dlq-*");
        }
        patterns.add(t);
      }
      s.deadLetterTopics = patterns;
    }
    if (maxInFlight != null) {
      try {
        s.maxInFlight = Integer.parseInt(maxInFlight.trim());
      } catch (NumberFormatException e) {
        s.maxInFlight = 0;
      }
      if (s.maxInFlight < 1) {
        throw new IllegalArgumentException("--max-in-flight must be a whole number from 1 to "
            + Integer.MAX_VALUE);
      }
    }
    if (trace != null) {
      String t = trace.trim().toLowerCase(Locale.ROOT);
      if (t.isEmpty()) {
        throw new IllegalArgumentException("--trace needs an id");
      }
      s.filter = s.filter.and(v -> v.traceIds().stream().anyMatch(id -> id.startsWith(t)));
    }
    if (requestId != null) {
      String r = requestId.trim();
      s.filter = s.filter.and(v -> v.requestIds().contains(r));
    }
    if (!verdicts.isEmpty()) {
      Set<Verdict> wanted = EnumSet.noneOf(Verdict.class);
      for (String code : verdicts) {
        Verdict v = Verdict.fromCode(code);
        if (v == null) {
          throw new IllegalArgumentException("--verdict: unknown verdict"
              + " (expected ok, authn_failure, authz_failure, dependency_failure,"
              + " token_exchange_failure, trace_broken, unknown)");
        }
        wanted.add(v);
      }
      s.filter = s.filter.and(v -> wanted.contains(v.verdict()));
    }
    Instant from = since == null ? null : time("--since", since);
    Instant to = until == null ? null : time("--until", until);
    if (from != null && to != null && !from.isBefore(to)) {
      throw new IllegalArgumentException("--since must be before --until");
    }
    if (from != null) {
      s.filter = s.filter.and(v -> v.start() != null && !v.start().isBefore(from));
    }
    if (to != null) {
      s.filter = s.filter.and(v -> v.start() != null && v.start().isBefore(to));
    }
    return s;
  }

  private static Instant time(String option, String value) {
    try {
      return OffsetDateTime.parse(value.trim()).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          option + " must be an RFC 3339 time such as 2026-11-28T09:00:00Z");
    }
  }

  /**
   * The longest window: a request open for a week of event time is a mistake, and longer ones
   * overflow the arithmetic of event times in milliseconds.
   */
  static final Duration MAX_WINDOW = Duration.ofDays(7);

  /** 30s, 500ms, 2m, 1h, a number of seconds, or ISO-8601 (PT30S); at most {@link #MAX_WINDOW}. */
  static Duration duration(String value) {
    return duration("--window", value);
  }

  static Duration duration(String option, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    Duration d = null;
    try {
      if (v.startsWith("pt") || v.startsWith("p")) {
        d = Duration.parse(v.toUpperCase(Locale.ROOT));
      } else if (v.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
      } else if (v.endsWith("s")) {
        d = Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
      } else if (v.endsWith("m")) {
        d = Duration.ofSeconds(Math.multiplyExact(Long.parseLong(v.substring(0, v.length() - 1).trim()), 60));
      } else if (v.endsWith("h")) {
        d = Duration.ofSeconds(Math.multiplyExact(Long.parseLong(v.substring(0, v.length() - 1).trim()), 3600));
      } else if (v.endsWith("d")) {
        d = Duration.ofSeconds(Math.multiplyExact(Long.parseLong(v.substring(0, v.length() - 1).trim()), 86400));
      } else {
        d = Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
      }
    } catch (RuntimeException e) {
      d = null;
    }
    if (d == null || d.isNegative() || d.isZero() || d.compareTo(MAX_WINDOW) > 0) {
      throw new IllegalArgumentException(
          option + " must be a positive duration of at most 7d, such as 30s, 500ms, 2m or 1h");
    }
    return d;
  }

  private EventStream open() throws IOException {
    EventStream.Builder b = EventStream.builder();
    boolean stdinUsed = false;
    for (String f : files) {
      if (f.equals("-")) {
        if (stdinUsed) {
          throw new IllegalArgumentException("standard input (-) can be read only once");
        }
        stdinUsed = true;
        b.add("-", stdin);
        continue;
      }
      Path p;
      try {
        p = Paths.get(f);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("cannot read " + Inputs.shown(f) + ": invalid path");
      }
      if (!Files.exists(p)) {
        throw new IllegalArgumentException("cannot read " + Inputs.shown(f) + ": no such file");
      }
      if (Files.isDirectory(p)) {
        throw new IllegalArgumentException("cannot read " + Inputs.shown(f) + ": is a directory");
      }
      if (!Files.isReadable(p)) {
        throw new IllegalArgumentException("cannot read " + Inputs.shown(f) + ": permission denied");
      }
      b.add(p);
    }
    return b.build();
  }

  // ---- reporting --------------------------------------------------------------------------

  private static void progress(PrintWriter err, String prefix, long events, long nanos) {
    long perSecond = nanos <= 0 ? 0 : (long) (events / (nanos / 1e9));
    err.printf(Locale.ROOT, "%s%,d events read, %,d events/s%n", prefix, events, perSecond);
    err.flush();
  }

  private static void summary(PrintWriter err, String prefix, EventStream s, Correlator c) {
    List<String> notes = new ArrayList<>();
    if (s.malformedLines() > 0) {
      notes.add(s.malformedLines() + (s.malformedLines() == 1 ? " line" : " lines")
          + " skipped: not a JSON object");
    }
    if (s.otherLines() > 0) {
      notes.add(s.otherLines() + (s.otherLines() == 1 ? " line" : " lines")
          + " skipped: not an identity event");
    }
    if (c.unjoinable() > 0) {
      notes.add(c.unjoinable() + (c.unjoinable() == 1 ? " event" : " events")
          + " ignored: no trace, span or request id");
    }
    if (c.dropped() > 0) {
      notes.add(c.dropped() + (c.dropped() == 1 ? " event" : " events")
          + " dropped: too many for one request");
    }
    if (c.finishedEarly() > 0) {
      notes.add(c.finishedEarly() + (c.finishedEarly() == 1 ? " request" : " requests")
          + " finished early: more than the --max-in-flight bound open at once (lines without"
          + " timestamp, or too short a --max-in-flight)");
    }
    if (c.duplicates() > 0) {
      notes.add(c.duplicates() + (c.duplicates() == 1 ? " duplicate event" : " duplicate events")
          + " counted once");
    }
    if (!notes.isEmpty()) {
      err.println(prefix + String.join("; ", notes));
    }
  }

  /** Why no request came out: how many lines were read and what they were instead. */
  static String nothingToJoin(EventStream s, Correlator c) {
    long blank = s.lines() - s.malformedLines() - s.otherLines() - s.events();
    StringBuilder sb = new StringBuilder("no request to correlate: ");
    sb.append(s.lines()).append(s.lines() == 1 ? " line read" : " lines read");
    List<String> parts = new ArrayList<>();
    if (s.malformedLines() > 0) {
      parts.add(s.malformedLines() + " not a JSON object");
    }
    if (s.otherLines() > 0) {
      parts.add(s.otherLines() + " JSON but not an identity event (no event.name identity.server,"
          + " identity.client, identity.producer or identity.consumer, nor a hop access-log line"
          + " with service.name and trace.id or identity.request.id)");
    }
    if (c.unjoinable() > 0) {
      parts.add(c.unjoinable() + (c.unjoinable() == 1 ? " identity event" : " identity events")
          + " without a trace, span or request id");
    }
    if (blank > 0) {
      parts.add(blank + " blank");
    }
    if (!parts.isEmpty()) {
      sb.append(": ").append(String.join(", ", parts));
    }
    return sb.toString();
  }

  private static String message(IOException e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  /** Where finished requests go. */
  private interface Output {
    void add(RequestVerdict v);

    void finish();
  }

  /** JSON lines, written as each request finishes. */
  private static final class JsonLines implements Output {
    private final PrintWriter out;

    JsonLines(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void add(RequestVerdict v) {
      out.write(v.toJson());
      out.write('\n');
    }

    @Override
    public void finish() {}
  }

  /**
   * Aligned columns, failures first, then ok requests, each in start order. Sorting needs every
   * row, so this keeps one short row per request (not its events) until the end.
   */
  private static final class Table implements Output {
    private static final String[] HEADER = {
      "TRACE", "REQUEST ID", "VERDICT", "HOP", "REASON", "EVIDENCE"};
    private static final int[] MAX = {9, 36, 22, 24, 28, Integer.MAX_VALUE};

    private final PrintWriter out;
    private final List<Row> rows = new ArrayList<>();
    private long seq;

    Table(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void add(RequestVerdict v) {
      String[] cells = {
        shorten(v.traceId(), 9),
        v.requestId(),
        v.verdict().code(),
        v.verdictHop(),
        v.verdictReason(),
        v.evidence()
      };
      for (int i = 0; i < cells.length; i++) {
        cells[i] = cells[i] == null ? "-" : shorten(cells[i], MAX[i]);
      }
      Instant start = v.start();
      rows.add(new Row(v.verdict() == Verdict.OK, start == null ? Long.MAX_VALUE
          : start.toEpochMilli(), seq++, cells, messageLines(v)));
    }

    @Override
    public void finish() {
      rows.sort((a, b) -> {
        if (a.ok != b.ok) {
          return a.ok ? 1 : -1;
        }
        int c = Long.compare(a.start, b.start);
        return c != 0 ? c : Long.compare(a.seq, b.seq);
      });
      int[] width = new int[HEADER.length];
      for (int i = 0; i < HEADER.length; i++) {
        width[i] = HEADER[i].length();
      }
      for (Row r : rows) {
        for (int i = 0; i < r.cells.length; i++) {
          width[i] = Math.max(width[i], r.cells[i].length());
        }
      }
      line(HEADER, width);
      for (Row r : rows) {
        line(r.cells, width);
        for (String m : r.messages) {
          // Under the request, indented past the trace column: one line per message.
          StringBuilder sb = new StringBuilder(m.length() + width[0] + 2);
          for (int pad = 0; pad < width[0] + 2; pad++) {
            sb.append(' ');
          }
          out.write(sb.append(m).append('\n').toString());
        }
      }
    }

    /**
     * "↳ orders.created [3]@42 from checkout: refused; billing refused (policy_denied), audit
     * processed": the message, then each group's fate.
     */
    static List<String> messageLines(RequestVerdict v) {
      if (v.messages().isEmpty()) {
        return List.of();
      }
      List<String> lines = new ArrayList<>(v.messages().size());
      for (MessageFate m : v.messages()) {
        StringBuilder sb = new StringBuilder("↳ message ");
        sb.append(m.topic() == null ? "(no topic)" : m.topic());
        if (m.partition() != null) {
          sb.append(" [").append(m.partition()).append(']');
        }
        if (m.offset() >= 0) {
          sb.append('@').append(m.offset());
        }
        if (m.producer() != null) {
          sb.append(" from ").append(m.producer());
        }
        sb.append(": ").append(m.fate().code());
        if (m.sendReason() != null) {
          sb.append(" (").append(m.sendReason()).append(')');
        }
        String sep = "; ";
        for (MessageFate.Group g : m.groups()) {
          sb.append(sep);
          sep = ", ";
          sb.append(g.group() != null ? g.group() : g.service());
          if (g.group() != null && g.service() != null && !g.group().equals(g.service())) {
            sb.append(" (").append(g.service()).append(')');
          }
          sb.append(' ').append(g.fate().code());
          if (g.reason() != null) {
            sb.append(" (").append(g.reason()).append(')');
          }
          if (g.deliveries() > 1) {
            sb.append(" after ").append(g.deliveries()).append(" deliveries");
            if (g.unflaggedRedeliveries() > 0) {
              sb.append(", ").append(g.unflaggedRedeliveries()).append(" not flagged");
            }
          }
          if (g.deadLetterTopic() != null) {
            sb.append(" to ").append(g.deadLetterTopic());
          }
        }
        lines.add(shorten(sb.toString(), 400));
      }
      return lines;
    }

    private void line(String[] cells, int[] width) {
      StringBuilder sb = new StringBuilder(128);
      for (int i = 0; i < cells.length; i++) {
        sb.append(cells[i]);
        if (i < cells.length - 1) {
          for (int pad = cells[i].length(); pad < width[i] + 2; pad++) {
            sb.append(' ');
          }
        }
      }
      out.write(sb.toString());
      out.write('\n');
    }

    private static String shorten(String s, int max) {
      if (s == null || s.length() <= max) {
        return s;
      }
      return s.substring(0, max - 1) + "…";
    }

    private static final class Row {
      final boolean ok;
      final long start;
      final long seq;
      final String[] cells;
      final List<String> messages;

      Row(boolean ok, long start, long seq, String[] cells, List<String> messages) {
        this.ok = ok;
        this.start = start;
        this.seq = seq;
        this.cells = cells;
        this.messages = messages;
      }
    }
  }
}
