package dev.identitylog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What correlate makes of inputs that are not what it expects, run as the command line runs. */
class CorrelateInputsTest {
  @TempDir Path dir;

  private Path write(String name, List<String> lines) throws Exception {
    Path p = dir.resolve(name);
    Files.write(p, lines);
    return p;
  }

  private static String untimed(int request, String service) {
    return "{\"event.name\":\"identity.server\",\"service.name\":\"" + service + "\",\"trace.id\":\""
        + String.format("%032x", 0x1000L + request) + "\",\"span.id\":\""
        + String.format("%016x", (service.equals("gateway") ? 0x1000L : 0x9000000L) + request)
        + "\",\"identity.request.id\":\"r-" + request + "\",\"http.response.status_code\":200}";
  }

  @Test
  void linesWithoutTimestampAreBoundedByMaxInFlight() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      lines.add(untimed(i, "gateway"));
      lines.add(untimed(i, "backend"));
    }
    Path f = write("untimed.jsonl", lines);

    Cli r = Cli.run("correlate", "--max-in-flight", "10", f.toString());

    assertThat(r.code).as(r.toString()).isZero();
    assertThat(r.out.split("\n")).hasSize(300);
    assertThat(r.err).isEqualTo("identity-log correlate: 290 requests finished early: more than the"
        + " --max-in-flight bound open at once (lines without timestamp, or too short a"
        + " --max-in-flight)\n");
  }

  @Test
  void badMaxInFlightIsAUsageError() throws Exception {
    Path f = write("one.jsonl", List.of(untimed(1, "gateway")));
    for (String bad : new String[] {"0", "-1", "many", "99999999999"}) {
      Cli r = Cli.run("correlate", "--max-in-flight", bad, f.toString());
      assertThat(r.code).as(r.toString()).isEqualTo(2);
      assertThat(r.out).isEmpty();
      assertThat(r.err).startsWith("identity-log correlate: --max-in-flight must be").hasLineCount(1);
    }
  }

  @Test
  void hugeWindowIsAUsageErrorNotAnInternalError() throws Exception {
    Path f = write("one.jsonl", List.of(untimed(1, "gateway")));
    Cli r = Cli.run("correlate", "--window", "999999999999999h", f.toString());
    assertThat(r.code).as(r.toString()).isEqualTo(2);
    assertThat(r.out).isEmpty();
    assertThat(r.err).isEqualTo("identity-log correlate: --window must be a positive duration of"
        + " at most 7d, such as 30s, 500ms, 2m or 1h\n");
  }

  @Test
  void noIdentityEventIsExitTwoSayingWhatTheLinesWere() throws Exception {
    Path f = write("app.log", List.of("plain text", "{\"level\":\"info\",\"msg\":\"started\"}", "",
        "{\"event.name\":\"identity.server\",\"service.name\":\"x\"}"));

    Cli r = Cli.run("correlate", f.toString());

    assertThat(r.code).as(r.toString()).isEqualTo(2);
    assertThat(r.out).isEmpty();
    assertThat(r.err).hasLineCount(1).startsWith("identity-log correlate: no request to correlate: 4 lines read: "
        + "1 not a JSON object, 1 JSON but not an identity event")
        .contains("1 identity event without a trace, span or request id").contains("1 blank");

    Cli empty = Cli.run("correlate", write("empty.log", List.of()).toString());
    assertThat(empty.code).isEqualTo(2);
    assertThat(empty.err).isEqualTo("identity-log correlate: no request to correlate: 0 lines read\n");
  }
}
