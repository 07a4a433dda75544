package dev.identitylog.token;

import dev.identitylog.internal.BoundedCache;
import static org.assertj.core.api.Assertions.assertThat;

import dev.identitylog.event.TokenType;
import dev.identitylog.testing.TestTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TokenCacheTest {
  private static TokenFacts facts(int i) {
    return TokenFacts.builder(TokenType.OPAQUE, String.format("%032x", i)).build();
  }

  @Test
  void returnsWhatWasPut() {
    BoundedCache<String, TokenFacts> cache = BoundedCache.create(10);
    TokenFacts f = facts(1);
    cache.putIfAbsent("t1", f);
    assertThat(cache.get("t1")).isSameAs(f);
    assertThat(cache.get("t2")).isNull();
  }

  @Test
  void staysWithinCapacity() {
    BoundedCache<String, TokenFacts> cache = BoundedCache.create(100);
    for (int i = 0; i < 10_000; i++) {
      cache.putIfAbsent("t" + i, facts(i));
      assertThat(cache.size()).isLessThanOrEqualTo(100);
    }
    assertThat(cache.get("t9999")).as("the newest entry survives").isNotNull();
  }

  @Test
  void entriesInUseSurviveAStreamOfOneOffTokens() {
    BoundedCache<String, TokenFacts> cache = BoundedCache.create(100);
    List<String> hot = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      hot.add("hot" + i);
      cache.putIfAbsent("hot" + i, facts(i));
    }
    for (int i = 0; i < 5_000; i++) {
      cache.putIfAbsent("cold" + i, facts(i));
      if (i % 10 == 0) {
        hot.forEach(cache::get); // the hot tokens keep being presented
      }
    }
    for (String h : hot) {
      assertThat(cache.get(h)).as(h).isNotNull();
    }
  }

  @Test
  void inspectorReturnsTheCachedFactsForTheSameToken() {
    TokenInspector inspector =
        TokenInspector.builder().verificationKeys(TestTokens.jwkSet()).build();
    String jwt = TestTokens.rs256().sign();

    TokenFacts first = inspector.inspect(jwt);

    assertThat(inspector.inspect(new String(jwt.toCharArray()))).isSameAs(first);
    assertThat(inspector.cache().size()).isEqualTo(1);
  }

  @Test
  void malformedAndOversizedTokensAreNotCached() {
    TokenInspector inspector = TokenInspector.builder().build();
    inspector.inspect("a.b.c");
    inspector.inspect("A".repeat(TokenInspector.MAX_CACHED_LENGTH + 1));
    assertThat(inspector.cache().size()).isZero();
    inspector.inspect("opaque");
    assertThat(inspector.cache().size()).isEqualTo(1);
  }

  @Test
  void cachingCanBeTurnedOff() {
    TokenInspector inspector = TokenInspector.builder().cacheSize(0).build();
    String jwt = TestTokens.rs256().sign();
    TokenFacts a = inspector.inspect(jwt);
    TokenFacts b = inspector.inspect(jwt);
    assertThat(inspector.cache()).isNull();
    assertThat(b).isNotSameAs(a).isEqualTo(a);
  }

  @Test
  void concurrentInspectionGivesTheRightFactsWithinTheBound() throws Exception {
    int capacity = 64;
    int threads = 8;
    TokenInspector cached =
        TokenInspector.builder().verificationKeys(TestTokens.jwkSet()).cacheSize(capacity).build();
    TokenInspector uncached =
        TokenInspector.builder().verificationKeys(TestTokens.jwkSet()).cacheSize(0).build();
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      TestTokens t = i % 3 == 0 ? TestTokens.es256() : TestTokens.rs256();
      tokens.add(i % 7 == 0 ? t.subject("u" + i).otherKeySign() : t.subject("u" + i).sign());
    }
    for (int i = 0; i < 50; i++) {
      tokens.add("opaque-token-" + i);
    }
    Map<String, TokenFacts> expected = new ConcurrentHashMap<>();
    for (String t : tokens) {
      expected.put(t, uncached.inspect(t));
    }

    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger maxSeen = new AtomicInteger();
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  ThreadLocalRandom random = ThreadLocalRandom.current();
                  int checked = 0;
                  for (int i = 0; i < 3_000; i++) {
                    // Mostly a small hot set, sometimes any token: hits, misses and sweeps.
                    int index = random.nextInt(10) < 7 ? random.nextInt(20) : random.nextInt(250);
                    String raw = new String(tokens.get(index).toCharArray());
                    TokenFacts f = cached.inspect(raw);
                    assertThat(f).isEqualTo(expected.get(raw));
                    maxSeen.accumulateAndGet(cached.cache().size(), Math::max);
                    checked++;
                  }
                  return checked;
                }));
      }
      start.countDown();
      int total = 0;
      for (Future<Integer> r : results) {
        total += r.get(2, TimeUnit.MINUTES);
      }
      assertThat(total).isEqualTo(threads * 3_000);
    } finally {
      pool.shutdownNow();
    }
    assertThat(maxSeen.get())
        .as("a put racing a sweep may overshoot by at most one entry per thread")
        .isLessThanOrEqualTo(capacity + threads);
    assertThat(cached.cache().size()).isLessThanOrEqualTo(capacity + threads);
    for (int i = 0; i < 20; i++) {
      assertThat(cached.inspect(tokens.get(i))).isEqualTo(expected.get(tokens.get(i)));
    }
  }
}
