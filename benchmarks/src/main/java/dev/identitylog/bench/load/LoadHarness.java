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
 * Runs each {@link Configuration} as a Jetty 12 server in its own JVM pinned to one core, loads it
 * from the other core, and measures throughput, p99 latency and the server process's CPU time per
 * request. Rounds are interleaved (the order rotates every round) and the medians are reported, so
 * a machine's slow minute spreads over all configurations instead of hitting one.
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
   */
  static final double QUIET_JIT_SHARE = 0.02;

  private final Settings settings;
  private final PrintStream out;
  private final String token = Fixtures.token();
  private final Map<Configuration, List<Sample>> samples = new EnumMap<>(Configuration.class);
  private Credential serverCredential;
  private Credential clientCredential;
  private TestPki pki;
  private long ticksPerSecond;

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
        List<Configuration> configurations) {
      this(rounds, warmupSeconds, measureSeconds, connections, workDir, configurations, false);
    }

    public Settings(int rounds, int warmupSeconds, int measureSeconds, int connections, Path workDir,
        List<Configuration> configurations, boolean jfr) {
      this(rounds, warmupSeconds, measureSeconds, connections, workDir, configurations, jfr, List.of());
    }

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

    Sample(double requestsPerSecond, double p99Millis, double cpuMicrosPerRequest,
        double serverUtilisation, double emitterMicrosPerRequest) {
      this(requestsPerSecond, p99Millis, cpuMicrosPerRequest, serverUtilisation,
          emitterMicrosPerRequest, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    Sample(double requestsPerSecond, double p99Millis, double cpuMicrosPerRequest,
        double serverUtilisation, double emitterMicrosPerRequest, double bytesPerRequest,
        double switchesPerRequest, double jitMillis, double jitCpuMicrosPerRequest) {
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
                + "  alloc %6.0f B/req  ctx switches %5.2f/req  jit %5.0f ms  jit cpu %5.1f us/req%n",
            round, c.id(), s.requestsPerSecond, s.p99Millis, s.cpuMicrosPerRequest,
            s.emitterMicrosPerRequest, s.serverUtilisation * 100, s.bytesPerRequest,
            s.switchesPerRequest, s.jitMillis, s.jitCpuMicrosPerRequest);
      }
      order.add(order.remove(0));
    }
    return samples;
  }

  private Sample runOnce(Configuration c, int round) throws Exception {
    Path work = settings.workDir.resolve(c.id() + "-r" + round);
    Files.createDirectories(work);
    List<String> command = new ArrayList<>(pin(0));
    command.addAll(List.of(javaBinary(), "-Xms512m", "-Xmx512m"));
    command.addAll(settings.serverJvmArgs);
    if (settings.jfr) {
      // The JDK's profile settings; the recording starts with the JVM, so warm-up is in it too
      // (jfr print --events with a time filter, or JMC's range selection, keeps the measured phase).
      command.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
          + work.resolve("server.jfr"));
    }
    command.addAll(List.of(
        "-cp", System.getProperty("java.class.path"), BenchServer.class.getName(), c.id(), work.toString()));
    if (c.mtls()) {
      command.add(serverCredential.keyStoreFile().toString());
      command.add(serverCredential.trustStoreFile().toString());
    }
    Process server = new ProcessBuilder(command)
        .redirectError(work.resolve("stderr.log").toFile()).start();
    try {
      BufferedReader lines = new BufferedReader(
          new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      int port = Integer.parseInt(expect(lines, "READY ", work).trim());
      Writer control = server.outputWriter(StandardCharsets.UTF_8);
      List<String> headers = List.of("Authorization: Bearer " + token, "traceparent: " + Fixtures.TRACEPARENT);
      long pid = server.pid();
      long cpuBefore;
      long cpuAfter;
      long emitterBefore;
      long emitterAfter;
      long compilerBefore;
      long compilerAfter;
      long wallBefore;
      long[] statsBefore;
      long[] statsAfter;
      long switchesBefore;
      long switchesAfter;
      LoadResult r;
      if (c.mtls()) {
        try (JavaLoad java = new JavaLoad(clientCredential.clientSslContext(pki), port, Fixtures.PATH,
            headers, settings.connections)) {
          long warmed = 0;
          boolean jitBusy = true;
          for (int chunk = 0; chunk < maxWarmupChunks(settings.warmupSeconds) && (warmed < MIN_WARMUP_REQUESTS || jitBusy); chunk++) {
            long jitBefore = stats(control, lines, work)[2];
            warmed += log(java.run(settings.warmupSeconds), work.resolve("warmup-" + chunk + ".txt")).requests;
            jitBusy = stats(control, lines, work)[2] - jitBefore > QUIET_JIT_SHARE * settings.warmupSeconds * 1000;
          }
          statsBefore = stats(control, lines, work);
          switchesBefore = contextSwitches(pid);
          cpuBefore = cpuTicks(pid);
          emitterBefore = emitterTicks(pid);
          compilerBefore = compilerTicks(pid);
          wallBefore = System.nanoTime();
          r = log(java.run(settings.measureSeconds), work.resolve("load.txt"));
          cpuAfter = cpuTicks(pid);
          emitterAfter = emitterTicks(pid);
          compilerAfter = compilerTicks(pid);
          switchesAfter = contextSwitches(pid);
          statsAfter = stats(control, lines, work);
        }
      } else {
        Wrk wrk = new Wrk(pin(1));
        String url = "http://127.0.0.1:" + port + Fixtures.PATH;
        long warmed = 0;
        boolean jitBusy = true;
        for (int chunk = 0; chunk < maxWarmupChunks(settings.warmupSeconds) && (warmed < MIN_WARMUP_REQUESTS || jitBusy); chunk++) {
          long jitBefore = stats(control, lines, work)[2];
          warmed += wrk.run(url, headers, settings.connections, settings.warmupSeconds,
              work.resolve("warmup-" + chunk + ".txt")).requests;
          jitBusy = stats(control, lines, work)[2] - jitBefore > QUIET_JIT_SHARE * settings.warmupSeconds * 1000;
        }
        statsBefore = stats(control, lines, work);
        switchesBefore = contextSwitches(pid);
        cpuBefore = cpuTicks(pid);
        emitterBefore = emitterTicks(pid);
        compilerBefore = compilerTicks(pid);
        wallBefore = System.nanoTime();
        r = wrk.run(url, headers, settings.connections, settings.measureSeconds, work.resolve("load.txt"));
        cpuAfter = cpuTicks(pid);
        emitterAfter = emitterTicks(pid);
        compilerAfter = compilerTicks(pid);
        switchesAfter = contextSwitches(pid);
        statsAfter = stats(control, lines, work);
      }
      double wall = (System.nanoTime() - wallBefore) / 1e9;
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
          statsAfter[2] - statsBefore[2], compilerSeconds * 1e6 / r.requests);
    } finally {
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
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

  /**
   * Context switches of all of a process's threads so far, voluntary (a thread parked, waited for
   * a lock or for I/O) and not (preempted): each costs the server a trip through the scheduler.
   */
  static long contextSwitches(long pid) throws IOException {
    long switches = 0;
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        List<String> status;
        try {
          status = Files.readAllLines(task.resolve("status"));
        } catch (IOException e) {
          continue; // the thread ended between listing and reading
        }
        for (String l : status) {
          if (l.startsWith("voluntary_ctxt_switches:") || l.startsWith("nonvoluntary_ctxt_switches:")) {
            switches += Long.parseLong(l.substring(l.indexOf(':') + 1).trim());
          }
        }
      }
    }
    return switches;
  }

  private static LoadResult log(LoadResult r, Path file) throws IOException {
    Files.writeString(file, String.format("java load: %d requests in %.2fs, p99 %.3f ms, errors %d%n",
        r.requests, r.seconds, r.p99Millis, r.errors));
    return r;
  }

  /** One event line per request served, less those the library counted as dropped. */
  private static void checkEvents(Configuration c, Path work, String stopped) throws IOException {
    if (!c.identityLog()) {
      return;
    }
    long served = Long.parseLong(stopped.replaceAll(".*served=(\\d+).*", "$1"));
    long dropped = Long.parseLong(stopped.replaceAll(".*dropped=(\\d+).*", "$1"));
    long events;
    try (Stream<String> s = Files.lines(work.resolve("events.jsonl"))) {
      events = s.count();
    }
    if (served == 0 || events + dropped != served) {
      throw new IllegalStateException(c.id() + ": " + events + " events and " + dropped
          + " dropped for " + served + " requests served; see " + work);
    }
  }

  private static String expect(BufferedReader lines, String prefix, Path work) throws IOException {
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      if (line.startsWith(prefix)) {
        return line.substring(prefix.length());
      }
    }
    throw new IllegalStateException("the server ended before printing " + prefix.trim() + ", see " + work);
  }

  /** utime + stime of a process, in clock ticks (proc(5)). */
  static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /**
   * utime + stime of the library's emitter thread ({@code identity-log-emitter}; the kernel keeps
   * 15 characters of a thread's name), 0 when there is none.
   */
  static long emitterTicks(long pid) throws IOException {
    return threadTicks(pid, name -> "identity-log-emitter".startsWith(name) && name.length() >= 12);
  }

  /**
   * utime + stime of the JIT's compiler threads ({@code C1 CompilerThre…}, {@code C2
   * CompilerThre…}). {@code CompilationMXBean} reports the wall time of compilations, which on a
   * saturated core stretches with every runnable request thread; this is the CPU they took.
   */
  static long compilerTicks(long pid) throws IOException {
    return threadTicks(pid, name -> name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre"));
  }

  private static long threadTicks(long pid, java.util.function.Predicate<String> named) throws IOException {
    long ticks = 0;
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException e) {
          continue; // the thread ended between listing and reading
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (named.test(name)) {
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }
      }
    }
    return ticks;
  }

  private static long clockTicks() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
    String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
    p.waitFor();
    return Long.parseLong(s);
  }

  /** taskset onto one core when the machine has two or more; nothing otherwise. */
  private static List<String> pin(int core) {
    return hasTwoCores() ? List.of("taskset", "-c", Integer.toString(core)) : List.of();
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

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
