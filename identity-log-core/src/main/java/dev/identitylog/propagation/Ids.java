package dev.identitylog.propagation;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Trace, span and request ids.
 *
 * <p>Ids come from {@link ThreadLocalRandom}: they must be unique, not unguessable (they are
 * logged and sent in clear headers), and {@code SecureRandom} would put a lock or entropy wait on
 * the request path.
 */
public final class Ids {
  /**
   * Where a new id's digits are written before its string is made: {@code new String(char[], 0,
   * n)} copies them into the string's own Latin-1 bytes, so a reused buffer saves a temporary
   * array per id (48 bytes for a span id, 88 for a request id), on every request.
   */
  private static final ThreadLocal<char[]> SCRATCH = ThreadLocal.withInitial(() -> new char[64]);

  private Ids() {}

  static char[] scratch() {
    return SCRATCH.get();
  }

  /** A new trace id: 32 lowercase hex digits, never all zeros. */
  public static String newTraceId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high;
    long low;
    do {
      high = random.nextLong();
      low = random.nextLong();
    } while (high == 0 && low == 0);
    char[] out = SCRATCH.get();
    Hex.writeLong(high, out, 0);
    Hex.writeLong(low, out, 16);
    return new String(out, 0, 32);
  }

  /** A new span id: 16 lowercase hex digits, never all zeros. */
  public static String newSpanId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long id;
    do {
      id = random.nextLong();
    } while (id == 0);
    char[] out = SCRATCH.get();
    Hex.writeLong(id, out, 0);
    return new String(out, 0, 16);
  }

  /**
   * A new request id in the form of a random (version 4) UUID, lowercase: the form Envoy and most
   * proxies use for {@code X-Request-ID}, so ids generated here look like the ones received.
   */
  public static String newRequestId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xf000L) | 0x4000L; // version 4
    long low = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L; // IETF variant
    char[] out = SCRATCH.get();
    Hex.write(high >>> 32, 8, out, 0);
    out[8] = '-';
    Hex.write(high >>> 16, 4, out, 9);
    out[13] = '-';
    Hex.write(high, 4, out, 14);
    out[18] = '-';
    Hex.write(low >>> 48, 4, out, 19);
    out[23] = '-';
    Hex.write(low, 12, out, 24);
    return new String(out, 0, 36);
  }

  /** Whether the text is a valid trace id: 32 lowercase hex digits, not all zeros. */
  public static boolean isTraceId(String id) {
    return id != null && id.length() == 32 && Hex.isNonZeroLowerHex(id, 0, 32);
  }

  /** Whether the text is a valid span id: 16 lowercase hex digits, not all zeros. */
  public static boolean isSpanId(String id) {
    return id != null && id.length() == 16 && Hex.isNonZeroLowerHex(id, 0, 16);
  }
}
