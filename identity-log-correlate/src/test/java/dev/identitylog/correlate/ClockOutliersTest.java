package dev.identitylog.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One host whose clock is hours off, or one line far in the future, must not end requests. */
class ClockOutliersTest {
  private static final long HOURS_3 = Duration.ofHours(3).toMillis();

  /** Requests 10 s apart, their lines in arrival order; the inventory's clock 3 hours ahead. */
  private static List<String> skewedInventory(int requests) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      Req r = Req.fourHops(100 + i, Req.T0.plusSeconds(10L * i));
      r.line(5).skew(HOURS_3); // the inventory's server event
      // Arrival order: as the hops finish, innermost first.
      for (int j = r.lines.size() - 1; j >= 0; j--) {
        lines.add(r.line(j).json());
      }
    }
    return lines;
  }

  @Test
  void aHostWhoseClockIsHoursAheadSplitsNoRequest() {
    Run run = Run.of(skewedInventory(20));

    assertThat(run.verdicts).hasSize(20);
    for (RequestVerdict v : run.verdicts) {
      assertThat(v.hops()).hasSize(6);
      assertThat(v.verdict()).isEqualTo(Verdict.OK);
    }
    assertThat(run.correlator.finishedEarly()).isZero();
  }

  @Test
  void oneLineFarInTheFutureFinishesNoOtherRequestEarly() throws Exception {
    List<String> lines = new ArrayList<>();
    Req slow = Req.fourHops(200, Req.T0);
    // The slow request's outer hops log 20 s after its inner ones.
    for (int j = 5; j >= 3; j--) {
      lines.add(slow.line(j).json());
    }
    Req future = new Req(201, Req.T0.plusMillis(Duration.ofDays(2).toMillis()));
    future.server("stray", "backend", 0, 5).status(200);
    lines.add(future.line(0).json());
    for (int j = 2; j >= 0; j--) {
      lines.add(slow.line(j).skew(20_000).json());
    }

    // Straight into the correlator, in arrival order, and through a stream with its buffer.
    Correlator c = Correlator.builder().build();
    for (String l : lines) {
      c.accept(CorrelationEvent.parse(l));
    }
    c.finish();
    List<RequestVerdict> direct = c.drain();
    List<RequestVerdict> streamed = Run.of(lines).verdicts;

    for (List<RequestVerdict> vs : List.of(direct, streamed)) {
      assertThat(vs).hasSize(2);
      assertThat(vs).anySatisfy(v -> assertThat(v.hops()).hasSize(6));
    }
  }

  @Test
  void aGapInTheLogsIsTakenOnceTheInputAgrees() throws Exception {
    // Quiet for two hours, then ordinary traffic: the clock follows after a few events, and
    // requests from before the gap finish then, not at the end.
    List<String> lines = new ArrayList<>();
    lines.addAll(Req.fourHops(300, Req.T0).json());
    for (int i = 0; i < 20; i++) {
      lines.addAll(Req.fourHops(301 + i, Req.T0.plusSeconds(7200 + i)).json());
    }
    List<RequestVerdict> seen = new ArrayList<>();
    Correlator c = Correlator.builder().onVerdict(seen::add).build();
    try (EventStream s = EventStream.of(new StringReader(String.join("\n", lines) + "\n"))) {
      for (CorrelationEvent e; (e = s.next()) != null; ) {
        c.accept(e);
      }
    }
    assertThat(seen).hasSize(1); // the request before the gap, finished before the end of input
    c.finish();
    assertThat(seen).hasSize(21);
  }

  @Test
  void theClockIsTheLatestRecentTimeButOutliers() {
    EventClock clock = new EventClock();
    assertThat(clock.now()).isEqualTo(Times.NONE);
    assertThat(clock.observe(10_000)).isEqualTo(10_000);
    assertThat(clock.observe(10_000 + HOURS_3)).isEqualTo(10_000);
    assertThat(clock.observe(10_500)).isEqualTo(10_500);
    assertThat(clock.observe(Times.NONE)).isEqualTo(10_500);
    assertThat(clock.sortTime(10_000 + HOURS_3, 60_000)).isEqualTo(10_500);
    assertThat(clock.sortTime(10_600, 60_000)).isEqualTo(10_600);
    for (int i = 0; i < EventClock.SAMPLES; i++) {
      clock.observe(50_000 + i);
    }
    assertThat(clock.now())
        .isEqualTo(50_000 + EventClock.SAMPLES - 1 - EventClock.OUTLIERS);
  }
}
