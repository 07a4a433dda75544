package dev.identitylog.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness's warm-up cap, its reading of the compiler threads' CPU, and its pinning. */
class LoadHarnessTest {
  @Test
  void aQuickRunMayWarmUpForThirtySecondsAndAFullRunKeepsItsSixPhases() {
    // Six 3-s phases left C2 compiling the request path of identity-log-async in the measured phase.
    assertThat(LoadHarness.maxWarmupChunks(3)).isEqualTo(10);
    assertThat(LoadHarness.maxWarmupChunks(10)).isEqualTo(6);
    assertThat(LoadHarness.maxWarmupChunks(7)).isEqualTo(6);
    assertThat(LoadHarness.maxWarmupChunks(1)).isEqualTo(30);
  }

  @Test
  void theCompilerThreadsOfARunningJvmAreFoundAndHaveUsedCpu() throws Exception {
    // This JVM has compiled the test framework by now: its C1/C2 threads have used some CPU.
    long pid = ProcessHandle.current().pid();
    long compiler = Proc.compilerTicks(pid);
    assertThat(compiler).isPositive().isLessThanOrEqualTo(Proc.cpuTicks(pid));
    assertThat(Proc.emitterTicks(pid)).isZero();
  }

  @Test
  void theEmitterThreadIsFoundByTheNameTheKernelKeeps() throws Exception {
    // The kernel keeps 15 characters of "identity-log-emitter": a thread of that name that has used
    // CPU must be counted, or the zero above would hold for a test that matches no name at all.
    // Its ticks are read while it is alive (a thread that ended has left /proc).
    long pid = ProcessHandle.current().pid();
    CountDownLatch spun = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread emitter = new Thread(() -> {
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      spun.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "identity-log-emitter");
    emitter.start();
    try {
      assertThat(spun.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(Proc.emitterTicks(pid)).isPositive();
    } finally {
      release.countDown();
      emitter.join();
    }
  }

  @Test
  void aMeasuredPhaseIsQuietWhenTheJitCompiledForAtMostTwoPercentOfIt() {
    assertThat(LoadHarness.jitQuiet(100, 5)).isTrue();
    assertThat(LoadHarness.jitQuiet(101, 5)).isFalse();
    assertThat(LoadHarness.jitQuiet(0, 20)).isTrue();
  }

  @Test
  void theStoppedLineIsReadByName() {
    String stopped = "served=120 dropped=3 received=117 exported=116";
    assertThat(LoadHarness.field(stopped, "served")).isEqualTo(120);
    assertThat(LoadHarness.field(stopped, "dropped")).isEqualTo(3);
    assertThat(LoadHarness.field(stopped, "received")).isEqualTo(117);
    assertThat(LoadHarness.field(stopped, "exported")).isEqualTo(116);
    assertThatThrownBy(() -> LoadHarness.field("served=1 dropped=0", "exported"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void everyThreadOfAStartedJvmIsPinnedToOneCoreAfterItStartedOnAll(@TempDir Path dir) throws Exception {
    assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs two cores");
    Path main = Files.writeString(dir.resolve("Idle.java"),
        "class Idle { public static void main(String[] a) throws Exception {"
            + " new Thread(() -> { try { Thread.sleep(60_000); } catch (InterruptedException e) { } }).start();"
            + " System.out.println(\"up\"); Thread.sleep(60_000); } }");
    Process jvm = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        LoadHarness.ONE_CORE_ERGONOMICS, "-Xmx64m", main.toString()).start();
    try {
      assertThat(new String(jvm.getInputStream().readNBytes(2))).isEqualTo("up");
      long pid = jvm.pid();
      // Started unpinned: its threads (GC, compiler, main, the sleeper) may run on every core.
      assertThat(Proc.cpusAllowed(pid)).hasSizeGreaterThan(5);
      assertThatThrownBy(() -> Proc.checkPinned(pid, 0)).isInstanceOf(IllegalStateException.class);

      Proc.pin(pid, 0);
      // The warm-up's mask: core 0 for all but the compiler threads, both cores for those two.
      assertThat(Proc.freeCompilerThreads(pid, "0-1")).isEqualTo(2);
      assertThat(Proc.cpusAllowed(pid).values()).containsOnly("0", "0-1");
      assertThatThrownBy(() -> Proc.checkPinned(pid, 0)).isInstanceOf(IllegalStateException.class);

      Proc.pin(pid, 0);

      assertThat(Proc.cpusAllowed(pid).values()).hasSizeGreaterThan(5).containsOnly("0");
      Proc.checkPinned(pid, 0);

      // An idle JVM's compiler threads go to sleep on the empty compile queue.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!Proc.compilerThreadsAsleep(pid) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(Proc.compilerThreadsAsleep(pid)).isTrue();
    } finally {
      jvm.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
