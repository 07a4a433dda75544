package dev.identitylog.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.bench.jmh.PipelineSmoke;
import dev.identitylog.bench.load.LoadSmoke;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * That the measuring instrument is wired up, fast: each benchmark method once, and each server
 * configuration answering one request with the event it must write. It measures nothing; the
 * figures come from {@code scripts/bench}.
 */
class HarnessWiringTest {
  @Test
  void everyPipelineBenchmarkWritesOneEventPerCall() throws Exception {
    PipelineSmoke.Counts counts = PipelineSmoke.runEachOnce();
    assertThat(counts.logLines()).isEqualTo(counts.loggedCalls()).isEqualTo(4);
    assertThat(counts.exportedRecords()).isEqualTo(1);
    assertThat(counts.encoderPathLines()).isEqualTo(1);
    assertThat(counts.bytes()).isGreaterThan(4 * 200);
  }

  @Test
  void theJettyBenchmarkServesThroughRealJettyAndWritesOneEvent() throws Exception {
    assertThat(PipelineSmoke.runJettyEachOnce()).isEqualTo(1);
  }

  @Test
  void everyServerConfigurationServesAndWritesItsEvents(@TempDir Path dir) throws Exception {
    for (LoadSmoke.Result r : LoadSmoke.runEachOnce(dir)) {
      assertThat(r.status).as(r.configuration.id()).isEqualTo(200);
      assertThat(r.served).as(r.configuration.id()).isEqualTo(1);
      if (r.configuration.openTelemetry()) {
        // Its events go to the SDK alone: one record exported, no line in the file.
        assertThat(r.exported).as(r.configuration.id()).isEqualTo(1);
        assertThat(r.eventLines).as(r.configuration.id()).isZero();
      } else if (r.configuration.identityLog()) {
        assertThat(r.eventLines).as(r.configuration.id()).isEqualTo(1);
        assertThat(r.firstEvent).as(r.configuration.id())
            .contains("\"event.name\":\"identity.server\"")
            .contains("\"trace.id\":\"4bf92f3577b34da6a3ce929d0e0e4736\"")
            .doesNotContain(r.token);
      }
    }
  }

  @Test
  void wrkReportIsRead() {
    String report = String.join("\n",
        "Running 5s test @ http://127.0.0.1:1/orders/42",
        "  Latency Distribution",
        "     50%  313.00us",
        "     99%    4.84ms",
        "  181234 requests in 5.00s, 30.25MB read",
        "  Non-2xx or 3xx responses: 3",
        "Requests/sec:  36246.80");
    var r = dev.identitylog.bench.load.LoadSmoke.parseWrk(report);
    assertThat(r[0]).isEqualTo(181234);
    assertThat(r[1]).isEqualTo(4.84);
    assertThat(r[2]).isEqualTo(3);
  }
}
