package dev.identitylog.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A new id costs its string and nothing else: the digits are written into a reused buffer. */
class IdsAllocationTest {
  @Test
  void aNewIdAllocatesOnlyItsString() {
    // A String (24 bytes) and its Latin-1 bytes (16 + length, rounded to 8).
    assertThat(bytesPerCall(Ids::newSpanId)).isLessThanOrEqualTo(24 + 32);
    assertThat(bytesPerCall(Ids::newTraceId)).isLessThanOrEqualTo(24 + 48);
    assertThat(bytesPerCall(Ids::newRequestId)).isLessThanOrEqualTo(24 + 56);
    String trace = Ids.newTraceId();
    String span = Ids.newSpanId();
    assertThat(bytesPerCall(() -> TraceParent.format(trace, span, true)))
        .isLessThanOrEqualTo(24 + 72);
  }

  @Test
  void idsMadeOneAfterAnotherDoNotShareDigits() {
    String a = Ids.newRequestId();
    String b = Ids.newSpanId();
    String c = Ids.newTraceId();
    assertThat(a).hasSize(36).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(Ids.isSpanId(b)).isTrue();
    assertThat(Ids.isTraceId(c)).isTrue();
    assertThat(TraceParent.format(c, b, false)).isEqualTo("00-" + c + "-" + b + "-00");
    assertThat(a).isNotEqualTo(Ids.newRequestId());
  }

  private static long bytesPerCall(Supplier<String> id) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
    long best = Long.MAX_VALUE;
    long sink = 0;
    for (int round = 0; round < 20; round++) {
      long tid = Thread.currentThread().getId();
      long before = threads.getThreadAllocatedBytes(tid);
      for (int i = 0; i < 2_000; i++) {
        sink += id.get().length();
      }
      best = Math.min(best, (threads.getThreadAllocatedBytes(tid) - before) / 2_000);
    }
    assertThat(sink).isPositive();
    return best;
  }
}
