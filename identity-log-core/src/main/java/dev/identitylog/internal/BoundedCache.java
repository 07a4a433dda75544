package dev.identitylog.internal;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p>Memory is bounded in bytes as well as in entries: a {@link Weigher} estimates what each entry
 * retains (key and value; the caller knows what its types hold), and the cache evicts until the
 * sum of weights is within {@code maxBytes}. Why both: a count alone lets a client that sends large
 * distinct values (certificates, tokens) multiply the memory per entry. An entry heavier than
 * {@code maxBytes / }{@value #MAX_ENTRY_FRACTION} is not kept at all, so one huge value can never
 * empty the cache. Weights are computed once, on insert, outside the read path.
 *
 * <p>Internal: shared by the library's caches (certificates, tokens, forwarded certificates); not
 * part of the API and may change between versions.
 */
public final class BoundedCache<K, V> {
  private static final long NO_EXPIRY = Long.MAX_VALUE;
  /** An entry may weigh at most this fraction (1/n) of the byte budget. */
  static final int MAX_ENTRY_FRACTION = 8;
  /**
   * What one map entry costs besides its key and value: the {@code ConcurrentHashMap} node (32 bytes)
   * and its table slot (4, doubled for the table's spare room), and this class's {@code Node} (24).
   */
  static final int ENTRY_OVERHEAD = 64;

  /** What a key and its value retain, in bytes (the cache adds its own per-entry overhead). */
  @FunctionalInterface
  public interface Weigher<K, V> {
    long weigh(K key, V value);
  }

  private final ConcurrentHashMap<K, Node<V>> map;
  private final int maxEntries;
  private final long maxBytes;
  private final long maxEntryBytes;
  private final Weigher<? super K, ? super V> weigher;
  // Changed under writeLock, except by the lock-free removal of expired entries in get().
  private final AtomicLong bytes = new AtomicLong();
  private final long ttlNanos;
  private final LongSupplier nanoClock;
  private final ReentrantLock writeLock = new ReentrantLock();
  // The clock hand; guarded by writeLock. Iterators of ConcurrentHashMap are weakly consistent,
  // so keeping one across writes is safe.
  private Iterator<Map.Entry<K, Node<V>>> hand;

  private BoundedCache(
      int maxEntries,
      long maxBytes,
      Weigher<? super K, ? super V> weigher,
      long ttlNanos,
      LongSupplier nanoClock) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1: " + maxEntries);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be at least 1: " + maxBytes);
    }
    if (weigher == null) {
      throw new NullPointerException("weigher");
    }
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.maxEntryBytes = Math.max(1, maxBytes / MAX_ENTRY_FRACTION);
    this.weigher = weigher;
    this.ttlNanos = ttlNanos;
    this.nanoClock = nanoClock;
    this.map = new ConcurrentHashMap<>(Math.min(maxEntries, 1024));
  }

  /** A cache of at most {@code maxEntries} entries that never expire, whatever they weigh. */
  public static <K, V> BoundedCache<K, V> create(int maxEntries) {
    return new BoundedCache<>(maxEntries, Long.MAX_VALUE, (k, v) -> 0, NO_EXPIRY, System::nanoTime);
  }

  /**
   * A cache whose entries never expire, of at most {@code maxEntries} entries weighing at most
   * {@code maxBytes} together.
   */
  public static <K, V> BoundedCache<K, V> create(
      int maxEntries, long maxBytes, Weigher<? super K, ? super V> weigher) {
    return new BoundedCache<>(maxEntries, maxBytes, weigher, NO_EXPIRY, System::nanoTime);
  }

  /** A cache whose entries expire {@code ttlNanos} after they were stored. */
  public static <K, V> BoundedCache<K, V> expiring(int maxEntries, long ttlNanos, LongSupplier nanoClock) {
    return expiring(maxEntries, Long.MAX_VALUE, (k, v) -> 0, ttlNanos, nanoClock);
  }

  /** A cache bounded in entries and bytes whose entries expire {@code ttlNanos} after storing. */
  public static <K, V> BoundedCache<K, V> expiring(
      int maxEntries,
      long maxBytes,
      Weigher<? super K, ? super V> weigher,
      long ttlNanos,
      LongSupplier nanoClock) {
    if (ttlNanos <= 0) {
      throw new IllegalArgumentException("ttl must be positive: " + ttlNanos);
    }
    return new BoundedCache<>(maxEntries, maxBytes, weigher, ttlNanos, nanoClock);
  }

  /** The cached value, or {@code null}. */
  public V get(K key) {
    Node<V> node = map.get(key);
    if (node == null) {
      return null;
    }
    if (ttlNanos != NO_EXPIRY && expired(node, nanoClock.getAsLong())) {
      if (map.remove(key, node)) { // shrinking needs no lock: the bound only limits growth
        bytes.addAndGet(-node.weight);
      }
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
   * the key. Evicts as needed to stay within both bounds. A value too heavy to keep (more than a
   * {@value #MAX_ENTRY_FRACTION}th of the byte budget) is returned without being stored.
   */
  public V putIfAbsent(K key, V value) {
    long weight = ENTRY_OVERHEAD + Math.max(0, weigher.weigh(key, value));
    writeLock.lock();
    try {
      long now = ttlNanos == NO_EXPIRY ? 0 : nanoClock.getAsLong();
      Node<V> existing = map.get(key);
      if (existing != null && !(ttlNanos != NO_EXPIRY && expired(existing, now))) {
        return existing.value;
      }
      if (weight > maxEntryBytes) {
        return value;
      }
      if (existing != null && map.remove(key, existing)) {
        bytes.addAndGet(-existing.weight);
      }
      while (!map.isEmpty() && (map.size() >= maxEntries || bytes.get() + weight > maxBytes)) {
        evictOne(now);
      }
      map.put(key, new Node<>(value, now, weight));
      bytes.addAndGet(weight);
      return value;
    } finally {
      writeLock.unlock();
    }
  }

  /** The sum of the weights of the entries held now, in bytes. */
  public long weightedSize() {
    return bytes.get();
  }

  public long maxBytes() {
    return maxBytes;
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
      if (map.remove(entry.getKey(), node)) {
        bytes.addAndGet(-node.weight);
      }
      return;
    }
  }

  private static final class Node<V> {
    final V value;
    final long storedAt;
    final long weight;
    volatile boolean referenced;

    Node(V value, long storedAt, long weight) {
      this.value = value;
      this.storedAt = storedAt;
      this.weight = weight;
    }
  }
}
