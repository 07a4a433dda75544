package dev.identitylog.examples;

import dev.identitylog.cli.CorrelateCommand;
import dev.identitylog.correlate.CorrelationEvent;
import dev.identitylog.correlate.Correlator;
import dev.identitylog.correlate.EventStream;
import dev.identitylog.correlate.RequestVerdict;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine;

/**
 * The multi-hop demo: starts the {@link Topology} on localhost, sends each {@link Scenario}'s one
 * request, then joins every hop's events with the correlator and checks that each request got the
 * verdict its scenario was built to produce.
 *
 * <pre>
 *   mvn -B -q -DskipTests -Ddemo verify          (from the repository root)
 *   java -cp ... dev.identitylog.examples.MultiHopDemo [EVENTS_FILE]
 * </pre>
 *
 * <p>Every hop splits its events (see {@link DemoLogs}): the events file holds pseudonyms where a
 * value describes a party, and the restricted file beside it holds those values, one line per
 * event, joined on {@code trace.id}, {@code span.id} and {@code identity.request.id}. The
 * correlator reads the events file alone.
 *
 * <p>Prints the topology, each scenario's answer, the paths of both files, the correlator's
 * table (the {@code identity-log correlate --format table} command, run on that file) and the
 * comparison with the expectations. Exits 0 only when every scenario got its verdict, hop and
 * reason.
 */
public final class MultiHopDemo {
  private MultiHopDemo() {}

  public static void main(String[] args) throws Exception {
    Path events = args.length > 0
        ? Paths.get(args[0])
        : Files.createTempDirectory("identity-log-demo").resolve("identity-events.jsonl");
    Report report = run(events, System.out);
    if (!report.passed()) {
      // Thrown rather than System.exit, so that under exec:java it fails the build instead of
      // ending Maven's own JVM; run with java, it ends the program with status 1.
      throw new DemoFailed(report.failures() + " of " + report.results.size()
          + " scenarios did not get the verdict they were built to produce");
    }
  }

  /** Runs the whole demo, writing events to {@code eventsFile} and the report to {@code out}. */
  static Report run(Path eventsFile, PrintStream out) throws Exception {
    PrintWriter console = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    console.println("identity-log multi-hop demo");
    console.println();

    List<Scenario> scenarios = Scenario.all();
    Map<Scenario, DemoClient.Answer> answers = new HashMap<>();
    List<String> issuedTokens;
    long started = System.nanoTime();
    Path restrictedFile = restrictedFileFor(eventsFile);
    try (JsonLinesFile sink = new JsonLinesFile(eventsFile);
        JsonLinesFile restrictedSink = new JsonLinesFile(restrictedFile)) {
      try (Topology topology = Topology.start(DemoLogs.of(sink, restrictedSink));
          DemoClient client = new DemoClient(topology.pki())) {
        console.println("Topology (mTLS between all hops; one demo CA; SPIFFE IDs under "
            + DemoPki.TRUST_DOMAIN + "):");
        topology.describe().forEach(console::println);
        console.println();
        console.println("Scenarios (one request each, sent by the demo's plain OkHttp client):");
        Scenario.Customer alice = new Scenario.Customer(topology.pki(), topology.tokens());
        for (Scenario s : scenarios) {
          DemoClient.Answer answer = s.run(client, topology, alice);
          answers.put(s, answer);
          console.printf("  %2d  %-29s -> %s%s%n", s.number, s.name, answer,
              answer.status == s.status ? "" : " (expected " + s.status + ")");
        }
        issuedTokens = topology.tokens().issued();
      } // stopping the servers lets every request still in flight write its event
      console.println();
      console.printf("Events of all hops: %s (%d lines)%n", eventsFile.toAbsolutePath(), sink.lines());
      console.printf("Restricted values of all hops: %s (%d lines; subjects, issuers, SANs, "
          + "client addresses, client ids, actors, claims: for fewer readers)%n",
          restrictedFile.toAbsolutePath(), restrictedSink.lines());
    }

    console.println();
    console.println("identity-log correlate --format table " + eventsFile.toAbsolutePath());
    console.flush();
    new CommandLine(new CorrelateCommand())
        .setOut(console)
        .setErr(console)
        .execute("--format", "table", eventsFile.toAbsolutePath().toString());
    console.flush();

    Map<String, RequestVerdict> verdicts = correlate(eventsFile);
    List<Result> results = new ArrayList<>();
    for (Scenario s : scenarios) {
      results.add(new Result(s, answers.get(s), verdicts.get(s.requestId())));
    }
    Report report = new Report(eventsFile, restrictedFile, results, issuedTokens);

    console.println();
    console.println("Expected and correlated verdicts:");
    for (Result r : results) {
      console.printf("  %2d  %-29s %-4s expected %-50s got %s%n", r.scenario.number,
          r.scenario.name, r.matches() ? "ok" : "FAIL",
          r.scenario.expected(), r.actual());
    }
    console.println();
    console.printf("%d of %d scenarios got the verdict they were built to produce (%.1f s).%n",
        report.matched(), results.size(), (System.nanoTime() - started) / 1e9);
    console.flush();
    return report;
  }

