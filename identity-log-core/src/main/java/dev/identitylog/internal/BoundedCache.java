package dev.identitylog.internal;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A size-bounded cache with lock-free reads, for values that are costly to compute and looked up on
 * every request.
 *
 * <p>Why this shape: reads vastly outnumber writes (the same client certificate arrives on every
 * request of a TLS session, while a new one arrives only with a new client), so a read is a plain
 * {@link ConcurrentHashMap#get} plus, at most, one write of a "recently used" flag. Writes take a
 * lock, which keeps the bound exact (the map never holds more than {@code maxEntries}) and lets
 * eviction walk the map as a clock: an entry read since the hand last passed gets a second chance,
 * one that was not is evicted. That approximates least-recently-used without the shared list, and
 * its contention, that a true LRU needs on every read. Values are computed outside the lock.
 *
 * <p>Entries may also expire after a fixed time since they were stored.
 *
 * <p>Internal: shared by the library's caches (certificates, tokens, forwarded certificates); not
 * part of the API and may change between versions.
 */
public final class BoundedCache<K, V> {
  private static final long NO_EXPIRY = Long.MAX_VALUE;

  private final ConcurrentHashMap<K, Node<V>> map;
  private final int maxEntries;
  private final long ttlNanos;
  private final LongSupplier nanoClock;
  private final ReentrantLock writeLock = new ReentrantLock();
  // The clock hand; guarded by writeLock. Iterators of ConcurrentHashMap are weakly consistent,
  // so keeping one across writes is safe.
  private Iterator<Map.Entry<K, Node<V>>> hand;

  private BoundedCache(int maxEntries, long ttlNanos, LongSupplier nanoClock) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1: " + maxEntries);
    }
    this.maxEntries = maxEntries;
    this.ttlNanos = ttlNanos;
    this.nanoClock = nanoClock;
    this.map = new ConcurrentHashMap<>(Math.min(maxEntries, 1024));
  }

  /** A cache whose entries never expire. */
  public static <K, V> BoundedCache<K, V> create(int maxEntries) {
    return new BoundedCache<>(maxEntries, NO_EXPIRY, System::nanoTime);
  }

  /** A cache whose entries expire {@code ttlNanos} after they were stored. */
  public static <K, V> BoundedCache<K, V> expiring(int maxEntries, long ttlNanos, LongSupplier nanoClock) {
    if (ttlNanos <= 0) {
      throw new IllegalArgumentException("ttl must be positive: " + ttlNanos);
    }
    return new BoundedCache<>(maxEntries, ttlNanos, nanoClock);
  }

  /** The cached value, or {@code null}. */
  public V get(K key) {
    Node<V> node = map.get(key);
    if (node == null) {
      return null;
    }
    if (ttlNanos != NO_EXPIRY && expired(node, nanoClock.getAsLong())) {
      map.remove(key, node); // shrinking needs no lock: the bound only limits growth
      return null;
    }
    if (!node.referenced) {
      // Written only when clear, so a hot entry's cache line stays shared between cores.
      node.referenced = true;
    }
    return node.value;
  }

  /**
   * Stores the value unless an unexpired one is already there; returns the value now cached for
   * the key. Evicts as needed to stay within the bound.
   */
  public V putIfAbsent(K key, V value) {
    writeLock.lock();
    try {
      long now = ttlNanos == NO_EXPIRY ? 0 : nanoClock.getAsLong();
      Node<V> existing = map.get(key);
      if (existing != null && !(ttlNanos != NO_EXPIRY && expired(existing, now))) {
        return existing.value;
      }
      if (existing == null) {
        while (map.size() >= maxEntries) {
          evictOne(now);
        }
      }
      map.put(key, new Node<>(value, now));
      return value;
    } finally {
      writeLock.unlock();
    }
  }

  public int size() {
    return map.size();
  }

  public int maxEntries() {
    return maxEntries;
  }

  private boolean expired(Node<V> node, long now) {
    return now - node.storedAt >= ttlNanos;
  }

  // Called with writeLock held and the map non-empty.
  private void evictOne(long now) {
    // After one full turn every flag is clear, so two turns always find a victim; the extra
    // step covers entries that readers flag again while the hand moves.
    int limit = 2 * map.size() + 1;
    for (int step = 0; step <= limit; step++) {
      if (hand == null || !hand.hasNext()) {
        hand = map.entrySet().iterator();
        if (!hand.hasNext()) {
          return;
        }
      }
      Map.Entry<K, Node<V>> entry = hand.next();
      Node<V> node = entry.getValue();
      boolean stale = ttlNanos != NO_EXPIRY && expired(node, now);
      if (!stale && node.referenced && step < limit) {
        node.referenced = false;
        continue;
      }
      map.remove(entry.getKey(), node);
      return;
    }
  }

  private static final class Node<V> {
    final V value;
    final long storedAt;
    volatile boolean referenced;

    Node(V value, long storedAt) {
      this.value = value;
      this.storedAt = storedAt;
    }
  }
}
