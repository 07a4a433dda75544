package dev.identitylog.correlate;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs lines through a stream and a correlator, as the command line does. */
final class Run {
  final List<RequestVerdict> verdicts = new ArrayList<>();
  Correlator correlator;
  EventStream stream;

  static Run of(List<String> lines) {
    return of(lines, Correlator.DEFAULT_WINDOW);
  }

  static Run of(List<String> lines, Duration window) {
    return of(lines, b -> b.window(window));
  }

  static Run of(List<String> lines, java.util.function.Consumer<Correlator.Builder> options) {
    Run r = new Run();
    try (EventStream s = EventStream.of(new StringReader(String.join("\n", lines) + "\n"))) {
      r.stream = s;
      Correlator.Builder b = Correlator.builder().onVerdict(r.verdicts::add);
      options.accept(b);
      r.correlator = b.build();
      for (CorrelationEvent e; (e = s.next()) != null; ) {
        r.correlator.accept(e);
      }
      r.correlator.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (r.correlator.analysisFailures() != 0) {
      throw new AssertionError("analysis failed for " + r.correlator.analysisFailures());
    }
    return r;
  }

  RequestVerdict only() {
    if (verdicts.size() != 1) {
      throw new AssertionError("expected one request, got " + verdicts.size() + ": " + verdicts);
    }
    return verdicts.get(0);
  }

  static List<String> services(RequestVerdict v) {
    List<String> out = new ArrayList<>();
    for (RequestVerdict.Hop h : v.hops()) {
      out.add(h.service() + ":" + (h.event().code().endsWith("client") ? "client" : "server"));
    }
    return out;
  }
}
