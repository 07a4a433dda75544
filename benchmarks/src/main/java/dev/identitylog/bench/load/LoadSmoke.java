package dev.identitylog.bench.load;

import dev.identitylog.bench.Fixtures;
import dev.identitylog.bench.Logging;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts each {@link Configuration} in this JVM and sends it one request, for the build's smoke
 * test: every server configuration starts, answers, and (for identity-log) writes its event.
 */
public final class LoadSmoke {
  private LoadSmoke() {}

  /** One configuration's single request. */
  public static final class Result {
    public final Configuration configuration;
    public final int status;
    public final long served;
    public final long eventLines;
    public final String firstEvent;
    public final String token;
    /** Records the OpenTelemetry SDK exported (0 unless the configuration is OpenTelemetry's). */
    public final long exported;

    Result(Configuration configuration, int status, long served, List<String> events, String token,
        long exported) {
      this.exported = exported;
      this.configuration = configuration;
      this.status = status;
      this.served = served;
      this.eventLines = events.size();
      this.firstEvent = events.isEmpty() ? "" : events.get(0);
      this.token = token;
    }
  }

  public static List<Result> runEachOnce(Path dir) throws Exception {
    TestPki pki = TestPki.create("Smoke Root");
    Credential server = pki.issue(TestPki.server("localhost"));
    Credential client = pki.issue(TestPki.spiffeSvid("spiffe://example.org/ns/shop/sa/web"));
    String token = Fixtures.token();
    List<String> headers = List.of("Authorization: Bearer " + token, "traceparent: " + Fixtures.TRACEPARENT);
    List<Result> results = new ArrayList<>();
    for (Configuration c : Configuration.values()) {
      Path work = Files.createDirectories(dir.resolve(c.id()));
      BenchServer.configureLogging(c, work);
      BenchServer s = new BenchServer(c);
      int port = s.start(server.keyStoreFile(), server.trustStoreFile());
      int status;
      try (JavaLoad load = new JavaLoad(c.mtls() ? client.clientSslContext(pki) : null, port,
          Fixtures.PATH, headers, 1)) {
        status = load.once();
      } finally {
        s.stop();
      }
      Logging.reset();
      Path events = work.resolve("events.jsonl");
      results.add(new Result(c, status, s.served(),
          Files.exists(events) ? Files.readAllLines(events) : List.of(), token, s.exported()));
    }
    return results;
  }

  /** {requests, p99 ms, errors} as read from a wrk report. */
  public static double[] parseWrk(String report) {
    LoadResult r = Wrk.parse(report, Path.of("wrk.txt"));
    return new double[] {r.requests, r.p99Millis, r.errors};
  }
}
