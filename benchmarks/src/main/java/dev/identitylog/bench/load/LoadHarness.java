package dev.identitylog.bench.load;

import dev.identitylog.bench.Fixtures;
import dev.identitylog.testing.Credential;
import dev.identitylog.testing.TestPki;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs each {@link Configuration} as a Jetty 12 server in its own JVM, warms it up free to use
 * every core, pins it to one core for the measured phase, loads it from the other core, and
 * measures throughput, p99 latency and the server process's CPU time per request. Rounds are
 * interleaved (the order rotates every round) and the medians are reported, so a machine's slow
 * minute spreads over all configurations instead of hitting one.
 *
 * <p>Every configuration gets the same request: {@code GET /orders/42} with the same HS256 bearer
 * token and {@code traceparent}, over 16 kept-alive connections. Plain HTTP configurations are
 * driven by {@code wrk}; the mTLS ones by {@link JavaLoad} (wrk cannot present a client
 * certificate), and compare against an mTLS baseline driven the same way. After each run the
 * identity-log configurations must have written one event line per request served (plus any the
 * library counted as dropped), or the run fails: a broken configuration cannot look fast.
 */
public final class LoadHarness {
  /**
   * Warm-up lasts until the server has answered this many requests (so that the JIT has compiled
   * the request path: C2 compiles after about 10 000 calls) and its JIT has gone quiet, in phases
   * of the warm-up time, at most {@link #MAX_WARMUP_CHUNKS} of them.
   */
  static final long MIN_WARMUP_REQUESTS = 30_000;
  static final int MAX_WARMUP_CHUNKS = 6;
  /** Warm-up may run past {@link #MAX_WARMUP_CHUNKS} phases until this many seconds (see below). */
  static final int MIN_WARMUP_CAP_SECONDS = 30;
  /**
   * The JIT counts as quiet when it compiled for at most this share of a warm-up phase. Without
   * this rule a quick run measured compilation: a JFR recording of the identity-log server showed
   * C2 still compiling the library's and Jetty's request path seconds after 30 000 requests, and
   * that CPU was counted against the library.
   *
   * <p>Up to 30 s at least (ten phases of a quick run; the full run's six 10-s phases are already
   * more): not a deoptimisation loop but a starved compiler.
   * The compiler threads are a few runnable threads among the request threads on the server's one
   * core; with {@code identity-log-async} C2 ran for about a quarter of the wall time and waited on
   * the run queue for the rest ({@code /proc/<pid>/task/<tid>/schedstat}), needed about 5 s of
   * CPU to compile the request path once, and so was still compiling it after six 3-s phases.
   * Since the fifth round the warm-up runs unpinned (see {@link #ONE_CORE_ERGONOMICS}) and pauses
   * the load while the compiler catches up (see {@link #MAX_COMPILE_PAUSE_MILLIS}).
   */
  static final double QUIET_JIT_SHARE = 0.02;
  /**
   * The server JVM starts pinned to core 0, but its two compiler threads are let onto both cores
   * while it warms up, so that they get what the load generator leaves of core 1 instead of
   * queueing behind the request threads; every thread is pinned to core 0 before the measured
   * phase. Started wholly unpinned, the request threads (16 connections on a closed loop) spread
   * over both cores and the compiler threads were as starved as before (a quiet-machine run:
   * 0.3 s of compiler CPU per 2-s phase, ten to fourteen phases). This option makes the JVM's
   * configuration explicit and independent of how it was started: one processor, so the serial
   * collector, one C1 and one C2 thread, and Jetty's pools for one core, as in the earlier rounds.
   */
  static final String ONE_CORE_ERGONOMICS = "-XX:ActiveProcessorCount=1";
  /**
   * After a warm-up phase whose JIT was busy, the load pauses until the compiler threads are
   * asleep (the compile queue is empty), at most this long: with no request running, what the
   * phase queued is compiled without competing with the request threads, and the next phase
   * starts on that code and shows whether the load queues more. The pauses were short (0.1 to
   * 4.5 s, {@code warmup-phases.txt}): the queue empties fast, and what takes long is the load
   * reaching the invocation counts of the next tier.
   */
  static final int MAX_COMPILE_PAUSE_MILLIS = 20_000;
  /**
   * An {@code identity-log-otel} run may lose at most this share of its records in the SDK's batch
   * queue (full at 2 048 records when its worker thread does not get the core in time); every
   * record lost is reported, and the library must have handed the SDK every event.
   */
  static final double MAX_SDK_DROPPED_SHARE = 0.01;

