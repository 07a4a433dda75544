package dev.identitylog.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BoundedCacheTest {

  @Test
  void keepsAtMostItsBound() {
    BoundedCache<Integer, String> cache = BoundedCache.create(3);
    for (int i = 0; i < 100; i++) {
      cache.putIfAbsent(i, "v" + i);
      assertThat(cache.size()).isLessThanOrEqualTo(3);
    }
    assertThat(cache.size()).isEqualTo(3);
  }

  @Test
  void putIfAbsentKeepsTheFirstValue() {
    BoundedCache<String, String> cache = BoundedCache.create(3);

    assertThat(cache.putIfAbsent("k", "first")).isEqualTo("first");
    assertThat(cache.putIfAbsent("k", "second")).isEqualTo("first");
    assertThat(cache.get("k")).isEqualTo("first");
  }

  @Test
  void recentlyReadEntriesGetASecondChance() {
    BoundedCache<String, String> cache = BoundedCache.create(2);
    cache.putIfAbsent("a", "A");
    cache.putIfAbsent("b", "B");
    cache.get("a");

    cache.putIfAbsent("c", "C");

    assertThat(cache.get("a")).isEqualTo("A");
    assertThat(cache.get("b")).isNull();
    assertThat(cache.get("c")).isEqualTo("C");
  }

  @Test
  void evictsEvenWhenEveryEntryWasRead() {
    BoundedCache<Integer, Integer> cache = BoundedCache.create(4);
    for (int i = 0; i < 4; i++) {
      cache.putIfAbsent(i, i);
      cache.get(i);
    }

    cache.putIfAbsent(99, 99);

    assertThat(cache.size()).isEqualTo(4);
    assertThat(cache.get(99)).isEqualTo(99);
  }

  @Test
  void expiresAfterItsTimeToLive() {
    AtomicLong now = new AtomicLong(1_000);
    BoundedCache<String, String> cache = BoundedCache.expiring(4, 100, now::get);
    cache.putIfAbsent("k", "v");

    now.addAndGet(99);
    assertThat(cache.get("k")).isEqualTo("v");
    now.addAndGet(1);
    assertThat(cache.get("k")).isNull();
    assertThat(cache.size()).isZero();
    assertThat(cache.putIfAbsent("k", "w")).isEqualTo("w");
  }

  @Test
  void replacesAnExpiredValueOnPut() {
    AtomicLong now = new AtomicLong();
    BoundedCache<String, String> cache = BoundedCache.expiring(4, 100, now::get);
    cache.putIfAbsent("k", "old");
    now.addAndGet(500);

    assertThat(cache.putIfAbsent("k", "new")).isEqualTo("new");
    assertThat(cache.get("k")).isEqualTo("new");
  }

  @Test
  void evictsExpiredEntriesFirst() {
    AtomicLong now = new AtomicLong();
    BoundedCache<String, String> cache = BoundedCache.expiring(2, 100, now::get);
    cache.putIfAbsent("old", "1");
    now.addAndGet(150);
    cache.putIfAbsent("fresh", "2");
    cache.get("fresh");

    cache.putIfAbsent("new", "3");

    assertThat(cache.get("fresh")).isEqualTo("2");
    assertThat(cache.get("new")).isEqualTo("3");
    assertThat(cache.size()).isEqualTo(2);
  }

  @Test
  void refusesUselessBounds() {
    assertThatThrownBy(() -> BoundedCache.create(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BoundedCache.expiring(1, 0, System::nanoTime))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static final int OVERHEAD = BoundedCache.ENTRY_OVERHEAD;

  private static BoundedCache<String, String> weighedByLength(int maxEntries, long maxBytes) {
    return BoundedCache.create(maxEntries, maxBytes, (k, v) -> v.length());
  }

  @Test
  void evictsByWeightToStayWithinTheByteBudget() {
    BoundedCache<String, String> cache = weighedByLength(1_000, 10 * (100 + OVERHEAD));
    for (int i = 0; i < 50; i++) {
      cache.putIfAbsent("k" + i, "v".repeat(100));
      assertThat(cache.weightedSize()).isLessThanOrEqualTo(cache.maxBytes());
    }
    assertThat(cache.size()).isEqualTo(10);
    assertThat(cache.weightedSize()).isEqualTo(10L * (100 + OVERHEAD));
  }

  @Test
  void aHeavyEntryEvictsAsManyLightOnesAsItNeeds() {
    long budget = 8 * (1_000 + OVERHEAD);
    BoundedCache<String, String> cache = weighedByLength(1_000, budget);
    for (int i = 0; i < 8; i++) {
      cache.putIfAbsent("light" + i, "x".repeat(1_000));
    }
    String heavy = "h".repeat((int) (budget / BoundedCache.MAX_ENTRY_FRACTION) - OVERHEAD);
    cache.putIfAbsent("heavy", heavy);
    assertThat(cache.get("heavy")).isSameAs(heavy);
    assertThat(cache.weightedSize()).isLessThanOrEqualTo(budget);
    assertThat(cache.size()).isEqualTo(8); // one light entry made room
  }

  @Test
  void neverKeepsAnEntryHeavierThanItsShareOfTheBudget() {
    BoundedCache<String, String> cache = weighedByLength(1_000, 8_000);
    cache.putIfAbsent("small", "s");
    String tooHeavy = "t".repeat(1_000); // 1000 + overhead > 8000 / 8
    assertThat(cache.putIfAbsent("big", tooHeavy)).isSameAs(tooHeavy);
    assertThat(cache.get("big")).isNull();
    assertThat(cache.get("small")).isEqualTo("s");
    assertThat(cache.weightedSize()).isEqualTo(1 + OVERHEAD);
  }

  @Test
  void expiredEntriesGiveTheirWeightBack() {
    AtomicLong now = new AtomicLong();
    BoundedCache<String, String> cache =
        BoundedCache.expiring(10, 10_000, (k, v) -> v.length(), 100, now::get);
    cache.putIfAbsent("a", "x".repeat(500));
    now.addAndGet(100);
    assertThat(cache.get("a")).isNull();
    assertThat(cache.weightedSize()).isZero();
    cache.putIfAbsent("b", "y".repeat(500));
    now.addAndGet(100);
    cache.putIfAbsent("b", "z".repeat(400)); // replaces the expired value
    assertThat(cache.get("b")).isEqualTo("z".repeat(400));
    assertThat(cache.weightedSize()).isEqualTo(400 + OVERHEAD);
  }

  @Test
  void weightsAddUpUnderConcurrentWriters() throws Exception {
    BoundedCache<String, String> cache = weighedByLength(10_000, 50 * (64 + OVERHEAD));
    Thread[] writers = new Thread[4];
    for (int t = 0; t < writers.length; t++) {
      int id = t;
      writers[t] = new Thread(() -> {
        for (int i = 0; i < 5_000; i++) {
          cache.putIfAbsent(id + ":" + i, "w".repeat(64));
          cache.get(id + ":" + (i / 2));
        }
      });
      writers[t].start();
    }
    for (Thread w : writers) {
      w.join();
    }
    assertThat(cache.weightedSize()).isEqualTo((long) cache.size() * (64 + OVERHEAD));
    assertThat(cache.weightedSize()).isLessThanOrEqualTo(cache.maxBytes());
  }
}
