package dev.identitylog.bench;

import dev.identitylog.bench.jmh.PipelineBenchmark;
import dev.identitylog.bench.load.Configuration;
import dev.identitylog.bench.load.LoadHarness;
import dev.identitylog.bench.load.LoadHarness.Sample;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The one command behind {@code scripts/bench}: the JMH pipeline benchmarks, then the whole-server
 * load runs, then a summary whose last line is machine-readable:
 *
 * <pre>
 * added_cpu_us=… throughput_ratio=… p99_ratio=… vs_diy=… vs_logbook=… jmh_ns=… jmh_bytes=…
 * </pre>
 *
 * Arguments: {@code --quick} (short phases; its wall time is in docs/performance.md), {@code --no-jmh},
 * {@code --no-load}, {@code --out DIR} (default {@code benchmarks/target/bench}), and for the load
 * runs {@code --rounds N} (3), {@code --warmup SECONDS} (2 quick, 10 full), {@code --duration
 * SECONDS} (5 quick, 20 full), {@code --configs id,id,…} (all; a quick run all but {@code
 * identity-log-otel}), {@code --jfr} (a JFR recording
 * of each server JVM beside its logs), {@code --server-jvm-arg ARG} (repeatable: an option for
 * every server JVM, e.g. {@code -XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation
 * -XX:LogFile=…}: a file, since the server's standard output is read only between phases).
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    boolean jmh = true;
    boolean load = true;
    boolean jfr = false;
    List<String> serverJvmArgs = new ArrayList<>();
    Path outDir = Path.of("benchmarks", "target", "bench");
    int rounds = 3;
    int warmup = -1;
    int duration = -1;
    List<Configuration> configurations = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick":
          quick = true;
          break;
        case "--no-jmh":
          jmh = false;
          break;
        case "--no-load":
          load = false;
          break;
        case "--jfr":
          jfr = true;
          break;
        case "--server-jvm-arg":
          serverJvmArgs.add(args[++i]);
          break;
        case "--out":
          outDir = Path.of(args[++i]);
          break;
        case "--rounds":
          rounds = Integer.parseInt(args[++i]);
          break;
        case "--warmup":
          warmup = Integer.parseInt(args[++i]);
          break;
        case "--duration":
          duration = Integer.parseInt(args[++i]);
          break;
        case "--configs":
          List<Configuration> chosen = new ArrayList<>();
          for (String id : args[++i].split(",")) {
            chosen.add(Configuration.of(id.trim()));
          }
          configurations = chosen;
          break;
        default:
          throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
    }
    if (configurations == null) {
      configurations = defaultConfigurations(quick);
    }
    PrintStream out = System.out;
    Map<String, double[]> pipeline = jmh ? runJmh(quick, outDir) : Map.of();
    Map<Configuration, List<Sample>> samples = Map.of();
    if (load) {
      LoadHarness.Settings settings = new LoadHarness.Settings(rounds,
          warmup >= 0 ? warmup : quick ? 2 : 10, duration > 0 ? duration : quick ? 5 : 20, 16,
          outDir.resolve("load"), configurations, jfr, serverJvmArgs);
      samples = new LoadHarness(settings, out).run();
    }
    report(out, pipeline, samples);
  }

  /**
   * Every configuration; a quick run leaves out {@code identity-log-otel} (three server runs,
   * about a minute), so that it stays under ten minutes: the OpenTelemetry sink is in the quick
   * run's JMH rows ({@code openTelemetry}) and in the full run's table.
   */
  static List<Configuration> defaultConfigurations(boolean quick) {
    List<Configuration> all = new ArrayList<>(List.of(Configuration.values()));
    if (quick) {
      all.remove(Configuration.IDENTITY_LOG_OTEL);
    }
    return all;
  }

  /** Benchmark name → {ns/op, bytes/op}. */
  private static Map<String, double[]> runJmh(boolean quick, Path outDir) throws Exception {
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include(PipelineBenchmark.class.getName() + "\\.")
        .addProfiler(GCProfiler.class)
        .result(outDir.resolve("jmh.json").toString())
        .resultFormat(org.openjdk.jmh.results.format.ResultFormatType.JSON)
        .output(outDir.resolve("jmh.txt").toString());
    if (quick) {
      // Three 1-s warm-up iterations: every row's allocation (gc.alloc.rate.norm) and time have
      // settled by the third on this machine; five cost the quick run 12 s more.
      // Two measured iterations: the rows' allocation is the same in each, and their time is
      // read against `baseline` of the same run.
      options.warmupIterations(3).warmupTime(TimeValue.seconds(1))
          .measurementIterations(2).measurementTime(TimeValue.seconds(1)).forks(1);
    } else {
      options.forks(2);
    }
    java.nio.file.Files.createDirectories(outDir);
    Collection<RunResult> results = new Runner(options.build()).run();
    Map<String, double[]> byName = new LinkedHashMap<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      name = name.substring(name.lastIndexOf('.') + 1);
      Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
      if (alloc == null) {
        alloc = r.getSecondaryResults().get("·gc.alloc.rate.norm");
      }
      byName.put(name, new double[] {
          r.getPrimaryResult().getScore(), alloc == null ? Double.NaN : alloc.getScore()});
    }
    return byName;
  }

  private static void report(PrintStream out, Map<String, double[]> pipeline,
      Map<Configuration, List<Sample>> samples) {
    if (!pipeline.isEmpty()) {
      out.println();
      out.println("JMH full pipeline per request (ns/op, bytes/op from -prof gc)");
      double base = pipeline.containsKey("baseline") ? pipeline.get("baseline")[0] : Double.NaN;
      for (Map.Entry<String, double[]> e : pipeline.entrySet()) {
        out.printf(Locale.ROOT, "  %-22s %10.0f ns  %8.0f B  (+%.0f ns over baseline)%n",
            e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[0] - base);
      }
    }
    Map<Configuration, double[]> medians = new LinkedHashMap<>();
    if (!samples.isEmpty()) {
      out.println();
      out.println("Whole server, medians of " + samples.values().iterator().next().size() + " rounds");
      out.println("  configuration        req/s   vs base    p99 ms  cpu us/req  jit cpu us  req cpu us  added us"
          + "  emitter us  server busy  alloc B/req  ctx sw/req  jit ms  jit quiet");
      for (Map.Entry<Configuration, List<Sample>> e : samples.entrySet()) {
        medians.put(e.getKey(), new double[] {
            median(e.getValue(), s -> s.requestsPerSecond), median(e.getValue(), s -> s.p99Millis),
            median(e.getValue(), s -> s.cpuMicrosPerRequest), median(e.getValue(), s -> s.serverUtilisation),
            median(e.getValue(), s -> s.emitterMicrosPerRequest),
            median(e.getValue(), s -> s.bytesPerRequest), median(e.getValue(), s -> s.switchesPerRequest),
            median(e.getValue(), s -> s.jitMillis),
            median(e.getValue(), s -> s.jitCpuMicrosPerRequest),
            // The request path's CPU: the process's less its compiler threads', per round.
            median(e.getValue(), s -> s.cpuMicrosPerRequest - s.jitCpuMicrosPerRequest),
            // Rounds whose measured phase had a quiet JIT.
            e.getValue().stream().filter(s -> s.jitQuiet).count()});
      }
      for (Map.Entry<Configuration, double[]> e : medians.entrySet()) {
        double[] base = medians.get(e.getKey().baseline());
        double[] m = e.getValue();
        out.printf(Locale.ROOT, "  %-18s %9.0f %9.2f %9.2f %11.1f %11.1f %11.1f %9.1f %11.1f %11.0f%% %12.0f %11.2f %7.0f %6.0f/%d%n",
            e.getKey().id(), m[0],
            base == null ? Double.NaN : m[0] / base[0], m[1], m[2], m[8], m[9],
            base == null ? Double.NaN : m[9] - base[9], m[4], m[3] * 100, m[5], m[6], m[7],
            m[10], samples.get(e.getKey()).size());
      }
    }
    if (!samples.isEmpty()) {
      reportBestRounds(out, samples);
    }
    double[] none = medians.getOrDefault(Configuration.NO_FILTER, nan());
    double[] sync = medians.getOrDefault(Configuration.IDENTITY_LOG, nan());
    double[] diy = medians.getOrDefault(Configuration.DIY, nan());
    double[] logbook = medians.getOrDefault(Configuration.LOGBOOK, nan());
    double[] warm = pipeline.getOrDefault("warm", new double[] {Double.NaN, Double.NaN});
    out.println();
    out.println(String.format(Locale.ROOT,
        "added_cpu_us=%.1f throughput_ratio=%.2f p99_ratio=%.2f vs_diy=%.2f vs_logbook=%.2f jmh_ns=%.0f jmh_bytes=%.0f",
        sync[9] - none[9], sync[0] / none[0], sync[1] / none[1], sync[0] / diy[0], sync[0] / logbook[0],
        warm[0], warm[1]));
  }

  /**
   * Each configuration's best round beside the medians: the lowest request-path CPU and the
   * highest throughput. On a shared machine the noise only adds (a neighbour's burst, the host
   * taking the core), and a slow period can cover two of three rounds of one configuration, so
   * the best round is the closer estimate of what the code costs; the medians stay the figures
   * of record.
   */
  private static void reportBestRounds(PrintStream out, Map<Configuration, List<Sample>> samples) {
    Map<Configuration, double[]> best = new LinkedHashMap<>();
    for (Map.Entry<Configuration, List<Sample>> e : samples.entrySet()) {
      double cpu = Double.POSITIVE_INFINITY;
      double rate = 0;
      for (Sample s : e.getValue()) {
        cpu = Math.min(cpu, s.cpuMicrosPerRequest - s.jitCpuMicrosPerRequest);
        rate = Math.max(rate, s.requestsPerSecond);
      }
      best.put(e.getKey(), new double[] {rate, cpu});
    }
    out.println();
    out.println("Whole server, best round of each configuration (noise only adds)");
    out.println("  configuration        req/s   vs base  req cpu us  added us");
    for (Map.Entry<Configuration, double[]> e : best.entrySet()) {
      double[] base = best.get(e.getKey().baseline());
      double[] b = e.getValue();
      out.printf(Locale.ROOT, "  %-18s %9.0f %9.2f %11.1f %9.1f%n", e.getKey().id(), b[0],
          base == null ? Double.NaN : b[0] / base[0], b[1], base == null ? Double.NaN : b[1] - base[1]);
    }
  }

  private static double[] nan() {
    double[] none = new double[11];
    java.util.Arrays.fill(none, Double.NaN);
    return none;
  }

  private static double median(List<Sample> samples, ToDoubleFunction<Sample> f) {
    return Median.of(samples.stream().mapToDouble(f).toArray());
  }
}
