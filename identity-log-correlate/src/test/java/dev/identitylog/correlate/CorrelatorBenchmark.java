package dev.identitylog.correlate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.identitylog.event.Timestamps;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Correlates 1,000,000 events (250,000 requests of 4 hops, 1,000 requests per second of event
 * time, so about 30,000 requests in flight in the 30 s window) from a generated file, and reports
 * events per second and the heap used.
 *
 * <p>Run as a program, with the heap it should fit in:
 * {@code java -Xmx256m -cp ... dev.identitylog.correlate.CorrelatorBenchmark [requests]}, or as a
 * test: {@code mvn -pl identity-log-correlate -am verify -Dtest=CorrelatorBenchmark
 * -Dbenchmark=true -DargLine=-Xmx256m -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
public final class CorrelatorBenchmark {
  private static final Instant T0 = Instant.parse("2026-11-28T09:00:00Z");
  private static final String[] SERVICES = {"edge", "gateway", "orders", "inventory"};
  private static final String[] LAYERS = {"cdn", "gateway", "backend", "backend"};

  @Test
  @EnabledIfSystemProperty(named = "benchmark", matches = "true")
  void correlatesAMillionEvents() throws IOException {
    Result r = run(250_000);
    System.out.println(r);
    assertThat(r.requests).isEqualTo(250_000);
  }

  public static void main(String[] args) throws IOException {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 250_000;
    System.out.println(run(requests));
  }

  static Result run(int requests) throws IOException {
    Path file = Files.createTempFile("correlate-bench", ".log");
    try {
      long t = System.nanoTime();
      long bytes = generate(file, requests);
      double generateSeconds = (System.nanoTime() - t) / 1e9;

      System.gc();
      PeakAfterGc afterGc = new PeakAfterGc();
      HeapSampler sampler = new HeapSampler();
      sampler.start();
      Map<Verdict, Long> verdicts = new EnumMap<>(Verdict.class);
      AtomicLong outputBytes = new AtomicLong();
      Correlator correlator = Correlator.builder()
          .onVerdict(v -> {
            outputBytes.addAndGet(v.toJson().length() + 1); // the cost of writing it, not the I/O
            verdicts.merge(v.verdict(), 1L, Long::sum);
          })
          .build();
      int maxInFlight = 0;
      long half = requests * 2L;
      long liveAtHalf = 0;
      int inFlightAtHalf = 0;
      long measuring = 0;
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long cpuStart = threads.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      long events;
      try (EventStream s = EventStream.of(file)) {
        for (CorrelationEvent e; (e = s.next()) != null; ) {
          correlator.accept(e);
          if ((s.events() & 0x3ff) == 0) {
            maxInFlight = Math.max(maxInFlight, correlator.inFlight());
          }
          if (s.events() == half) {
            // What is really held half way through: collect, then look (time not counted).
            long t0 = System.nanoTime();
            long c0 = threads.getCurrentThreadCpuTime();
            System.gc();
            liveAtHalf = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            inFlightAtHalf = correlator.inFlight();
            measuring = System.nanoTime() - t0;
            cpuStart += threads.getCurrentThreadCpuTime() - c0;
          }
        }
        events = s.events();
      }
      correlator.finish();
      double seconds = (System.nanoTime() - start - measuring) / 1e9;
      double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
      sampler.interrupt();
      long peak = sampler.peak;
      afterGc.close();
      return new Result(requests, events, bytes, generateSeconds, seconds, cpuSeconds,
          correlator.requests(), maxInFlight, inFlightAtHalf, liveAtHalf, peak, afterGc.max,
          Runtime.getRuntime().maxMemory(), verdicts, outputBytes.get());
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * Writes the requests as the hops would log them, in request order: a request's four events end
   * within ~100 ms of each other, so lines are slightly out of time order, as in real logs.
   * Every 20th request is denied by orders (passed on as 403), every 50th finds inventory down,
   * every 100th has a hop that dropped the trace.
   */
  static long generate(Path file, int requests) throws IOException {
    Random random = new Random(1);
    long bytes = 0;
    StringBuilder sb = new StringBuilder(4096);
    try (BufferedWriter w = Files.newBufferedWriter(file, UTF_8)) {
      for (int i = 0; i < requests; i++) {
        long startMs = T0.toEpochMilli() + i; // 1,000 requests per second
        String trace = hex(random, 32);
        String requestId = "req-" + Integer.toHexString(i);
        String token = hex(random, 32);
        String[] spans = {hex(random, 16), hex(random, 16), hex(random, 16), hex(random, 16)};
        boolean denied = i % 20 == 0;
        boolean down = i % 50 == 1;
        boolean broken = i % 100 == 2;
        for (int h = 0; h < 4; h++) {
          // With inventory down, its place is taken by the backend's failed call to it.
          boolean call = down && h == 3;
          long took = call ? 3 : 100 - 20L * h;
          int status = denied ? 403 : down ? 503 : 200;
          sb.setLength(0);
          sb.append("{\"timestamp\":\"");
          Timestamps.appendTo(sb, Instant.ofEpochMilli(startMs + 5L * h + took));
          sb.append("\",\"event.name\":\"").append(call ? "identity.client" : "identity.server")
              .append("\",\"identity.schema\":\"1.0\"")
              .append(",\"service.name\":\"").append(SERVICES[call ? 2 : h])
              .append("\",\"identity.hop.layer\":\"").append(LAYERS[h])
              .append("\",\"trace.id\":\"")
              .append(broken && h == 2 ? hex(random, 32) : trace)
              .append("\",\"span.id\":\"").append(spans[h]).append('"');
          if (h > 0 && !(broken && h == 2)) {
            sb.append(",\"span.parent.id\":\"").append(spans[h - 1]).append('"');
          }
          if (!call) {
            sb.append(",\"identity.trace.origin\":\"")
                .append(h == 0 || (broken && h == 2) ? "generated" : "traceparent").append('"');
          }
          sb.append(",\"identity.request.id\":\"").append(requestId).append('"');
          if (call) {
            sb.append(",\"server.address\":\"inventory\",\"event.duration\":3000000")
                .append(",\"event.outcome\":\"failure\"")
                .append(",\"identity.dependency.outcome\":\"failure\"")
                .append(",\"identity.dependency.reason\":\"connect_failure\"")
                .append(",\"identity.dependency.name\":\"inventory\"}\n");
            w.append(sb);
            bytes += sb.length();
            continue;
          }
          sb.append(",\"http.request.method\":\"GET\",\"url.path\":\"/orders/42\"")
              .append(",\"http.response.status_code\":").append(status)
              .append(",\"event.duration\":").append(took * 1_000_000L)
              .append(",\"event.outcome\":\"").append(status == 200 ? "success" : "failure")
              .append('"');
          if (h > 0) {
            sb.append(",\"identity.token.hash\":\"").append(token)
                .append("\",\"identity.authn.outcome\":\"success\"");
          }
          if (denied && h == 2) {
            sb.append(",\"identity.authz.outcome\":\"failure\"")
                .append(",\"identity.authz.reason\":\"insufficient_scope\"");
          } else if (denied && h < 2) {
            sb.append(",\"identity.authz.outcome\":\"failure\"")
                .append(",\"identity.authz.reason\":\"policy_denied\"")
                .append(",\"identity.authz.inferred\":true");
          }
          if (down && h == 2) {
            sb.append(",\"identity.dependency.outcome\":\"failure\"")
                .append(",\"identity.dependency.reason\":\"connect_failure\"")
                .append(",\"identity.dependency.name\":\"inventory\"")
                .append(",\"identity.dependency.inferred\":true");
          }
          sb.append("}\n");
          w.append(sb);
          bytes += sb.length();
        }
      }
    }
    return bytes;
  }

  private static String hex(Random random, int chars) {
    char[] c = new char[chars];
    for (int i = 0; i < chars; i++) {
      c[i] = Character.forDigit(random.nextInt(16), 16);
    }
    c[0] = 'f'; // never all zeros
    return new String(c);
  }

  /** The largest heap use seen, sampled every 10 ms. */
  private static final class HeapSampler extends Thread {
    volatile long peak;

    HeapSampler() {
      super("heap-sampler");
      setDaemon(true);
    }

    @Override
    public void run() {
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      while (!isInterrupted()) {
        peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** The largest heap occupancy right after a collection: the live set plus what survived. */
  private static final class PeakAfterGc implements AutoCloseable {
    volatile long max;
    private final javax.management.NotificationListener listener = (n, handback) -> {
      if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
        return;
      }
      GarbageCollectionNotificationInfo info =
          GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
      long used = 0;
      for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
        if (!e.getKey().contains("Metaspace") && !e.getKey().contains("Code")
            && !e.getKey().contains("Compressed")) {
          used += e.getValue().getUsed();
        }
      }
      if (used > max) {
        max = used;
      }
    };

    PeakAfterGc() {
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
      }
    }

    @Override
    public void close() {
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        try {
          ((NotificationEmitter) gc).removeNotificationListener(listener);
        } catch (javax.management.ListenerNotFoundException ignored) {
          // already gone
        }
      }
    }
  }

  static final class Result {
    final int generated;
    final long events;
    final long bytes;
    final double generateSeconds;
    final double seconds;
    final double cpuSeconds;
    final long requests;
    final int maxInFlight;
    final int inFlightAtHalf;
    final long liveAtHalf;
    final long peakHeap;
    final long peakAfterGc;
    final long maxHeap;
    final Map<Verdict, Long> verdicts;
    final long outputBytes;

    Result(int generated, long events, long bytes, double generateSeconds, double seconds,
        double cpuSeconds, long requests, int maxInFlight, int inFlightAtHalf, long liveAtHalf,
        long peakHeap, long peakAfterGc, long maxHeap, Map<Verdict, Long> verdicts,
        long outputBytes) {
      this.generated = generated;
      this.events = events;
      this.bytes = bytes;
      this.generateSeconds = generateSeconds;
      this.seconds = seconds;
      this.cpuSeconds = cpuSeconds;
      this.requests = requests;
      this.maxInFlight = maxInFlight;
      this.inFlightAtHalf = inFlightAtHalf;
      this.liveAtHalf = liveAtHalf;
      this.peakHeap = peakHeap;
      this.peakAfterGc = peakAfterGc;
      this.maxHeap = maxHeap;
      this.verdicts = verdicts;
      this.outputBytes = outputBytes;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT,
          "correlate benchmark: %,d events (%,d MB) -> %,d requests%n"
              + "  wall %.1f s = %,d events/s; cpu of the reading thread %.1f s = %,d events/s%n"
              + "  in flight: max %,d requests; live heap half way (after a full GC) %,d MB with"
              + " %,d requests in flight%n"
              + "  heap: peak used (sampled) %,d MB, largest after a GC %,d MB, max %,d MB%n"
              + "  verdicts %s; output %,d MB; input generated in %.1f s",
          events, bytes >> 20, requests, seconds, (long) (events / seconds), cpuSeconds,
          (long) (events / cpuSeconds), maxInFlight, liveAtHalf >> 20, inFlightAtHalf,
          peakHeap >> 20, peakAfterGc >> 20, maxHeap >> 20, verdicts, outputBytes >> 20,
          generateSeconds);
    }
  }
}