  /**
   * The restricted file beside the events file: {@code identity-events.jsonl} gives {@code
   * identity-events.restricted.jsonl}.
   */
  static Path restrictedFileFor(Path eventsFile) {
    String name = eventsFile.getFileName().toString();
    String base = name.endsWith(".jsonl") ? name.substring(0, name.length() - ".jsonl".length()) : name;
    return eventsFile.resolveSibling(base + ".restricted.jsonl");
  }

  /** The correlator's verdict for each request id in the file. */
  static Map<String, RequestVerdict> correlate(Path eventsFile) throws IOException {
    Map<String, RequestVerdict> byRequestId = new HashMap<>();
    Correlator correlator = Correlator.builder()
        .onVerdict(v -> v.requestIds().forEach(id -> byRequestId.put(id, v)))
        .build();
    try (EventStream events = EventStream.of(eventsFile)) {
      for (CorrelationEvent e; (e = events.next()) != null; ) {
        correlator.accept(e);
      }
    }
    correlator.finish();
    return byRequestId;
  }

  /** What one scenario produced. */
  static final class Result {
    final Scenario scenario;
    final DemoClient.Answer answer;
    /** The correlator's verdict for the scenario's request, or null when it found none. */
    final RequestVerdict verdict;

    Result(Scenario scenario, DemoClient.Answer answer, RequestVerdict verdict) {
      this.scenario = scenario;
      this.answer = answer;
      this.verdict = verdict;
    }

    boolean matches() {
      return verdict != null
          && scenario.verdict.equals(verdict.verdict().code())
          && Objects.equals(scenario.hop, verdict.verdictHop())
          && Objects.equals(scenario.reason, verdict.verdictReason());
    }

    String actual() {
      return verdict == null
          ? "no request with this id"
          : Scenario.format(verdict.verdict().code(), verdict.verdictHop(), verdict.verdictReason());
    }
  }

  /** The outcome of a run. */
  static final class Report {
    final Path events;
    /** The restricted stream: the values the events file carries as pseudonyms. */
    final Path restricted;
    final List<Result> results;
    /** Every token the demo's issuer signed: none may appear in the events file. */
    final List<String> issuedTokens;

    Report(Path events, Path restricted, List<Result> results, List<String> issuedTokens) {
      this.events = events;
      this.restricted = restricted;
      this.results = Collections.unmodifiableList(results);
      this.issuedTokens = List.copyOf(issuedTokens);
    }

    /** Scenarios that got another verdict than expected. */
    int failures() {
      return (int) results.stream().filter(r -> !r.matches()).count();
    }

    int matched() {
      return (int) results.stream().filter(Result::matches).count();
    }

    boolean passed() {
      return failures() == 0;
    }
  }

  /** The demo ran, but at least one scenario got another verdict than expected. */
  static final class DemoFailed extends Exception {
    private static final long serialVersionUID = 1L;

    DemoFailed(String message) {
      super(message, null, false, false); // the message says it all; no stack trace
    }
  }
}
