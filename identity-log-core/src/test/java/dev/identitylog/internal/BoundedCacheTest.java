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
}
