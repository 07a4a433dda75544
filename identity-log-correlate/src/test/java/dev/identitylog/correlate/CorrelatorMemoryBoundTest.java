package dev.identitylog.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Lines without {@code timestamp} give the window nothing to close requests with: the bound on
 * requests in flight keeps memory flat whatever the input's size.
 */
class CorrelatorMemoryBoundTest {
  /** Two hops per request, no timestamps, written on the fly so the input never sits in memory. */
  private static Reader untimedRequests(int requests) {
    return new Reader() {
      private int n;
      private String pending = "";
      private int pos;

      @Override
      public int read(char[] buf, int off, int len) {
        if (pos == pending.length()) {
          if (n == 2 * requests) {
            return -1;
          }
          int request = n / 2;
          String trace = String.format("%032x", 0x1000000L + request);
          pending = n % 2 == 0
              ? "{\"event.name\":\"identity.server\",\"service.name\":\"gateway\",\"identity.hop.layer\":\"gateway\","
                  + "\"trace.id\":\"" + trace + "\",\"span.id\":\"" + String.format("%016x", 0x10000L + request)
                  + "\",\"identity.request.id\":\"r-" + request + "\",\"http.response.status_code\":200}\n"
              : "{\"event.name\":\"identity.server\",\"service.name\":\"backend\",\"identity.hop.layer\":\"backend\","
                  + "\"trace.id\":\"" + trace + "\",\"span.id\":\"" + String.format("%016x", 0x20000000L + request)
                  + "\",\"identity.request.id\":\"r-" + request + "\",\"http.response.status_code\":200}\n";
          pos = 0;
          n++;
        }
        int k = Math.min(len, pending.length() - pos);
        pending.getChars(pos, pos + k, buf, off);
        pos += k;
        return k;
      }

      @Override
      public void close() {}
    };
  }

  private static long[] run(Correlator correlator, int requests) throws IOException {
    long maxInFlight = 0;
    long verdicts = 0;
    try (EventStream events = EventStream.of(untimedRequests(requests))) {
      for (CorrelationEvent e; (e = events.next()) != null; ) {
        correlator.accept(e);
        maxInFlight = Math.max(maxInFlight, correlator.inFlight());
        verdicts += correlator.drain().size();
      }
    }
    correlator.finish();
    verdicts += correlator.drain().size();
    return new long[] {maxInFlight, verdicts};
  }

  @Test
  void untimedLinesAreBoundedByTheInFlightLimit() throws IOException {
    Correlator c = Correlator.builder().window(Duration.ofSeconds(30)).maxInFlight(500).build();

    long[] r = run(c, 20_000);

    assertThat(r[0]).as("most requests in flight").isLessThanOrEqualTo(500);
    assertThat(r[1]).as("every request reported once").isEqualTo(20_000);
    assertThat(c.requests()).isEqualTo(20_000);
    assertThat(c.finishedEarly()).isEqualTo(19_500);
    assertThat(c.events()).isEqualTo(40_000);
  }
}
