package dev.identitylog.token;

import dev.identitylog.internal.Weights;

/**
 * The facts of the tokens seen last, found from the credential header itself: a look-up neither
 * cuts the token out of its header nor hashes all of it.
 *
 * <p>Why: a client sends the same header on every request, so the inspector's cache answers
 * nearly every look-up. But its key is the token as a new {@code String} cut out of the header
 * (a copy of some 400 to 2 000 characters), and a new string hashes all its characters again:
 * in a profile of a warm request the look-up cost more than building the rest of the event.
 *
 * <p>A direct-mapped table: the slot comes from the token's length and a few of its last
 * characters (a JWT ends in its signature, the part that differs between tokens); an entry is
 * used only when its whole header is equal ({@code String.equals}, which compares whole words at a
 * time), so a collision is a miss, never a wrong answer, and a client that makes tokens collide
 * only sends itself back to the inspector's cache. Entries are immutable and replaced whole, so
 * racing readers and writers see one entry or the other.
 *
 * <p>Bounded in bytes: each slot may retain at most its share of {@code maxBytes} (the header, the
 * facts and the entry), so the whole table never holds more than that, however large the headers
 * clients send. A header over its slot's share is not kept here and is answered by the cache.
 */
final class RecentTokens {
  static final int MAX_SLOTS = 64;

  /** An entry object: a header, three fields and two references, rounded up. */
  private static final int ENTRY = 32;

  private final Entry[] slots;
  private final int mask;
  private final long maxBytesPerSlot;

  /**
   * A table of at most {@code maxEntries} slots (a power of two), at least one, retaining at most
   * {@code maxBytes} in all.
   */
  RecentTokens(int maxEntries, long maxBytes) {
    int n = Integer.highestOneBit(Math.max(1, Math.min(maxEntries, MAX_SLOTS)));
    this.slots = new Entry[n];
    this.mask = n - 1;
    this.maxBytesPerSlot = Math.max(0, maxBytes) / n;
  }

  /** What an entry for this header and these facts retains. */
  static long weight(String header, TokenFacts facts) {
    return ENTRY + Weights.of(header) + facts.retainedBytes();
  }

  /** The facts stored for this token of this header, or {@code null}. */
  TokenFacts get(String header, int start, int end) {
    Entry e = slots[slot(header, start, end)];
    if (e != null && e.start == start && e.end == end && e.header.equals(header)) {
      return e.facts;
    }
    return null;
  }

  /** Keeps the facts for this header, when the entry fits its slot's share of the bytes. */
  boolean put(String header, int start, int end, TokenFacts facts) {
    if (weight(header, facts) > maxBytesPerSlot) {
      return false;
    }
    slots[slot(header, start, end)] = new Entry(header, start, end, facts);
    return true;
  }

  /** The bytes the entries retain now (racy: a moment's view). */
  long weightedSize() {
    long total = 0;
    for (Entry e : slots) {
      if (e != null) {
        total += weight(e.header, e.facts);
      }
    }
    return total;
  }

  private int slot(String header, int start, int end) {
    int length = end - start;
    int h = length;
    // The last characters, skipping a base64url padding-free tail's least varied last one.
    for (int i = Math.max(start, end - 6); i < end - 1; i++) {
      h = 31 * h + header.charAt(i);
    }
    h ^= h >>> 16;
    return h & mask;
  }

  private static final class Entry {
    final String header;
    final int start;
    final int end;
    final TokenFacts facts;

    Entry(String header, int start, int end, TokenFacts facts) {
      this.header = header;
      this.start = start;
      this.end = end;
      this.facts = facts;
    }
  }
}
