package dev.identitylog.token;

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
 */
final class RecentTokens {
  static final int MAX_SLOTS = 64;

  private final Entry[] slots;
  private final int mask;

  /** A table of at most {@code maxEntries} slots (a power of two), at least one. */
  RecentTokens(int maxEntries) {
    int n = Integer.highestOneBit(Math.max(1, Math.min(maxEntries, MAX_SLOTS)));
    this.slots = new Entry[n];
    this.mask = n - 1;
  }

  /** The facts stored for this token of this header, or {@code null}. */
  TokenFacts get(String header, int start, int end) {
    Entry e = slots[slot(header, start, end)];
    if (e != null && e.start == start && e.end == end && e.header.equals(header)) {
      return e.facts;
    }
    return null;
  }

  void put(String header, int start, int end, TokenFacts facts) {
    slots[slot(header, start, end)] = new Entry(header, start, end, facts);
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
