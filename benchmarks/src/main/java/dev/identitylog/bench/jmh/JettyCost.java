package dev.identitylog.bench.jmh;

import ch.qos.logback.classic.LoggerContext;
import dev.identitylog.IdentityLog;
import dev.identitylog.bench.CountingOutputStream;
import dev.identitylog.bench.Fixtures;
import dev.identitylog.bench.Logging;
import dev.identitylog.bench.Median;
import dev.identitylog.servlet.IdentityLogFilter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Server-thread CPU time and bytes allocated per request of {@link JettyPipelineBenchmark}'s two servers
 * (real Jetty through a {@code LocalConnector}, with and without the filter), measured inside one
 * JVM in interleaved rounds. Both are counts of what the process did, not of wall time, so a
 * machine shared with other work inflates them far less than it inflates throughput: the figure to
 * trust when the load harness's wall-clock numbers are noise.
 *
 * <pre>
 * java -cp … dev.identitylog.bench.jmh.JettyCost [ROUNDS [REQUESTS_PER_ROUND]]
 * </pre>
 *
 * CPU time is that of every Java thread but the caller's ({@code ThreadMXBean.getThreadCpuTime}:
 * Jetty's threads, which run the request; the caller only waits for each answer; JIT and GC are
 * left out); allocation is every thread's ({@code getTotalThreadAllocatedBytes}). Medians of the
 * rounds after the first, which is warm-up.
 */
public final class JettyCost {
  private JettyCost() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    int requests = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    CountingOutputStream out = new CountingOutputStream();
    LoggerContext logback = Logging.reset();
    Logging.identityEventsTo(logback, out);
    byte[] request = ("GET " + Fixtures.PATH + " HTTP/1.1\r\n"
        + "Host: localhost\r\n"
        + "Authorization: Bearer " + Fixtures.token() + "\r\n"
        + "traceparent: " + Fixtures.TRACEPARENT + "\r\n"
        + "\r\n").getBytes(StandardCharsets.US_ASCII);
    JettyPipelineBenchmark.Jetty plain = new JettyPipelineBenchmark.Jetty(null);
    JettyPipelineBenchmark.Jetty logged = new JettyPipelineBenchmark.Jetty(
        IdentityLogFilter.builder(IdentityLog.builder()
            .serviceName("orders").tokenInspector(Fixtures.tokenInspector()).build()).build());
    List<double[]> plainRounds = new ArrayList<>();
    List<double[]> loggedRounds = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      double[] p = measure(plain, request, requests);
      double[] l = measure(logged, request, requests);
      awaitLines(out, (round + 1L) * requests);
      System.out.printf(Locale.ROOT,
          "round %d  no filter %7.2f us %7.0f B   identity-log %7.2f us %7.0f B   added %6.2f us %6.0f B%n",
          round, p[0] / 1e3, p[1], l[0] / 1e3, l[1], (l[0] - p[0]) / 1e3, l[1] - p[1]);
      if (round > 0) {
        plainRounds.add(p);
        loggedRounds.add(l);
      }
    }
    double pc = median(plainRounds, 0);
    double pb = median(plainRounds, 1);
    double lc = median(loggedRounds, 0);
    double lb = median(loggedRounds, 1);
    System.out.printf(Locale.ROOT,
        "median  no filter %7.2f us %7.0f B   identity-log %7.2f us %7.0f B   added %6.2f us %6.0f B%n",
        pc / 1e3, pb, lc / 1e3, lb, (lc - pc) / 1e3, lb - pb);
    System.out.printf(Locale.ROOT, "jetty_added_cpu_ns=%.0f jetty_added_bytes=%.0f%n", lc - pc, lb - pb);
    plain.stop();
    logged.stop();
    System.exit(0); // Jetty's scheduler may outlive stop() by a moment
  }

  /**
   * The answer can reach the caller before the filter's event is written (a response with a
   * content length is complete when its last byte is), so the count is awaited briefly.
   */
  static void awaitLines(CountingOutputStream out, long expected) throws InterruptedException {
    for (int i = 0; i < 100 && out.lines() < expected; i++) {
      Thread.sleep(10);
    }
    if (out.lines() != expected) {
      throw new IllegalStateException(
          "the filter wrote " + out.lines() + " lines for " + expected + " requests");
    }
  }

  /** {server-thread CPU ns, bytes allocated} per request over {@code n} requests. */
  private static double[] measure(JettyPipelineBenchmark.Jetty jetty, byte[] request, int n)
      throws Exception {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] ids = threads.getAllThreadIds();
    long[] cpuBefore = threads.getThreadCpuTime(ids);
    long bytes = threads.getTotalThreadAllocatedBytes();
    for (int i = 0; i < n; i++) {
      jetty.serve(request);
    }
    long[] cpuAfter = threads.getThreadCpuTime(ids);
    long self = Thread.currentThread().getId();
    long cpu = 0;
    for (int i = 0; i < ids.length; i++) {
      // Jetty's threads only: the caller waits for each answer, which is not the server's work.
      if (ids[i] != self && cpuBefore[i] >= 0 && cpuAfter[i] >= 0) {
        cpu += cpuAfter[i] - cpuBefore[i];
      }
    }
    return new double[] {
      cpu / (double) n, (threads.getTotalThreadAllocatedBytes() - bytes) / (double) n
    };
  }

  private static double median(List<double[]> rounds, int index) {
    return Median.of(rounds.stream().mapToDouble(r -> r[index]).toArray());
  }
}
