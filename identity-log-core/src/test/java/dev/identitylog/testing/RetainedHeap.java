package dev.identitylog.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Heap in use after full collections, for tests that bound what a structure retains: measure
 * before, build, measure again while the structure is still reachable. Several collections, until
 * the figure settles, because one may leave garbage that a concurrent phase frees later.
 */
public final class RetainedHeap {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private RetainedHeap() {}

  public static long used() {
    long last = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      long now = MEMORY.getHeapMemoryUsage().getUsed();
      if (Math.abs(last - now) < 64 * 1024) {
        return now;
      }
      last = now;
    }
    return last;
  }
}
