package dev.identitylog.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What the load harness reads of a server process from {@code /proc} (proc(5)), and the one thing
 * it changes: which cores the process's threads may run on.
 */
final class Proc {
  private Proc() {}

  /** utime + stime of a process, in clock ticks. */
  static long cpuTicks(long pid) throws IOException {
    return ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
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
    return threadTicks(pid, Proc::isCompiler);
  }

  /**
   * Whether every JIT compiler thread is asleep (state {@code S}: waiting for work on the compile
   * queue) rather than running or runnable ({@code R}).
   */
  static boolean compilerThreadsAsleep(long pid) throws IOException {
    for (Task t : tasks(pid, "stat")) {
      if (isCompiler(t.name()) && t.state() != 'S') {
        return false;
      }
    }
    return true;
  }

  private static long threadTicks(long pid, Predicate<String> named) throws IOException {
    long total = 0;
    for (Task t : tasks(pid, "stat")) {
      if (named.test(t.name())) {
        total += ticks(t.content);
      }
    }
    return total;
  }

  /**
   * Context switches of all of a process's threads so far, voluntary (a thread parked, waited for
   * a lock or for I/O) and not (preempted): each costs the server a trip through the scheduler.
   */
  static long contextSwitches(long pid) throws IOException {
    long switches = 0;
    for (Task t : tasks(pid, "status")) {
      for (String l : (Iterable<String>) t.content.lines()::iterator) {
        if (l.startsWith("voluntary_ctxt_switches:") || l.startsWith("nonvoluntary_ctxt_switches:")) {
          switches += Long.parseLong(value(l));
        }
      }
    }
    return switches;
  }

  /**
   * Pins every thread of a process to one core ({@code taskset -a -p -c}); threads started later
   * inherit the mask of the thread that starts them, so they stay on it too.
   */
  static void pin(long pid, int core) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", Integer.toString(core), Long.toString(pid))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("taskset could not pin " + pid + ": " + out);
    }
  }

  /**
   * Lets the process's JIT compiler threads run on the given cores ({@code "0-1"}), its other
   * threads keeping their mask; returns how many threads it changed.
   */
  static int freeCompilerThreads(long pid, String cores) throws IOException, InterruptedException {
    int changed = 0;
    for (Task t : tasks(pid, "stat")) {
      if (isCompiler(t.name())) {
        String tid = Long.toString(t.tid);
        Process p = new ProcessBuilder("taskset", "-p", "-c", cores, tid).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
          throw new IllegalStateException("taskset could not move thread " + tid + ": " + out);
        }
        changed++;
      }
    }
    return changed;
  }

  /**
   * Each thread's {@code Cpus_allowed_list}, by thread id: the cores the scheduler may run it on
   * ({@code "0"}, {@code "0-1"}).
   */
  static TreeMap<Long, String> cpusAllowed(long pid) throws IOException {
    TreeMap<Long, String> allowed = new TreeMap<>();
    for (Task t : tasks(pid, "status")) {
      for (String l : (Iterable<String>) t.content.lines()::iterator) {
        if (l.startsWith("Cpus_allowed_list:")) {
          allowed.put(t.tid, value(l));
        }
      }
    }
    return allowed;
  }

  /** Fails unless every thread of the process may run on {@code core} alone. */
  static void checkPinned(long pid, int core) throws IOException {
    TreeMap<Long, String> allowed = cpusAllowed(pid);
    String only = Integer.toString(core);
    for (var e : allowed.entrySet()) {
      if (!e.getValue().equals(only)) {
        throw new IllegalStateException("thread " + e.getKey() + " of " + pid + " may run on cores "
            + e.getValue() + ", not on core " + core + " alone");
      }
    }
    if (allowed.isEmpty()) {
      throw new IllegalStateException("no threads of " + pid + " in /proc");
    }
  }

  /** One thread of a process, with what its {@code stat} or {@code status} file held. */
  private record Task(long tid, String content) {
    /** The thread's name, from {@code stat}: the kernel writes it in parentheses. */
    String name() {
      return content.substring(content.indexOf('(') + 1, content.lastIndexOf(')'));
    }

    /** The thread's state, from {@code stat}: the field after the name. */
    char state() {
      return content.charAt(content.lastIndexOf(')') + 2);
    }
  }

  /**
   * Each thread of a process with its {@code file} read, less the threads that ended between the
   * listing and the reading.
   */
  private static List<Task> tasks(long pid, String file) throws IOException {
    List<Task> tasks = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path dir : (Iterable<Path>) dirs::iterator) {
        try {
          tasks.add(new Task(Long.parseLong(dir.getFileName().toString()),
              Files.readString(dir.resolve(file))));
        } catch (IOException e) {
          // the thread ended between listing and reading
        }
      }
    }
    return tasks;
  }

  /** utime + stime of a process's or a thread's {@code stat}, in clock ticks. */
  private static long ticks(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /** A JIT compiler thread's name, as the kernel keeps it (15 characters). */
  private static boolean isCompiler(String name) {
    return name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre");
  }

  /** The value of a {@code status} line, {@code Name:\tvalue}. */
  private static String value(String statusLine) {
    return statusLine.substring(statusLine.indexOf(':') + 1).trim();
  }
}
