package dev.identitylog.token;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A bounded map from raw token to its facts. Look-ups are lock-free ({@link ConcurrentHashMap}
 * reads) and mark the entry as used with a plain volatile write, skipped when already marked, so
 * threads that keep presenting the same token do not contend.
 *
 * <p>Eviction is second chance (CLOCK) done in sweeps: when an insert finds the map full, one
 * thread walks the whole map, drops every entry not used since the previous sweep and clears the
 * mark of the others, until at most {@link #LOW_WATER} of the capacity is left. If everything was
 * in use, it drops entries in iteration order. A sweep frees at least a quarter of the capacity, so
 * its cost spreads over that many inserts. Other threads never wait for a sweep: while one is
 * running they skip caching rather than grow the map past its bound.
 */
final class FactsCache {
  /** Fraction of the capacity kept after a sweep. */
  static final double LOW_WATER = 0.75;

  private final int capacity;
  private final int lowWater;
  private final ConcurrentHashMap<String, Node> map;
  private final AtomicBoolean sweeping = new AtomicBoolean();

  FactsCache(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.capacity = capacity;
    this.lowWater = (int) (capacity * LOW_WATER);
    this.map = new ConcurrentHashMap<>(Math.min(capacity, 1024));
  }

  TokenFacts get(String raw) {
    Node n = map.get(raw);
    if (n == null) {
      return null;
    }
    if (!n.used) {
      n.used = true;
    }
    return n.facts;
  }

  void put(String raw, TokenFacts facts) {
    if (map.size() >= capacity) {
      sweep();
      if (map.size() >= capacity) {
        return; // another thread is sweeping; do not grow past the bound
      }
    }
    map.putIfAbsent(raw, new Node(facts));
  }

  int size() {
    return map.size();
  }

  int capacity() {
    return capacity;
  }

  private void sweep() {
    if (!sweeping.compareAndSet(false, true)) {
      return;
    }
    try {
      for (Iterator<Node> it = map.values().iterator(); it.hasNext(); ) {
        Node n = it.next();
        if (n.used) {
          n.used = false;
        } else {
          it.remove();
        }
      }
      if (map.size() > lowWater) {
        for (Iterator<Node> it = map.values().iterator(); it.hasNext() && map.size() > lowWater; ) {
          it.next();
          it.remove();
        }
      }
    } finally {
      sweeping.set(false);
    }
  }

  private static final class Node {
    final TokenFacts facts;

    /** Used since the last sweep; a new entry counts as used so it survives one sweep. */
    volatile boolean used = true;

    Node(TokenFacts facts) {
      this.facts = facts;
    }
  }
}
