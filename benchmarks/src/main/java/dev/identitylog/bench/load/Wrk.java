package dev.identitylog.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Drives plain HTTP/1.1 keep-alive load with {@code wrk}, pinned to the load core. */
final class Wrk {
  private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([\\d.]+)(us|ms|s|m)");
  private static final Pattern P99 = Pattern.compile("^\\s*99%\\s+([\\d.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
  private static final Pattern SOCKET_ERRORS =
      Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

  private final List<String> pin;

  Wrk(List<String> pin) {
    this.pin = pin;
  }

  static boolean available() {
    try {
      Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor();
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  LoadResult run(String url, List<String> headers, int connections, int seconds, Path log)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(pin);
    command.addAll(List.of("wrk", "-t1", "-c" + connections, "-d" + seconds + "s", "--latency"));
    for (String h : headers) {
      command.add("-H");
      command.add(h);
    }
    command.add(url);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = p.waitFor();
    // The command line holds the bearer token; the log keeps only wrk's report.
    Files.writeString(log, out, StandardCharsets.UTF_8);
    if (exit != 0) {
      throw new IllegalStateException("wrk exited " + exit + ", see " + log);
    }
    return parse(out, log);
  }

  static LoadResult parse(String out, Path log) {
    Matcher requests = REQUESTS.matcher(out);
    Matcher p99 = P99.matcher(out);
    if (!requests.find() || !p99.find()) {
      throw new IllegalStateException("unexpected wrk output, see " + log);
    }
    long errors = 0;
    Matcher non2xx = NON_2XX.matcher(out);
    if (non2xx.find()) {
      errors += Long.parseLong(non2xx.group(1));
    }
    Matcher socket = SOCKET_ERRORS.matcher(out);
    if (socket.find()) {
      // read/connect/write errors; timeouts too. Closing connections at the end is not an error.
      for (int i = 1; i <= 4; i++) {
        errors += Long.parseLong(socket.group(i));
      }
    }
    double seconds = toMillis(Double.parseDouble(requests.group(2)), requests.group(3)) / 1000;
    return new LoadResult(Long.parseLong(requests.group(1)), seconds,
        toMillis(Double.parseDouble(p99.group(1)), p99.group(2)), errors);
  }

  private static double toMillis(double value, String unit) {
    switch (unit) {
      case "us":
        return value / 1000;
      case "ms":
        return value;
      case "s":
        return value * 1000;
      case "m":
        return value * 60_000;
      default:
        throw new IllegalArgumentException(unit);
    }
  }
}