  private final Settings settings;
  private final PrintStream out;
  private final String token = Fixtures.token();
  private final Map<Configuration, List<Sample>> samples = new EnumMap<>(Configuration.class);
  private Credential serverCredential;
  private Credential clientCredential;
  private TestPki pki;
  private long ticksPerSecond;
  /** Two cores or more: the measured phase pins the server to core 0 and the load to core 1. */
  private final boolean pinning = hasTwoCores();

  public LoadHarness(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  /** How long and how much: quick for a check of a change, full for recorded figures. */
  public static final class Settings {
    final int rounds;
    final int warmupSeconds;
    final int measureSeconds;
    final int connections;
    final Path workDir;
    final List<Configuration> configurations;
    /** Record each server JVM with JFR, warm-up included ({@code server.jfr} beside its logs). */
    final boolean jfr;
    /**
     * Extra options for every server JVM, after the heap's. Diagnostics must write to a file
     * ({@code -XX:LogFile=}): the server's standard output is read only between phases, and a
     * full pipe would stall the thread writing to it.
     */
    final List<String> serverJvmArgs;

    public Settings(int rounds, int warmupSeconds, int measureSeconds, int connections, Path workDir,
        List<Configuration> configurations, boolean jfr, List<String> serverJvmArgs) {
      this.serverJvmArgs = List.copyOf(serverJvmArgs);
      this.rounds = rounds;
      this.warmupSeconds = warmupSeconds;
      this.measureSeconds = measureSeconds;
      this.connections = connections;
      this.workDir = workDir;
      this.configurations = configurations;
      this.jfr = jfr;
    }
  }

  /** One configuration's figures from one round. */
  public static final class Sample {
    public final double requestsPerSecond;
    public final double p99Millis;
    public final double cpuMicrosPerRequest;
    public final double serverUtilisation;
    /** CPU of the library's emitter thread per request (asynchronous emission; 0 otherwise). */
    public final double emitterMicrosPerRequest;
    /** Bytes allocated by the server's threads per request served. */
    public final double bytesPerRequest;
    /** Context switches (voluntary and not) of the server's threads per request served. */
    public final double switchesPerRequest;
    /**
     * Milliseconds the server's JIT compiled during the measured phase ({@code CompilationMXBean}:
     * the wall time of compilations, stretched when the compiler threads wait for the core).
     */
    public final double jitMillis;
    /**
     * CPU of the JIT's compiler threads per request, part of {@link #cpuMicrosPerRequest}: what
     * compilation took from the server's core while it was measured.
     */
    public final double jitCpuMicrosPerRequest;
    /** Warm-up phases run before the measured phase, and their wall time in seconds. */
    public final int warmupPhases;
    public final double warmupSeconds;
    /**
     * The JIT compiled for at most {@link #QUIET_JIT_SHARE} of the measured phase: the phase
     * measured compiled code, not compilation.
     */
    public final boolean jitQuiet;

    Sample(double requestsPerSecond, double p99Millis, double cpuMicrosPerRequest,
        double serverUtilisation, double emitterMicrosPerRequest) {
      this(requestsPerSecond, p99Millis, cpuMicrosPerRequest, serverUtilisation,
          emitterMicrosPerRequest, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN, true);
    }

    Sample(double requestsPerSecond, double p99Millis, double cpuMicrosPerRequest,
        double serverUtilisation, double emitterMicrosPerRequest, double bytesPerRequest,
        double switchesPerRequest, double jitMillis, double jitCpuMicrosPerRequest,
        int warmupPhases, double warmupSeconds, boolean jitQuiet) {
      this.warmupPhases = warmupPhases;
      this.warmupSeconds = warmupSeconds;
      this.jitQuiet = jitQuiet;
      this.jitCpuMicrosPerRequest = jitCpuMicrosPerRequest;
      this.bytesPerRequest = bytesPerRequest;
      this.switchesPerRequest = switchesPerRequest;
      this.jitMillis = jitMillis;
      this.requestsPerSecond = requestsPerSecond;
      this.p99Millis = p99Millis;
      this.cpuMicrosPerRequest = cpuMicrosPerRequest;
      this.serverUtilisation = serverUtilisation;
      this.emitterMicrosPerRequest = emitterMicrosPerRequest;
    }
  }

  public Map<Configuration, List<Sample>> run() throws Exception {
    if (!Wrk.available()) {
      throw new IllegalStateException("wrk is not installed (Debian: apt-get install -y wrk)");
    }
    ticksPerSecond = clockTicks();
    Files.createDirectories(settings.workDir);
    pki = TestPki.create("Bench Root");
    serverCredential = pki.issue(TestPki.server("localhost"));
    clientCredential = pki.issue(TestPki.spiffeSvid("spiffe://example.org/ns/shop/sa/web"));
    List<Configuration> order = new ArrayList<>(settings.configurations);
    for (int round = 1; round <= settings.rounds; round++) {
      for (Configuration c : order) {
        Sample s = runOnce(c, round);
        samples.computeIfAbsent(c, k -> new ArrayList<>()).add(s);
        out.printf("round %d  %-20s %9.0f req/s  p99 %6.2f ms  cpu %6.1f us/req  emitter %5.1f us/req  server busy %3.0f%%"
                + "  alloc %6.0f B/req  ctx switches %5.2f/req  jit %5.0f ms  jit cpu %5.1f us/req"
                + "  warm-up %d phases %4.1f s  jit quiet %s%n",
            round, c.id(), s.requestsPerSecond, s.p99Millis, s.cpuMicrosPerRequest,
            s.emitterMicrosPerRequest, s.serverUtilisation * 100, s.bytesPerRequest,
            s.switchesPerRequest, s.jitMillis, s.jitCpuMicrosPerRequest, s.warmupPhases,
            s.warmupSeconds, s.jitQuiet ? "yes" : "NO (the phase measured compilation)");
      }
      order.add(order.remove(0));
    }
    return samples;
  }

  private Sample runOnce(Configuration c, int round) throws Exception {
    Path work = settings.workDir.resolve(c.id() + "-r" + round);
    Files.createDirectories(work);
    // Pinned to core 0 but for its compiler threads, which may use core 1 while it warms up (see
    // ONE_CORE_ERGONOMICS).
    List<String> command = new ArrayList<>(pin(0));
    command.addAll(List.of(javaBinary(), "-Xms512m", "-Xmx512m"));
    if (pinning) {
      command.add(ONE_CORE_ERGONOMICS);
    }
    command.addAll(settings.serverJvmArgs);
    if (settings.jfr) {
      // The JDK's profile settings, Java sampled every 1 ms instead of 10 (a 5-s phase of a
      // server at 30 000 requests/s gave a few hundred samples at 10 ms), stacks kept to 256
      // frames (a library frame under Jetty's filter chain lies deeper than the default 64). The
      // recording starts with the JVM, so warm-up is in it too: measured.txt says when the
      // measured phase ran.
      command.add("-XX:FlightRecorderOptions=stackdepth=256");
      command.add("-XX:StartFlightRecording=settings=profile,jdk.ExecutionSample#period=1ms,"
          + "dumponexit=true,filename=" + work.resolve("server.jfr"));
    }
    command.addAll(List.of(
        "-cp", System.getProperty("java.class.path"), BenchServer.class.getName(), c.id(), work.toString()));
    if (c.mtls()) {
      command.add(serverCredential.keyStoreFile().toString());
      command.add(serverCredential.trustStoreFile().toString());
    }
    Process server = new ProcessBuilder(command)
        .redirectError(work.resolve("stderr.log").toFile()).start();
    JavaLoad java = null;
    try {
      BufferedReader lines = new BufferedReader(
          new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      int port = Integer.parseInt(expect(lines, "READY ", work).trim());
      Writer control = server.outputWriter(StandardCharsets.UTF_8);
      List<String> headers = List.of("Authorization: Bearer " + token, "traceparent: " + Fixtures.TRACEPARENT);
      long pid = server.pid();
      if (pinning) {
        Proc.freeCompilerThreads(pid, "0-1");
      }
      Load load;
      if (c.mtls()) {
        JavaLoad j = new JavaLoad(clientCredential.clientSslContext(pki), port, Fixtures.PATH,
            headers, settings.connections);
        java = j;
        load = (seconds, file) -> log(j.run(seconds), file);
      } else {
        Wrk wrk = new Wrk(pin(1));
        String url = "http://127.0.0.1:" + port + Fixtures.PATH;
        load = (seconds, file) -> wrk.run(url, headers, settings.connections, seconds, file);
      }
      long warmupStart = System.nanoTime();
      long warmed = 0;
      boolean jitBusy = true;
      int phases = 0;
      StringBuilder phaseLog = new StringBuilder("phase requests jit_ms compiler_cpu_ms pause_ms\n");
      for (; phases < maxWarmupChunks(settings.warmupSeconds) && (warmed < MIN_WARMUP_REQUESTS || jitBusy); phases++) {
        long jitBefore = stats(control, lines, work)[2];
        long compilerBefore = Proc.compilerTicks(pid);
        long requests = load.run(settings.warmupSeconds, work.resolve("warmup-" + phases + ".txt")).requests;
        warmed += requests;
        long jit = stats(control, lines, work)[2] - jitBefore;
        long compilerMillis = (Proc.compilerTicks(pid) - compilerBefore) * 1000 / ticksPerSecond;
        jitBusy = jit > QUIET_JIT_SHARE * settings.warmupSeconds * 1000;
        long pause = jitBusy ? awaitCompilerAsleep(pid) : 0;
        phaseLog.append(phases).append(' ').append(requests).append(' ').append(jit).append(' ')
            .append(compilerMillis).append(' ').append(pause).append('\n');
      }
      double warmupWall = (System.nanoTime() - warmupStart) / 1e9;
      Files.writeString(work.resolve("warmup-phases.txt"), phaseLog);
      if (pinning) {
        Proc.pin(pid, 0);
        Proc.checkPinned(pid, 0);
      }
      long[] statsBefore = stats(control, lines, work);
      long switchesBefore = Proc.contextSwitches(pid);
      long cpuBefore = Proc.cpuTicks(pid);
      long emitterBefore = Proc.emitterTicks(pid);
      long compilerBefore = Proc.compilerTicks(pid);
      long wallBefore = System.nanoTime();
      long measuredFrom = System.currentTimeMillis();
      LoadResult r = load.run(settings.measureSeconds, work.resolve("load.txt"));
      // When the measured phase ran, for cutting a JFR recording to it (jfr print has no filter).
      Files.writeString(work.resolve("measured.txt"),
          "from_epoch_ms=" + measuredFrom + " to_epoch_ms=" + System.currentTimeMillis() + "\n");
      long cpuAfter = Proc.cpuTicks(pid);
      long emitterAfter = Proc.emitterTicks(pid);
      long compilerAfter = Proc.compilerTicks(pid);
      long switchesAfter = Proc.contextSwitches(pid);
      long[] statsAfter = stats(control, lines, work);
      double wall = (System.nanoTime() - wallBefore) / 1e9;
      if (pinning) {
        // Every thread, those started while measuring included, ran on the server's core alone.
        Proc.checkPinned(pid, 0);
      }
      if (java != null) {
        java.close();
        java = null;
      }
      if (r.errors > 0 || r.requests == 0) {
        throw new IllegalStateException(c.id() + ": " + r.errors + " errors in " + r.requests + " requests, see " + work);
      }
      double cpuSeconds = (cpuAfter - cpuBefore) / (double) ticksPerSecond;
      try (Writer w = control) {
        w.write("stop\n");
      }
      String stopped = expect(lines, "STOPPED ", work);
      server.waitFor(30, TimeUnit.SECONDS);
      checkEvents(c, work, stopped);
      double emitterSeconds = (emitterAfter - emitterBefore) / (double) ticksPerSecond;
      double compilerSeconds = (compilerAfter - compilerBefore) / (double) ticksPerSecond;
      // Per request the server served in the phase (what the allocation and switches are of).
      double served = Math.max(1, statsAfter[1] - statsBefore[1]);
      return new Sample(r.requestsPerSecond(), r.p99Millis, cpuSeconds * 1e6 / r.requests,
          cpuSeconds / wall, emitterSeconds * 1e6 / r.requests,
          (statsAfter[0] - statsBefore[0]) / served, (switchesAfter - switchesBefore) / served,
          statsAfter[2] - statsBefore[2], compilerSeconds * 1e6 / r.requests,
          phases, warmupWall, jitQuiet(statsAfter[2] - statsBefore[2], settings.measureSeconds));
    } finally {
      if (java != null) {
        java.close();
      }
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  /**
   * Waits, with no load, until the server's compiler threads have been asleep in two polls 50 ms
   * apart, or {@link #MAX_COMPILE_PAUSE_MILLIS}; returns how long it waited, in milliseconds.
   */
  private static long awaitCompilerAsleep(long pid) throws IOException, InterruptedException {
    long start = System.nanoTime();
    long deadline = start + MAX_COMPILE_PAUSE_MILLIS * 1_000_000L;
    int asleep = 0;
    while (asleep < 2 && System.nanoTime() < deadline) {
      Thread.sleep(50);
      asleep = Proc.compilerThreadsAsleep(pid) ? asleep + 1 : 0;
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  /** One phase of load on the running server, its report written to {@code file}. */
  private interface Load {
    LoadResult run(int seconds, Path file) throws IOException, InterruptedException;
  }

  /**
   * The rule of the warm-up, applied to the measured phase: the JIT compiled for at most {@link
   * #QUIET_JIT_SHARE} of it. When it did not, the phase measured compilation too, and the round says so.
   */
  static boolean jitQuiet(double jitMillis, int measureSeconds) {
    return jitMillis <= QUIET_JIT_SHARE * measureSeconds * 1000;
  }

  /** Six phases, or as many as make {@link #MIN_WARMUP_CAP_SECONDS}, whichever is more. */
  static int maxWarmupChunks(int warmupSeconds) {
    int warmup = Math.max(1, warmupSeconds);
    return Math.max(MAX_WARMUP_CHUNKS, (MIN_WARMUP_CAP_SECONDS + warmup - 1) / warmup);
  }

  /** Asks the server for {allocated bytes, served, JIT ms} (see {@link BenchServer#stats}). */
  private static long[] stats(Writer control, BufferedReader lines, Path work) throws IOException {
    control.write("stats\n");
    control.flush();
    String line = expect(lines, "STATS ", work);
    long[] values = new long[3];
    String[] parts = line.trim().split(" ");
    for (int i = 0; i < 3; i++) {
      values[i] = Long.parseLong(parts[i].substring(parts[i].indexOf('=') + 1));
    }
    return values;
  }

  private static LoadResult log(LoadResult r, Path file) throws IOException {
    Files.writeString(file, String.format("java load: %d requests in %.2fs, p99 %.3f ms, errors %d%n",
        r.requests, r.seconds, r.p99Millis, r.errors));
    return r;
  }

  /**
   * One event per request served, less those the library counted as dropped: lines of {@code
   * events.jsonl}, or for OpenTelemetry the records the SDK received (and, within {@link
   * #MAX_SDK_DROPPED_SHARE}, exported).
   */
  private void checkEvents(Configuration c, Path work, String stopped) throws IOException {
    if (!c.identityLog()) {
      return;
    }
    long served = field(stopped, "served");
    long dropped = field(stopped, "dropped");
    long events;
    if (c.openTelemetry()) {
      events = field(stopped, "received");
      long lost = events - field(stopped, "exported");
      if (lost != 0) {
        out.printf("%s: the SDK's batch processor dropped %d of %d records%n", c.id(), lost, events);
      }
      if (lost < 0 || lost > MAX_SDK_DROPPED_SHARE * served) {
        throw new IllegalStateException(c.id() + ": the SDK exported " + (events - lost) + " of "
            + events + " records; see " + work);
      }
    } else {
      try (Stream<String> s = Files.lines(work.resolve("events.jsonl"))) {
        events = s.count();
      }
    }
    if (served == 0 || events + dropped != served) {
      throw new IllegalStateException(c.id() + ": " + events + " events and " + dropped
          + " dropped for " + served + " requests served; see " + work);
    }
  }

  /** {@code name=<n>} of a {@code STOPPED} line. */
  static long field(String stopped, String name) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b" + name + "=(\\d+)").matcher(stopped);
    if (!m.find()) {
      throw new IllegalStateException("no " + name + " in STOPPED " + stopped);
    }
    return Long.parseLong(m.group(1));
  }

  private static String expect(BufferedReader lines, String prefix, Path work) throws IOException {
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      if (line.startsWith(prefix)) {
        return line.substring(prefix.length());
      }
    }
    throw new IllegalStateException("the server ended before printing " + prefix.trim() + ", see " + work);
  }

  private static long clockTicks() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
    String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
    p.waitFor();
    return Long.parseLong(s);
  }

  /** taskset onto one core when the machine has two or more; nothing otherwise. */
  private List<String> pin(int core) {
    return pinning ? List.of("taskset", "-c", Integer.toString(core)) : List.of();
  }

  private static boolean hasTwoCores() {
    // The harness itself may be pinned to one core; count the machine's cores instead.
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("processor")).count() >= 2;
    } catch (IOException e) {
      return false;
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
