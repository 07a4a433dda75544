package dev.identitylog.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The harness's warm-up cap and its reading of the compiler threads' CPU. */
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
    long compiler = LoadHarness.compilerTicks(pid);
    assertThat(compiler).isPositive().isLessThanOrEqualTo(LoadHarness.cpuTicks(pid));
    assertThat(LoadHarness.emitterTicks(pid)).isZero();
  }
}
